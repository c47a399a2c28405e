import { describe, expect, it } from 'vitest';
import { decodeImage, encodeImage } from '../../cluster/namenode/fsimage/codec.js';
import { Namespace } from '../../cluster/namenode/namespace.js';
import {
  CheckpointPlanError,
  mergeCheckpoint,
  planCheckpoint,
  shouldCheckpoint,
} from '../../cluster/secondary/checkpointer.js';
import { freshImage, scriptedHistory } from '../golden/history.js';

const HOUR_MS = 3_600_000;

describe('shouldCheckpoint', () => {
  const base = {
    nowMs: 10 * HOUR_MS,
    lastCheckpointMs: 10 * HOUR_MS - 1_000,
    lastCheckpointTxid: 100,
    periodMs: HOUR_MS,
    txns: 50,
  };

  it('is not due with few transactions and a recent checkpoint', () => {
    expect(shouldCheckpoint({ ...base, nnTxid: 149 })).toEqual({ due: false, reason: null });
  });

  it('is due by txns once checkpoint.txns transactions are not in a checkpoint', () => {
    expect(shouldCheckpoint({ ...base, nnTxid: 150 })).toEqual({ due: true, reason: 'txns' });
  });

  it('is due by period once checkpoint.period has passed, even with no new transactions', () => {
    expect(shouldCheckpoint({ ...base, nnTxid: 100, lastCheckpointMs: 9 * HOUR_MS })).toEqual({
      due: true,
      reason: 'period',
    });
  });

  it('checks txns before period, as SecondaryNameNode.doWork does', () => {
    expect(shouldCheckpoint({ ...base, nnTxid: 500, lastCheckpointMs: 0 }).reason).toBe('txns');
  });
});

describe('planCheckpoint', () => {
  it('fetches the image only when the checkpoint dir does not hold it, and only missing segments', () => {
    const plan = planCheckpoint({
      nnImageTxid: 7,
      curSegmentTxid: 21,
      manifest: [
        { startTxid: 1, endTxid: 7 },
        { startTxid: 8, endTxid: 12 },
        { startTxid: 13, endTxid: 20 },
      ],
      haveImageTxids: [7],
      haveSegments: [{ startTxid: 8, endTxid: 12 }],
    });
    expect(plan).toEqual({
      fetchImage: false,
      imageTxid: 7,
      fetchSegments: [{ startTxid: 13, endTxid: 20 }],
      replaySegments: [
        { startTxid: 8, endTxid: 12 },
        { startTxid: 13, endTxid: 20 },
      ],
      targetTxid: 20,
    });
    expect(
      planCheckpoint({
        nnImageTxid: 7,
        curSegmentTxid: 21,
        manifest: plan.replaySegments,
        haveImageTxids: [0],
        haveSegments: [],
      }).fetchImage,
    ).toBe(true);
  });

  it('refuses a manifest with a gap or one that stops before the roll', () => {
    const gap = () =>
      planCheckpoint({
        nnImageTxid: 0,
        curSegmentTxid: 21,
        manifest: [
          { startTxid: 1, endTxid: 5 },
          { startTxid: 8, endTxid: 20 },
        ],
        haveImageTxids: [],
        haveSegments: [],
      });
    expect(gap).toThrow(CheckpointPlanError);
    expect(gap).toThrow(/need txid 6, next segment starts at 8/);
    const short = () =>
      planCheckpoint({
        nnImageTxid: 0,
        curSegmentTxid: 21,
        manifest: [{ startTxid: 1, endTxid: 5 }],
        haveImageTxids: [],
        haveSegments: [],
      });
    expect(short).toThrow(/ends at txid 5; the roll ended the log at 20/);
  });
});

describe('mergeCheckpoint', () => {
  const history = scriptedHistory();

  it('gives the image the NameNode itself would save at the last txid', () => {
    const live = Namespace.fromImage(freshImage());
    for (const op of history) live.applyOp(op);
    const last = history.at(-1)!.txid;
    const merged = mergeCheckpoint(freshImage(), [history]);
    expect(merged.txid).toBe(last);
    expect(merged).toEqual(live.toImage(last));
    // And it survives the fsimage codec unchanged (what the Secondary uploads is what the NameNode loads).
    expect(decodeImage(encodeImage(merged))).toEqual(merged);
  });

  it('merging in two checkpoints equals merging once, and ops already in the image are skipped', () => {
    const cut = 9;
    const first = mergeCheckpoint(freshImage(), [history.filter((op) => op.txid <= cut)]);
    expect(first.txid).toBe(cut);
    const second = mergeCheckpoint(first, [history]);
    expect(second).toEqual(mergeCheckpoint(freshImage(), [history]));
  });

  it('refuses a gap in the txids', () => {
    const holed = history.filter((op) => op.txid !== 5);
    expect(() => mergeCheckpoint(freshImage(), [holed])).toThrow(/expected txid 5, found 6/);
  });
});
