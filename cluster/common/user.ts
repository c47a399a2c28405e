/**
 * The user the lab acts as: the OS user running it, as HDFS uses the user that formatted the
 * namespace (owner of `/`) and the shell user for files it creates.
 */
import os from 'node:os';

export function labUser(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'student';
  }
}

/**
 * The user a client acts as, as Hadoop's UserGroupInformation picks it under simple
 * authentication: HADOOP_USER_NAME when set, else the OS user. The RPC connection context carries
 * it to the NameNode, which checks permissions as that user.
 */
export function hadoopUser(env: NodeJS.ProcessEnv = process.env): string {
  const named = env.HADOOP_USER_NAME?.trim();
  return named ? named : labUser();
}
