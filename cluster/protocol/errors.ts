/**
 * The error registry. Every failure that crosses a process boundary is a coded reply carrying one
 * of these names (HDFS's exception classes), a message in HDFS's words, and never a dropped
 * connection. `RemoteError` is what cores throw for operating errors and what the client rethrows.
 */
export const ERROR_CLASSES = {
  FileNotFoundException: 'java.io.FileNotFoundException',
  FileAlreadyExistsException: 'org.apache.hadoop.fs.FileAlreadyExistsException',
  ParentNotDirectoryException: 'org.apache.hadoop.fs.ParentNotDirectoryException',
  PathIsNotEmptyDirectoryException: 'org.apache.hadoop.fs.PathIsNotEmptyDirectoryException',
  InvalidPathException: 'org.apache.hadoop.fs.InvalidPathException',
  AccessControlException: 'org.apache.hadoop.security.AccessControlException',
  SafeModeException: 'org.apache.hadoop.hdfs.server.namenode.SafeModeException',
  AlreadyBeingCreatedException: 'org.apache.hadoop.hdfs.protocol.AlreadyBeingCreatedException',
  RecoveryInProgressException: 'org.apache.hadoop.hdfs.protocol.RecoveryInProgressException',
  LeaseExpiredException: 'org.apache.hadoop.hdfs.server.namenode.LeaseExpiredException',
  NotReplicatedYetException: 'org.apache.hadoop.hdfs.server.namenode.NotReplicatedYetException',
  NoDatanodesException: 'org.apache.hadoop.ipc.RemoteException',
  DisallowedDatanodeException: 'org.apache.hadoop.hdfs.server.protocol.DisallowedDatanodeException',
  UnregisteredNodeException: 'org.apache.hadoop.hdfs.protocol.UnregisteredNodeException',
  IncorrectVersionException: 'org.apache.hadoop.hdfs.server.common.IncorrectVersionException',
  InconsistentFSStateException: 'org.apache.hadoop.hdfs.server.common.InconsistentFSStateException',
  HadoopIllegalArgumentException: 'org.apache.hadoop.HadoopIllegalArgumentException',
  IllegalArgumentException: 'java.lang.IllegalArgumentException',
  ChecksumException: 'org.apache.hadoop.fs.ChecksumException',
  ReplicaNotFoundException: 'org.apache.hadoop.hdfs.server.datanode.ReplicaNotFoundException',
  CannotObtainBlockLengthException: 'org.apache.hadoop.hdfs.CannotObtainBlockLengthException',
  ReplicaAlreadyExistsException: 'org.apache.hadoop.hdfs.server.datanode.ReplicaAlreadyExistsException',
  PathIsNotDirectoryException: 'org.apache.hadoop.fs.PathIsNotDirectoryException',
  NSQuotaExceededException: 'org.apache.hadoop.hdfs.protocol.NSQuotaExceededException',
  DSQuotaExceededException: 'org.apache.hadoop.hdfs.protocol.DSQuotaExceededException',
  SnapshotException: 'org.apache.hadoop.hdfs.protocol.SnapshotException',
  SnapshotAccessControlException: 'org.apache.hadoop.hdfs.protocol.SnapshotAccessControlException',
  AclException: 'org.apache.hadoop.hdfs.protocol.AclException',
  IOException: 'java.io.IOException',
  EOFException: 'java.io.EOFException',
  MalformedFrameException: 'org.apache.hadoop.ipc.RpcException',
  UnknownMethodException: 'org.apache.hadoop.ipc.RpcNoSuchMethodException',
} as const;

export type ErrorClass = keyof typeof ERROR_CLASSES;

/** An operating error with HDFS's exception name; safe to send over the wire. */
export class RemoteError extends Error {
  readonly errorClass: ErrorClass;
  private readonly javaClass: string | undefined;
  /** `javaClass` keeps the class a peer named when the registry has no short name for it. */
  constructor(errorClass: ErrorClass, message: string, javaClass?: string) {
    super(message);
    this.name = errorClass;
    this.errorClass = errorClass;
    this.javaClass = javaClass;
  }
  get javaClassName(): string {
    return this.javaClass ?? ERROR_CLASSES[this.errorClass];
  }
}

/** The RemoteError for an exception a peer reported by its Java class name. */
export function remoteErrorOfJavaClass(javaClass: string, message: string): RemoteError {
  const known = (Object.keys(ERROR_CLASSES) as ErrorClass[]).find((k) => ERROR_CLASSES[k] === javaClass);
  return known ? new RemoteError(known, message) : new RemoteError('IOException', message, javaClass);
}

export function isErrorClass(name: string): name is ErrorClass {
  return Object.hasOwn(ERROR_CLASSES, name);
}
