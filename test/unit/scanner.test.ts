import { describe, expect, it } from 'vitest';
import {
  addSuspect,
  afterScan,
  freshCursor,
  nextScanStep,
  parseCursor,
  formatCursor,
  freshThrottle,
  throttleAfter,
  type ScanThrottle,
} from '../../cluster/datanode/scanner.js';
import { ReplicaMap } from '../../cluster/datanode/replica-map.js';

function replicas(ids: number[]): ReplicaMap<{ blockId: number }> {
  const map = new ReplicaMap<{ blockId: number }>();
  for (const blockId of ids) map.set({ blockId });
  return map;
}

const settings = { scanPeriodMs: 10_000, bytesPerSecond: 1_048_576 };

describe('block scanner scheduling', () => {
  it('walks replicas in id order, then waits for the period since the pass started', () => {
    let cursor = freshCursor();
    const seen: number[] = [];
    for (let i = 0; i < 3; i++) {
      const step = nextScanStep({
        cursor,
        replicas: replicas([30, 10, 20]),
        suspects: [],
        nowMs: 1_000,
        settings,
      });
      expect(step.kind).toBe('scan');
      if (step.kind !== 'scan') return;
      seen.push(step.blockId);
      cursor = afterScan(step.cursor, step.blockId, step.suspect);
    }
    expect(seen).toEqual([10, 20, 30]);
    const end = nextScanStep({
      cursor,
      replicas: replicas([10, 20, 30]),
      suspects: [],
      nowMs: 2_000,
      settings,
    });
    expect(end).toMatchObject({ kind: 'wait', untilMs: 11_000, cursor: { atEnd: true } });
    if (end.kind !== 'wait') return;
    const again = nextScanStep({
      cursor: end.cursor,
      replicas: replicas([10]),
      suspects: [],
      nowMs: 11_000,
      settings,
    });
    expect(again).toMatchObject({ kind: 'scan', blockId: 10, cursor: { iterStartMs: 11_000 } });
  });

  it('scans suspects first without moving the cursor', () => {
    const step = nextScanStep({
      cursor: freshCursor(),
      replicas: replicas([1, 2, 3]),
      suspects: [3],
      nowMs: 0,
      settings,
    });
    expect(step).toMatchObject({ kind: 'scan', blockId: 3, suspect: true });
    expect(afterScan(freshCursor(), 3, true).curEntry).toBeNull();
    expect(addSuspect([1, 2], 2)).toEqual([1, 2]);
  });

  it('is disabled by a zero rate or a negative period, and reads the lab override', () => {
    expect(
      nextScanStep({
        cursor: freshCursor(),
        replicas: replicas([1]),
        suspects: [],
        nowMs: 0,
        settings: { scanPeriodMs: 1, bytesPerSecond: 0 },
      }).kind,
    ).toBe('disabled');
  });

  it('reads back to back until a 500 ms window of the rate is spent, then sleeps to the next window', () => {
    // DataTransferThrottler: 1 MiB/s enforced over 500 ms periods is 524 288 bytes per period.
    let throttle: ScanThrottle = freshThrottle(1_048_576, 0);
    let reads = 0;
    let wait = 0;
    while (wait === 0) {
      ({ throttle, waitMs: wait } = throttleAfter(throttle, 1000, 1_048_576, 10));
      reads++;
    }
    expect(reads).toBe(525);
    expect(wait).toBe(490);
    // A 128 MB replica at 1 MiB/s: the scanner sleeps the ~122 s the rate asks for.
    const big = throttleAfter(freshThrottle(1_048_576, 0), 128 * 1_048_576, 1_048_576, 0);
    expect(big.waitMs).toBe(128_000);
    // A scanner already late for its next window goes on without banking the time it lost.
    const late = throttleAfter(freshThrottle(1_048_576, 0), 600_000, 1_048_576, 5_000);
    expect(late.waitMs).toBe(0);
    expect(late.throttle.periodStartMs).toBe(5_000);
    expect(late.throttle.reserveBytes).toBeLessThanOrEqual(524_288);
  });

  it('round-trips the cursor JSON', () => {
    const c = { ...freshCursor(), iterStartMs: 5, curEntry: 'blk_1073741825' };
    expect(parseCursor(formatCursor(c))).toEqual(c);
    expect(parseCursor('not json')).toEqual(freshCursor());
  });
});
