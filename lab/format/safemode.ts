/**
 * DFSAdmin.setSafeMode's line, Hadoop 3.3. The tip that follows "Name node is in safe mode." is
 * the NameNode core's (cluster/namenode/safemode-tip.ts).
 */

/** `hdfs dfsadmin -safemode get|enter|leave|wait` output line (HA adds ` in <nn address>`). */
export function safemodeGetLine(on: boolean, nnAddress?: string): string {
  return `Safe mode is ${on ? 'ON' : 'OFF'}${nnAddress ? ` in ${nnAddress}` : ''}`;
}
