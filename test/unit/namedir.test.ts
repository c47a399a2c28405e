import { describe, expect, it } from 'vitest';
import {
  editsInProgressName,
  editsName,
  fsimageCheckpointName,
  fsimageMd5Name,
  fsimageName,
  md5Line,
  parseNameDirFileName,
  parseSeenTxid,
  planPurge,
  seenTxidText,
} from '../../cluster/namenode/name-dir.js';

describe('name directory file names', () => {
  it('pads txids to 19 digits', () => {
    expect(fsimageName(42)).toBe('fsimage_0000000000000000042');
    expect(fsimageMd5Name(0)).toBe('fsimage_0000000000000000000.md5');
    expect(fsimageCheckpointName(7)).toBe('fsimage.ckpt_0000000000000000007');
    expect(editsName(1, 7)).toBe('edits_0000000000000000001-0000000000000000007');
    expect(editsInProgressName(8)).toBe('edits_inprogress_0000000000000000008');
    expect(() => editsName(8, 7)).toThrow(RangeError);
    expect(() => fsimageName(-1)).toThrow(RangeError);
  });

  it('parses every kind of file back', () => {
    expect(parseNameDirFileName('fsimage_0000000000000000042')).toEqual({ kind: 'fsimage', txid: 42 });
    expect(parseNameDirFileName('fsimage_0000000000000000042.md5')).toEqual({
      kind: 'fsimage_md5',
      txid: 42,
    });
    expect(parseNameDirFileName('fsimage.ckpt_0000000000000000042')).toEqual({
      kind: 'fsimage_ckpt',
      txid: 42,
    });
    expect(parseNameDirFileName(editsName(1, 7))).toEqual({ kind: 'edits', startTxid: 1, endTxid: 7 });
    expect(parseNameDirFileName(editsInProgressName(8))).toEqual({ kind: 'edits_inprogress', startTxid: 8 });
    expect(parseNameDirFileName('VERSION')).toEqual({ kind: 'version' });
    expect(parseNameDirFileName('seen_txid')).toEqual({ kind: 'seen_txid' });
    expect(parseNameDirFileName('in_use.lock')).toEqual({ kind: 'lock' });
    expect(parseNameDirFileName('edits_inprogress_x')).toEqual({
      kind: 'unknown',
      name: 'edits_inprogress_x',
    });
  });

  it('writes seen_txid and the md5 line', () => {
    expect(seenTxidText(8)).toBe('8\n');
    expect(parseSeenTxid('8\n')).toBe(8);
    expect(parseSeenTxid('eight')).toBeNull();
    expect(md5Line('0'.repeat(32), fsimageName(0))).toBe(`${'0'.repeat(32)} *fsimage_0000000000000000000\n`);
  });
});

describe('planPurge (NNStorageRetentionManager)', () => {
  const dir = [
    'VERSION',
    'seen_txid',
    fsimageName(0),
    fsimageMd5Name(0),
    editsName(1, 10),
    fsimageName(10),
    fsimageMd5Name(10),
    editsName(11, 20),
    fsimageName(20),
    fsimageMd5Name(20),
    editsName(21, 30),
    fsimageName(30),
    fsimageMd5Name(30),
    editsInProgressName(31),
  ];

  it('keeps the newest N images and every segment needed to replay from the oldest kept', () => {
    expect(planPurge(dir, { checkpointsRetained: 2, extraEditsRetained: 0 })).toEqual([
      fsimageName(0),
      fsimageMd5Name(0),
      fsimageName(10),
      fsimageMd5Name(10),
      editsName(1, 10),
      editsName(11, 20),
    ]);
  });

  it('keeps extra transactions before the oldest kept image', () => {
    const doomed = planPurge(dir, { checkpointsRetained: 2, extraEditsRetained: 5 });
    expect(doomed).toContain(editsName(1, 10));
    expect(doomed).not.toContain(editsName(11, 20)); // holds txids 16..20 of the 5 extra
    expect(planPurge(dir, { checkpointsRetained: 2, extraEditsRetained: 1_000_000 })).toEqual([
      fsimageName(0),
      fsimageMd5Name(0),
      fsimageName(10),
      fsimageMd5Name(10),
    ]);
  });

  it('caps the number of extra segments', () => {
    const doomed = planPurge(dir, {
      checkpointsRetained: 1,
      extraEditsRetained: 1_000_000,
      extraSegmentsRetainedMax: 1,
    });
    expect(doomed.filter((n) => n.startsWith('edits_'))).toEqual([editsName(1, 10), editsName(11, 20)]);
  });

  it('removes a stale in-progress segment that precedes what is kept, never the current one', () => {
    const stale = [...dir, editsInProgressName(5)];
    const doomed = planPurge(stale, { checkpointsRetained: 1, extraEditsRetained: 0 });
    expect(doomed).toContain(editsInProgressName(5));
    expect(doomed).not.toContain(editsInProgressName(31));
    expect(
      planPurge(['VERSION', editsInProgressName(1)], { checkpointsRetained: 2, extraEditsRetained: 0 }),
    ).toEqual([]);
  });
});
