/**
 * What a Hadoop client prints when nothing listens at the NameNode's address: Client wraps the
 * ConnectException with NetUtils.wrapException, whose text for a refused connection names the
 * local host (NetUtils.getHostname: InetAddress.getLocalHost(), `name/address`), the address
 * dialled (its host name, then the port) and the wiki page (NetUtils.see: " For more details see:  "
 * and HADOOP_WIKI). FsShell prints it after the command's name and exits 1.
 */
const HADOOP_WIKI = 'http://wiki.apache.org/hadoop/';

export function connectionRefusedMessage(args: {
  /** `hostname/address` of the client's machine. */
  localHost: string;
  /** The NameNode's host name (InetSocketAddress.getHostName). */
  destHost: string;
  destPort: number;
}): string {
  return (
    `Call From ${args.localHost} to ${args.destHost}:${args.destPort} failed on connection exception: ` +
    `java.net.ConnectException: Connection refused; For more details see:  ${HADOOP_WIKI}ConnectionRefused`
  );
}
