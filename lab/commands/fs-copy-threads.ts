/**
 * `-put`/`-copyFromLocal`/`-get`/`-copyToLocal`/`-cp -t <thread count> -q <thread pool queue size>`, as FsShell's
 * CopyCommandWithMultiThread: with more than one thread and more than one file to copy (several
 * sources, or one directory), each file's copy is handed to a pool of that many workers with a
 * bounded queue (ThreadPoolExecutor with an ArrayBlockingQueue); when the queue is full the command
 * copies the file itself (CallerRunsPolicy). A copy that fails prints its error when it fails
 * (displayError) and the others go on; the command waits for every copy before it ends.
 */
import type { HadoopArgs } from '../cli/hadoop-args.js';
import { parseOptionInt } from '../cli/hadoop-args.js';

/** CopyCommandWithMultiThread.DEFAULT_QUEUE_SIZE. */
export const DEFAULT_COPY_QUEUE_SIZE = 1024;

export interface CopyThreads {
  /** Workers (setThreadCount: at least 1). */
  threads: number;
  /** Copies that may wait for a worker (setThreadPoolQueueSize: below 1 is the default). */
  queueSize: number;
}

/** The -t and -q values as setThreadCount and setThreadPoolQueueSize read them. */
export function copyThreadsOf(a: HadoopArgs): CopyThreads {
  const t = a.options.get('t')?.[0];
  const q = a.options.get('q')?.[0];
  const threads = t === undefined ? 1 : Math.max(parseOptionInt(t), 1);
  const size = q === undefined ? DEFAULT_COPY_QUEUE_SIZE : parseOptionInt(q);
  return { threads, queueSize: size < 1 ? DEFAULT_COPY_QUEUE_SIZE : size };
}

/**
 * The pool of one command. `submit` returns once the copy has a worker or a place in the queue
 * (or, the queue being full, once the caller has done it); `drain` once every copy has ended.
 * A copy's own errors are its business: the task given must catch and report them.
 */
export class CopyPool {
  private running = 0;
  private readonly queue: (() => Promise<void>)[] = [];
  private readonly idle: (() => void)[] = [];
  /** A task that threw instead of reporting its error: a bug, thrown again by drain. */
  private unexpected: unknown = undefined;

  constructor(private readonly threads: CopyThreads) {}

  async submit(task: () => Promise<void>): Promise<void> {
    if (this.running < this.threads.threads) {
      this.start(task);
      return;
    }
    if (this.queue.length < this.threads.queueSize) {
      this.queue.push(task);
      return;
    }
    // CallerRunsPolicy: the command's own thread copies this file.
    await task();
  }

  async drain(): Promise<void> {
    if (this.running > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    if (this.unexpected !== undefined) throw this.unexpected;
  }

  private start(task: () => Promise<void>): void {
    this.running++;
    void task()
      .catch((error: unknown) => {
        this.unexpected ??= error;
      })
      .finally(() => {
        this.running--;
        const next = this.queue.shift();
        if (next !== undefined) this.start(next);
        else if (this.running === 0) for (const resolve of this.idle.splice(0)) resolve();
      });
  }
}

/** CopyCommandWithMultiThread.isMultiThreadNecessary: more than one thread and more than one file. */
export function copiesInParallel(threads: CopyThreads, sources: number, firstIsDirectory: boolean): boolean {
  return threads.threads > 1 && (sources > 1 || (sources === 1 && firstIsDirectory));
}

/** The copy done now, or handed to the pool when the command has one. */
export function copyThrough(pool: CopyPool | null, task: () => Promise<void>): Promise<void> {
  return pool === null ? task() : pool.submit(task);
}
