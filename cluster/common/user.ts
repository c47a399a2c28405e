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
