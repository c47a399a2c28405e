/** For unit tests of the NameNode core: the RemoteError (HDFS's exception class and message) a call throws. */
import { RemoteError } from '../../cluster/protocol/errors.js';

export function thrown(fn: () => unknown): RemoteError {
  try {
    fn();
  } catch (e) {
    if (e instanceof RemoteError) return e;
    throw e;
  }
  throw new Error('expected a RemoteError');
}
