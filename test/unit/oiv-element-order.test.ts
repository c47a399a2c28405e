/**
 * `lab oiv -p XML`'s element order for every section and feature, each against the PBImageXmlWriter
 * method that prints it in Hadoop 3.3 (apache/hadoop at 2f52dfe: its *_SECTION_* names, dumpINodeFile,
 * dumpINodeDirectory, dumpXattrs, dumpAcls, dumpSnapshotSection, dumpSnapshotDiffSection, …), on an
 * image that used quotas, ACLs, xattrs, snapshots and an open file, read back from its binary form
 * as `hdfs oiv` reads it. Only names and order are checked; the values are the golden tests'.
 */
import { describe, expect, it } from 'vitest';
import { parseXml, type XmlElement } from '../../cluster/common/xml-tree.js';
import { decodeImage, encodeImage } from '../../cluster/namenode/fsimage/codec.js';
import { imageToXml } from '../../cluster/namenode/fsimage/oiv.js';
import { INODE_HEAD, OIV_SECTIONS, oivOrderErrors } from '../golden/hadoop-xml-orders.js';
import { featureImage } from './namespace-files.js';

const xml = imageToXml(decodeImage(encodeImage(featureImage())));
const root = parseXml(xml);

const names = (e: XmlElement | undefined): string[] => (e?.children ?? []).map((c) => c.name);
const section = (name: string): XmlElement => {
  const found = root.children.find((c) => c.name === name);
  if (!found) throw new Error(`no <${name}> in the XML`);
  return found;
};
/** The children of the first `tag` element under `parent` whose `<field>` says `value`. */
const entryWhere = (parent: XmlElement, tag: string, field: string, value: string): XmlElement => {
  const found = parent.children.find(
    (c) => c.name === tag && c.children.some((g) => g.name === field && g.text === value),
  );
  if (!found) throw new Error(`no <${tag}> with <${field}>${value}</${field}>`);
  return found;
};

/** dumpINodeFile: the fields in order; xattrs, acls, blocks and the UC feature only when present. */
const FILE_FIELDS = ['replication', 'mtime', 'atime', 'preferredBlockSize', 'permission'];
/** dumpINodeDirectory: mtime, permission, xattrs, acls, then nsquota and dsquota (always saved). */
const DIRECTORY_FIELDS = ['mtime', 'permission'];

describe('oiv -p XML element order, as PBImageXmlWriter prints it', () => {
  it('visit: <version>, then the sections in FSImageFormatProtobuf.SectionName order', () => {
    // The feature image has every section, so the whole order shows.
    expect(names(root)).toEqual(OIV_SECTIONS);
    expect(names(section('version'))).toEqual(['layoutVersion', 'onDiskVersion', 'oivRevision']);
  });

  it('dumpNameSection and dumpErasureCodingPolicy', () => {
    expect(names(section('NameSection'))).toEqual([
      'namespaceId',
      'genstampV1',
      'genstampV2',
      'genstampV1Limit',
      'lastAllocatedBlockId',
      'txid',
    ]);
    const policy = section('ErasureCodingSection').children[0];
    expect(names(policy)).toEqual(['policyId', 'policyName', 'cellSize', 'policyState', 'ecSchema']);
    expect(names(policy?.children[4])).toEqual(['codecName', 'dataUnits', 'parityUnits']);
  });

  it('dumpINodeSection/dumpINodeDirectory: xattrs and acls after the permission, then nsquota, dsquota', () => {
    const inodes = section('INodeSection');
    expect(names(inodes).slice(0, 2)).toEqual(['lastInodeId', 'numInodes']);
    const dir = entryWhere(inodes, 'inode', 'id', '16386');
    expect(names(dir)).toEqual([...INODE_HEAD, ...DIRECTORY_FIELDS, 'xattrs', 'acls', 'nsquota', 'dsquota']);
    expect(names(dir.children[5])).toEqual(['xattr']);
    expect(names(dir.children[5]?.children[0])).toEqual(['ns', 'name', 'valHex']);
    expect(new Set(names(dir.children[6]))).toEqual(new Set(['acl']));
  });

  it('dumpINodeFile: xattrs (val when UTF-8), acls, blocks, storagePolicyId, then file-under-construction', () => {
    const inodes = section('INodeSection');
    const withXattr = entryWhere(inodes, 'inode', 'name', 'c.txt');
    expect(names(withXattr)).toEqual([...INODE_HEAD, ...FILE_FIELDS, 'xattrs', 'blocks', 'storagePolicyId']);
    expect(names(withXattr.children[8]?.children[0])).toEqual(['ns', 'name', 'val']);
    expect(names(withXattr.children[9]?.children[0])).toEqual(['id', 'genstamp', 'numBytes']);
    const open = entryWhere(inodes, 'inode', 'name', 'open.txt');
    expect(names(open)).toEqual([
      ...INODE_HEAD,
      ...FILE_FIELDS,
      'acls',
      'blocks',
      'storagePolicyId',
      'file-under-construction',
    ]);
    expect(names(open.children[11])).toEqual(['clientName', 'clientMachine']);
  });

  it('dumpSnapshotSection: counter, numSnapshots, snapshottableDir, then each snapshot with its root INode', () => {
    const snapshots = section('SnapshotSection');
    expect(names(snapshots)).toEqual([
      'snapshotCounter',
      'numSnapshots',
      'snapshottableDir',
      'snapshot',
      'snapshot',
    ]);
    expect(names(snapshots.children[2])).toEqual(['dir']);
    const first = snapshots.children[3];
    expect(names(first)).toEqual(['id', 'root']);
    expect(names(first?.children[1])).toEqual([
      ...INODE_HEAD,
      ...DIRECTORY_FIELDS,
      'xattrs',
      'acls',
      'nsquota',
      'dsquota',
    ]);
  });

  it('dumpINodeDirectorySection and dumpFileUnderConstructionSection', () => {
    const dirs = section('INodeDirectorySection');
    // c.txt was renamed while a snapshot held it: a DstReference, listed by its reference index.
    expect(names(entryWhere(dirs, 'directory', 'parent', '16386'))).toEqual(['parent', 'child', 'refChild']);
    expect(names(section('FileUnderConstructionSection').children[0])).toEqual(['id', 'path']);
  });

  it('dumpINodeReferenceSection: each ref as referredId, name, dstSnapshotId, lastSnapshotId', () => {
    const refs = section('INodeReferenceSection').children;
    expect(refs.map((r) => r.name)).toEqual(['ref', 'ref']);
    for (const r of refs) expect(names(r)).toEqual(['referredId', 'name', 'dstSnapshotId', 'lastSnapshotId']);
  });

  it('dumpSnapshotDiffSection: dirDiff as snapshotId, childrenSize, isSnapshotRoot, name, createdListSize, deletedInode, deletedInoderef, created', () => {
    const diffs = section('SnapshotDiffSection');
    const rootEntry = entryWhere(diffs, 'dirDiffEntry', 'inodeId', '16386');
    expect(names(rootEntry)).toEqual(['inodeId', 'count', 'dirDiff', 'dirDiff']);
    // s2's diff: the renamed a\b.txt is a WithName (deletedInoderef), c.txt and open.txt created.
    expect(names(rootEntry.children[2])).toEqual([
      'snapshotId',
      'childrenSize',
      'isSnapshotRoot',
      'name',
      'createdListSize',
      'deletedInoderef',
      'created',
      'created',
    ]);
    expect(names(rootEntry.children[2]?.children[6])).toEqual(['name']);
    // A directory that is not the snapshot root: isSnapshotRoot is a boolean and left out when false.
    const sub = entryWhere(diffs, 'dirDiffEntry', 'inodeId', '16387');
    expect(names(sub.children[2])).toEqual([
      'snapshotId',
      'childrenSize',
      'name',
      'createdListSize',
      'deletedInode',
    ]);
  });

  it('dumpSnapshotDiffSection: fileDiff as snapshotId, size, name, snapshotCopy (dumpINodeFile)', () => {
    const file = entryWhere(section('SnapshotDiffSection'), 'fileDiffEntry', 'inodeId', '16388');
    expect(names(file)).toEqual(['inodeId', 'count', 'fileDiff', 'fileDiff']);
    expect(names(file.children[2])).toEqual(['snapshotId', 'size', 'name', 'snapshotCopy']);
    expect(names(file.children[2]?.children[3])).toEqual([...FILE_FIELDS, 'xattrs', 'storagePolicyId']);
  });

  it('dumpSecretManagerSection and dumpCacheManagerSection: the counts even when zero', () => {
    expect(names(section('SecretManagerSection'))).toEqual([
      'currentId',
      'tokenSequenceNumber',
      'numDelegationKeys',
      'numTokens',
    ]);
    expect(names(section('CacheManagerSection'))).toEqual(['nextDirectiveId', 'numDirectives', 'numPools']);
  });
});

describe('oivOrderErrors, the checker real-process tests run on a name directory', () => {
  it('finds the feature image in PBImageXmlWriter order, and says which element strays', () => {
    expect(oivOrderErrors(xml)).toEqual([]);
    const swapped = xml
      .replace(/(<acls>.*?<\/acls>)(<xattrs>.*?<\/xattrs>)?/, '$1')
      .replace(
        '<nsquota>100</nsquota><dsquota>67108864</dsquota></inode>',
        '<dsquota>67108864</dsquota><nsquota>100</nsquota></inode>',
      );
    expect(oivOrderErrors(swapped)).toEqual([
      'INodeSection inode: id,type,name,mtime,permission,xattrs,acls,dsquota,nsquota is not id,type,name,mtime,permission,xattrs,acls,nsquota,dsquota',
    ]);
  });
});
