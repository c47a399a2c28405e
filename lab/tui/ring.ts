/**
 * A fixed-capacity ring buffer: the dashboard keeps the last N of everything it shows, so its
 * memory stays bounded however long the cluster runs and however fast the journal grows.
 */
export class RingBuffer<T> {
  private readonly items: (T | undefined)[];
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity <= 0) throw new RangeError(`ring capacity ${capacity}`);
    this.items = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  /** Adds at the end; the oldest item is dropped once full. */
  push(item: T): void {
    const end = (this.start + this.count) % this.capacity;
    this.items[end] = item;
    if (this.count < this.capacity) this.count += 1;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** The last `n` items (all if n is larger), oldest first, that pass `keep`. */
  last(n: number, keep: (item: T) => boolean = () => true): T[] {
    const out: T[] = [];
    for (let i = this.count - 1; i >= 0 && out.length < n; i--) {
      const item = this.items[(this.start + i) % this.capacity] as T;
      if (keep(item)) out.push(item);
    }
    return out.reverse();
  }

  toArray(): T[] {
    return this.last(this.count);
  }

  clear(): void {
    this.items.fill(undefined);
    this.start = 0;
    this.count = 0;
  }
}

/**
 * Per-second totals over a sliding window (bytes/s of one DataNode over the last minute):
 * `add` counts into the bucket of its second; `series` gives one value per second, oldest first,
 * zeros for quiet seconds.
 */
export class RateSeries {
  private readonly buckets: number[];
  private readonly seconds: number[];

  constructor(readonly windowSeconds: number) {
    this.buckets = new Array<number>(windowSeconds).fill(0);
    this.seconds = new Array<number>(windowSeconds).fill(-1);
  }

  add(atMs: number, amount: number): void {
    const second = Math.floor(atMs / 1000);
    const i = second % this.windowSeconds;
    if (this.seconds[i] !== second) {
      this.seconds[i] = second;
      this.buckets[i] = 0;
    }
    this.buckets[i]! += amount;
  }

  /** The window ending at the second of `nowMs`. */
  series(nowMs: number): number[] {
    const now = Math.floor(nowMs / 1000);
    const out: number[] = [];
    for (let s = now - this.windowSeconds + 1; s <= now; s++) {
      const i = ((s % this.windowSeconds) + this.windowSeconds) % this.windowSeconds;
      out.push(this.seconds[i] === s ? this.buckets[i]! : 0);
    }
    return out;
  }
}
