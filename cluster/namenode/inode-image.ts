/**
 * An INode as the fsimage's INodeSection records it (ImageINode) and back: what saveNamespace
 * writes for each INode, what a snapshot's diff copies of one, and what loading an image rebuilds.
 * Pure.
 */
import type { BlockRef } from './editlog/ops.js';
import type { ImageINode } from './fsimage/image.js';
import { newDirectory, newFile, type INode } from './inode.js';

/** A block list that shares no objects with the one it was copied from. */
export function copyBlocks(blocks: readonly BlockRef[]): BlockRef[] {
  return blocks.map((b) => ({ blockId: b.blockId, numBytes: b.numBytes, genStamp: b.genStamp }));
}

/** Two block lists hold the same blocks: ids, lengths and generation stamps, in order. */
export function sameBlocks(a: readonly BlockRef[], b: readonly BlockRef[]): boolean {
  return (
    a.length === b.length &&
    a.every(
      (x, i) => x.blockId === b[i]!.blockId && x.numBytes === b[i]!.numBytes && x.genStamp === b[i]!.genStamp,
    )
  );
}

export function toImageINode(node: INode): ImageINode {
  if (node.kind === 'DIRECTORY') {
    return {
      id: node.id,
      type: 'DIRECTORY',
      name: node.name,
      directory: {
        mtime: node.mtime,
        permission: { ...node.permission },
        nsQuota: node.nsQuota,
        dsQuota: node.dsQuota,
        ...(node.xattrs.length > 0 ? { xattrs: node.xattrs.map((x) => ({ ...x })) } : {}),
        ...(node.acl.length > 0 ? { acl: node.acl.map((e) => ({ ...e })) } : {}),
      },
    };
  }
  return {
    id: node.id,
    type: 'FILE',
    name: node.name,
    file: {
      replication: node.replication,
      mtime: node.mtime,
      atime: node.atime,
      preferredBlockSize: node.preferredBlockSize,
      permission: { ...node.permission },
      blocks: copyBlocks(node.blocks),
      storagePolicyId: node.storagePolicyId,
      ...(node.xattrs.length > 0 ? { xattrs: node.xattrs.map((x) => ({ ...x })) } : {}),
      ...(node.acl.length > 0 ? { acl: node.acl.map((e) => ({ ...e })) } : {}),
      ...(node.underConstruction ? { underConstruction: { ...node.underConstruction } } : {}),
    },
  };
}

export function fromImageINode(image: ImageINode): INode {
  if (image.type === 'DIRECTORY') {
    const d = image.directory;
    if (!d) throw new Error(`fsimage: directory inode ${image.id} has no directory record`);
    return newDirectory({
      id: image.id,
      name: image.name,
      permission: d.permission,
      mtime: d.mtime,
      nsQuota: d.nsQuota,
      dsQuota: d.dsQuota,
      xattrs: d.xattrs ?? [],
      acl: d.acl ?? [],
    });
  }
  const f = image.file;
  if (!f) throw new Error(`fsimage: file inode ${image.id} has no file record`);
  return newFile({
    id: image.id,
    name: image.name,
    permission: f.permission,
    mtime: f.mtime,
    atime: f.atime,
    replication: f.replication,
    preferredBlockSize: f.preferredBlockSize,
    storagePolicyId: f.storagePolicyId,
    blocks: f.blocks,
    underConstruction: f.underConstruction ?? null,
    xattrs: f.xattrs ?? [],
    acl: f.acl ?? [],
  });
}
