/**
 * The rules of ClientProtocol.concat, as Hadoop 3.3's FSDirConcatOp checks them: the target is a
 * closed file; every source is a closed file with at least one block, in the target's directory,
 * not the target, not in the latest snapshot, with a preferred block size no larger than the
 * target's; no source is named twice. Each refusal is HDFS's exception with its words. (Hadoop 2.6
 * and older also wanted a non-empty target, the target's replication and full blocks; HDFS-3689
 * dropped those rules when blocks became variable-length, so a target may be empty and a source's
 * last block partly filled.)
 *
 * Pure: the Namespace resolves the paths and passes the INodes.
 */
import { RemoteError } from '../protocol/errors.js';
import type { INode, INodeFile } from './inode.js';
import type { QuotaCounts } from './quota.js';
import { fileLength } from './inode.js';

/** FSDirConcatOp.validatePath: Preconditions.checkArgument's IllegalArgumentException. */
export function checkConcatArguments(target: string, srcs: readonly string[]): void {
  if (target === '') throw new RemoteError('IllegalArgumentException', 'Target file name is empty');
  if (srcs.length === 0) throw new RemoteError('IllegalArgumentException', 'No sources given');
}

/** INodeFile.valueOf: a missing path or a directory where a file must be. */
export function fileOrThrow(node: INode | null, path: string): INodeFile {
  if (!node) throw new RemoteError('FileNotFoundException', `File does not exist: ${path}`);
  if (node.kind !== 'FILE') throw new RemoteError('FileNotFoundException', `Path is not a file: ${path}`);
  return node;
}

/** FSDirConcatOp.verifyTargetFile (the lab has no encryption zones). */
export function checkConcatTarget(node: INode | null, target: string): INodeFile {
  const file = fileOrThrow(node, target);
  if (file.underConstruction) {
    throw new RemoteError(
      'HadoopIllegalArgumentException',
      `concat: target file ${target} is under construction`,
    );
  }
  return file;
}

/** One source as FSDirConcatOp.verifySrcFiles sees it, after its path resolved and its permissions held. */
export interface ConcatSource {
  /** The path as the caller named it. */
  src: string;
  node: INode | null;
  /** Whether the latest snapshot of the directory above holds this INode (INode.isInLatestSnapshot). */
  inLatestSnapshot: boolean;
}

/** FSDirConcatOp.verifySrcFiles for one source, in its order of checks. */
export function checkConcatSource(
  source: ConcatSource,
  target: { file: INodeFile; path: string },
): INodeFile {
  const { src } = source;
  const file = fileOrThrow(source.node, src);
  const refuse = (message: string): RemoteError => new RemoteError('HadoopIllegalArgumentException', message);
  if (file.parent !== target.file.parent)
    throw refuse(`Source file ${src} is not in the same directory with the target ${target.path}`);
  if (source.inLatestSnapshot)
    throw new RemoteError('SnapshotException', `Concat: the source file ${src} is in snapshot`);
  if (file === target.file)
    throw refuse(`concat: the src file ${src} is the same with the target file ${target.path}`);
  if (file.underConstruction || file.blocks.length === 0)
    throw refuse(`concat: source file ${src} is invalid or empty or underConstruction`);
  if (file.preferredBlockSize > target.file.preferredBlockSize) {
    throw refuse(
      `concat: source file ${src} has preferred block size ${file.preferredBlockSize} which is greater than the target file's preferred block size ${target.file.preferredBlockSize}`,
    );
  }
  return file;
}

/** The last check of verifySrcFiles: a LinkedHashSet of the sources smaller than the list. */
export function checkNoDuplicateSources(files: readonly INodeFile[]): void {
  if (new Set(files).size < files.length) {
    throw new RemoteError(
      'HadoopIllegalArgumentException',
      'concat: at least two of the source files are the same',
    );
  }
}

/**
 * FSDirConcatOp.computeQuotaDeltas: the sources' INodes go (namespace −1 each) and their bytes take
 * the target's replication (storage space grows where the target keeps more replicas).
 */
export function concatQuotaDelta(target: INodeFile, sources: readonly INodeFile[]): QuotaCounts {
  let storagespace = 0;
  for (const s of sources) storagespace += fileLength(s) * (target.replication - s.replication);
  return { namespace: -sources.length, storagespace };
}
