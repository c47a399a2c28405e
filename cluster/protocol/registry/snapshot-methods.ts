/**
 * ClientProtocol's snapshot methods (ClientNamenodeProtocol.proto's messages): allowSnapshot,
 * disallowSnapshot, createSnapshot, deleteSnapshot, renameSnapshot, getSnapshottableDirListing,
 * getSnapshotListing (Hadoop 3.3), getSnapshotDiffReport.
 */
import * as cp from '../gen/client_protocol_pb.js';
import type { SnapshotDiffType } from '../messages.js';
import { childPath, fileStatusFromProto, fileStatusToProto } from './hdfs-types.js';
import { CLIENT_PROTOCOL as P, protoMethod, voidProtoMethod, type RpcMethodEntry } from './types.js';

/** SnapshotDiffReport.DiffType labels on the wire (modificationLabel). */
const LABELS: Record<SnapshotDiffType, string> = {
  CREATE: 'CREATE',
  MODIFY: 'MODIFY',
  DELETE: 'DELETE',
  RENAME: 'RENAME',
};

function diffTypeOf(label: string): SnapshotDiffType {
  const type = (Object.keys(LABELS) as SnapshotDiffType[]).find((k) => LABELS[k] === label);
  if (!type) throw new RangeError(`snapshot diff label ${JSON.stringify(label)} is not one HDFS sends`);
  return type;
}

const utf8 = (b: Uint8Array): string => Buffer.from(b).toString('utf8');

export const SNAPSHOT_METHODS: RpcMethodEntry[] = [
  voidProtoMethod({
    protocol: P,
    method: 'allowSnapshot',
    request: cp.AllowSnapshotRequestProtoSchema,
    response: cp.AllowSnapshotResponseProtoSchema,
    toRequest: (p) => ({ snapshotRoot: p.snapshotRoot }),
    fromRequest: (m) => ({ snapshotRoot: m.snapshotRoot }),
    journalFields: ['snapshotRoot'],
  }),
  voidProtoMethod({
    protocol: P,
    method: 'disallowSnapshot',
    request: cp.DisallowSnapshotRequestProtoSchema,
    response: cp.DisallowSnapshotResponseProtoSchema,
    toRequest: (p) => ({ snapshotRoot: p.snapshotRoot }),
    fromRequest: (m) => ({ snapshotRoot: m.snapshotRoot }),
    journalFields: ['snapshotRoot'],
  }),
  protoMethod({
    protocol: P,
    method: 'createSnapshot',
    request: cp.CreateSnapshotRequestProtoSchema,
    response: cp.CreateSnapshotResponseProtoSchema,
    toRequest: (p) => ({
      snapshotRoot: p.snapshotRoot,
      ...(p.snapshotName !== null ? { snapshotName: p.snapshotName } : {}),
    }),
    // An absent name (or the Go client's empty one) asks for the default name.
    fromRequest: (m) => ({ snapshotRoot: m.snapshotRoot, snapshotName: m.snapshotName || null }),
    toResponse: (path) => ({ snapshotPath: path }),
    fromResponse: (m) => m.snapshotPath,
    journalFields: ['snapshotRoot', 'snapshotName'],
  }),
  voidProtoMethod({
    protocol: P,
    method: 'deleteSnapshot',
    request: cp.DeleteSnapshotRequestProtoSchema,
    response: cp.DeleteSnapshotResponseProtoSchema,
    toRequest: (p) => ({ snapshotRoot: p.snapshotRoot, snapshotName: p.snapshotName }),
    fromRequest: (m) => ({ snapshotRoot: m.snapshotRoot, snapshotName: m.snapshotName }),
    journalFields: ['snapshotRoot', 'snapshotName'],
  }),
  voidProtoMethod({
    protocol: P,
    method: 'renameSnapshot',
    request: cp.RenameSnapshotRequestProtoSchema,
    response: cp.RenameSnapshotResponseProtoSchema,
    toRequest: (p) => ({ ...p }),
    fromRequest: (m) => ({
      snapshotRoot: m.snapshotRoot,
      snapshotOldName: m.snapshotOldName,
      snapshotNewName: m.snapshotNewName,
    }),
    journalFields: ['snapshotRoot', 'snapshotOldName', 'snapshotNewName'],
  }),
  protoMethod({
    protocol: P,
    method: 'getSnapshottableDirListing',
    request: cp.GetSnapshottableDirListingRequestProtoSchema,
    response: cp.GetSnapshottableDirListingResponseProtoSchema,
    toRequest: () => ({}),
    fromRequest: () => ({}),
    // HDFS answers no listing at all when there is no snapshottable directory.
    toResponse: (dirs) =>
      dirs.length === 0
        ? {}
        : {
            snapshottableDirList: {
              snapshottableDirListing: dirs.map((d) => ({
                dirStatus: fileStatusToProto(d.status, d.status.pathSuffix),
                snapshotQuota: d.snapshotQuota,
                snapshotNumber: d.snapshotNumber,
                parentFullpath: Buffer.from(d.parentPath, 'utf8'),
              })),
            },
          },
    fromResponse: (m) =>
      (m.snapshottableDirList?.snapshottableDirListing ?? []).map((d) => {
        const parentPath = utf8(d.parentFullpath);
        const name = d.dirStatus ? utf8(d.dirStatus.path) : '';
        const path = name === '' ? '/' : childPath(parentPath || '/', name);
        if (!d.dirStatus) throw new RangeError('SnapshottableDirectoryStatusProto without dirStatus');
        return {
          status: fileStatusFromProto(d.dirStatus, path),
          snapshotNumber: d.snapshotNumber,
          snapshotQuota: d.snapshotQuota,
          parentPath,
        };
      }),
  }),
  protoMethod({
    protocol: P,
    method: 'getSnapshotListing',
    request: cp.GetSnapshotListingRequestProtoSchema,
    response: cp.GetSnapshotListingResponseProtoSchema,
    toRequest: (p) => ({ snapshotRoot: p.snapshotRoot }),
    fromRequest: (m) => ({ snapshotRoot: m.snapshotRoot }),
    toResponse: (snapshots) => ({
      snapshotList: {
        snapshotListing: snapshots.map((s) => ({
          dirStatus: fileStatusToProto(s.status, s.status.pathSuffix),
          snapshotID: s.snapshotId,
          parentFullpath: Buffer.from(s.parentPath, 'utf8'),
          isDeleted: false,
        })),
      },
    }),
    fromResponse: (m) =>
      (m.snapshotList?.snapshotListing ?? []).map((s) => {
        if (!s.dirStatus) throw new RangeError('SnapshotStatusProto without dirStatus');
        const parentPath = utf8(s.parentFullpath);
        const path = childPath(childPath(parentPath || '/', '.snapshot'), utf8(s.dirStatus.path));
        return { status: fileStatusFromProto(s.dirStatus, path), snapshotId: s.snapshotID, parentPath };
      }),
    journalFields: ['snapshotRoot'],
  }),
  protoMethod({
    protocol: P,
    method: 'getSnapshotDiffReport',
    request: cp.GetSnapshotDiffReportRequestProtoSchema,
    response: cp.GetSnapshotDiffReportResponseProtoSchema,
    toRequest: (p) => ({ ...p }),
    fromRequest: (m) => ({
      snapshotRoot: m.snapshotRoot,
      fromSnapshot: m.fromSnapshot,
      toSnapshot: m.toSnapshot,
    }),
    toResponse: (r) => ({
      diffReport: {
        snapshotRoot: r.snapshotRoot,
        fromSnapshot: r.fromSnapshot,
        toSnapshot: r.toSnapshot,
        diffReportEntries: r.entries.map((e) => ({
          fullpath: Buffer.from(e.path, 'utf8'),
          modificationLabel: LABELS[e.type],
          ...(e.target !== undefined ? { targetPath: Buffer.from(e.target, 'utf8') } : {}),
        })),
      },
    }),
    fromResponse: (m) => {
      const r = m.diffReport;
      if (!r) throw new RangeError('GetSnapshotDiffReportResponseProto without diffReport');
      return {
        snapshotRoot: r.snapshotRoot,
        fromSnapshot: r.fromSnapshot,
        toSnapshot: r.toSnapshot,
        entries: r.diffReportEntries.map((e) => ({
          type: diffTypeOf(e.modificationLabel),
          path: utf8(e.fullpath),
          ...(e.targetPath && e.targetPath.length > 0 ? { target: utf8(e.targetPath) } : {}),
        })),
      };
    },
    journalFields: ['snapshotRoot', 'fromSnapshot', 'toSnapshot'],
  }),
];
