/**
 * `-put`/`-cp -t <thread count> -q <queue size>`: the values as CopyCommandWithMultiThread reads
 * them (setThreadCount, setThreadPoolQueueSize, Integer.parseInt) and the pool as its
 * ThreadPoolExecutor runs copies (that many at once, a bounded queue, CallerRunsPolicy when it is
 * full, waitForCompletion).
 */
import { describe, expect, it } from 'vitest';
import { CommandFormatError, type HadoopArgs } from '../../lab/cli/hadoop-args.js';
import {
  copiesInParallel,
  copyThreadsOf,
  CopyPool,
  DEFAULT_COPY_QUEUE_SIZE,
} from '../../lab/commands/fs-copy-threads.js';

const args = (options: Record<string, string>): HadoopArgs => ({
  options: new Map(Object.entries(options).map(([k, v]) => [k, [v]])),
  operands: [],
  defines: [],
  json: false,
});

describe('copyThreadsOf (setThreadCount, setThreadPoolQueueSize)', () => {
  it('takes one thread and a queue of 1024 by default; below 1 is 1 thread and the default queue', () => {
    expect(copyThreadsOf(args({}))).toEqual({ threads: 1, queueSize: DEFAULT_COPY_QUEUE_SIZE });
    expect(DEFAULT_COPY_QUEUE_SIZE).toBe(1024);
    expect(copyThreadsOf(args({ t: '0', q: '-5' }))).toEqual({ threads: 1, queueSize: 1024 });
    expect(copyThreadsOf(args({ t: '10', q: '2048' }))).toEqual({ threads: 10, queueSize: 2048 });
  });

  it("refuses what Integer.parseInt refuses, with NumberFormatException's text", () => {
    for (const bad of ['x', '1.5', '2147483648', '']) {
      expect(() => copyThreadsOf(args({ t: bad }))).toThrow(
        new CommandFormatError(`For input string: "${bad}"`),
      );
    }
    expect(copyThreadsOf(args({ t: '2147483647' })).threads).toBe(2147483647);
  });

  it('copies in parallel only with more than one thread and more than one file (isMultiThreadNecessary)', () => {
    const five = { threads: 5, queueSize: 1024 };
    expect(copiesInParallel(five, 2, false)).toBe(true);
    expect(copiesInParallel(five, 1, true)).toBe(true);
    expect(copiesInParallel(five, 1, false)).toBe(false);
    expect(copiesInParallel({ threads: 1, queueSize: 1024 }, 3, true)).toBe(false);
  });
});

/** A copy that starts when run and ends when the test says. */
function gate() {
  let open = (): void => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

describe('CopyPool (ThreadPoolExecutor with CallerRunsPolicy)', () => {
  it('runs as many copies as threads, queues the next, and copies in the caller when the queue is full', async () => {
    const pool = new CopyPool({ threads: 2, queueSize: 1 });
    const started: string[] = [];
    let running = 0;
    let most = 0;
    const gates = new Map(['a', 'b', 'c', 'd'].map((n) => [n, gate()]));
    const copy = (name: string) => async () => {
      started.push(name);
      most = Math.max(most, ++running);
      await gates.get(name)!.opened;
      running--;
    };
    await pool.submit(copy('a'));
    await pool.submit(copy('b'));
    await pool.submit(copy('c'));
    expect(started).toEqual(['a', 'b']);
    // Two running, one queued: the fourth is the caller's own, and submit waits for it.
    const fourth = pool.submit(copy('d'));
    expect(started).toEqual(['a', 'b', 'd']);
    gates.get('d')!.open();
    await fourth;
    gates.get('a')!.open();
    await gates.get('a')!.opened;
    // 'a' ended: its worker takes the queued 'c'.
    await new Promise((resolve) => setImmediate(resolve));
    expect(started).toEqual(['a', 'b', 'd', 'c']);
    const drained = pool.drain();
    gates.get('b')!.open();
    gates.get('c')!.open();
    await drained;
    expect(running).toBe(0);
    expect(most).toBe(3); // two workers and the caller
  });

  it('drain throws what a copy threw instead of reporting it (a bug, not a copy error)', async () => {
    const pool = new CopyPool({ threads: 2, queueSize: 4 });
    await pool.submit(() => Promise.reject(new Error('unreported')));
    await pool.submit(() => Promise.resolve());
    await expect(pool.drain()).rejects.toThrow('unreported');
  });
});
