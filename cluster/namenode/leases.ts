/**
 * LeaseManager core: which client may write which files, and since when it last said it is alive.
 * One lease per client name covers all the files that client has open (HDFS's Lease: a holder and
 * its paths). The Namespace adds and removes paths as ops are applied; the runtime renews leases
 * on renewLease RPCs and asks `expired` on each lease-monitor tick.
 */
import { isSameOrUnder } from './paths.js';

/** dfs.namenode lease soft limit: after it, another client may take the file over (60 s). */
export const LEASE_SOFT_LIMIT_MS = 60_000;
/** Hard limit from Hadoop 3.3 (dfs.namenode.lease-hard-limit-sec = 1200): the NN recovers the lease. */
export const LEASE_HARD_LIMIT_MS = 1_200_000;
/** The holder HDFS writes when the NameNode itself takes a lease over for recovery. */
export const NAMENODE_LEASE_HOLDER = 'HDFS_NameNode';

export interface Lease {
  readonly holder: string;
  /** Open files of this holder, by path. */
  readonly paths: ReadonlySet<string>;
  readonly lastRenewedMs: number;
}

export interface LeasedPath {
  holder: string;
  path: string;
  lastRenewedMs: number;
}

interface MutableLease {
  holder: string;
  paths: Set<string>;
  lastRenewedMs: number;
}

export class LeaseManager {
  private readonly byHolder = new Map<string, MutableLease>();
  private readonly byPath = new Map<string, MutableLease>();

  /**
   * Gives `holder` a lease on `path`. As in HDFS's LeaseManager.addLease, opening a file counts as a
   * sign of life: a new lease starts at `nowMs` and an existing one is renewed.
   */
  addLease(holder: string, path: string, nowMs: number): void {
    const previous = this.byPath.get(path);
    if (previous && previous.holder !== holder) this.removeLease(previous.holder, path);
    let lease = this.byHolder.get(holder);
    if (!lease) {
      lease = { holder, paths: new Set(), lastRenewedMs: nowMs };
      this.byHolder.set(holder, lease);
    }
    lease.lastRenewedMs = Math.max(lease.lastRenewedMs, nowMs);
    lease.paths.add(path);
    this.byPath.set(path, lease);
  }

  /** renewLease RPC: renews every file of this client. Returns false when it holds no lease. */
  renewLease(holder: string, nowMs: number): boolean {
    const lease = this.byHolder.get(holder);
    if (!lease) return false;
    lease.lastRenewedMs = Math.max(lease.lastRenewedMs, nowMs);
    return true;
  }

  /** After a NameNode restart every lease starts afresh (HDFS renews all leases on load). */
  renewAll(nowMs: number): void {
    for (const lease of this.byHolder.values()) lease.lastRenewedMs = nowMs;
  }

  /** Drops `path` from `holder`'s lease; the lease disappears with its last path. */
  removeLease(holder: string, path: string): void {
    const lease = this.byHolder.get(holder);
    if (!lease || !lease.paths.delete(path)) return;
    this.byPath.delete(path);
    if (lease.paths.size === 0) this.byHolder.delete(holder);
  }

  /** Drops the lease on `path` and on every path below it (a delete of an open file or its directory). */
  removeUnder(path: string): void {
    for (const leased of [...this.byPath.keys()]) {
      if (isSameOrUnder(leased, path)) this.removeLease(this.byPath.get(leased)!.holder, leased);
    }
  }

  /** A rename moved `src` (a file or a directory) to `dst`: leased paths follow it. */
  renamePaths(src: string, dst: string): void {
    for (const leased of [...this.byPath.keys()]) {
      if (!isSameOrUnder(leased, src)) continue;
      const lease = this.byPath.get(leased)!;
      const moved = dst + leased.slice(src.length);
      lease.paths.delete(leased);
      lease.paths.add(moved);
      this.byPath.delete(leased);
      this.byPath.set(moved, lease);
    }
  }

  /**
   * Moves `path` to `newHolder`'s lease. The op that does this (OP_REASSIGN_LEASE) carries no time,
   * so the new lease inherits the old one's renewal time; the live caller renews it afterwards.
   */
  reassign(path: string, newHolder: string): void {
    const old = this.byPath.get(path);
    const since = old?.lastRenewedMs ?? 0;
    if (old) this.removeLease(old.holder, path);
    this.addLease(newHolder, path, since);
  }

  holderOf(path: string): string | null {
    return this.byPath.get(path)?.holder ?? null;
  }

  getLease(holder: string): Lease | undefined {
    return this.byHolder.get(holder);
  }

  leases(): Lease[] {
    return [...this.byHolder.values()];
  }

  /** HDFS's Lease.toString, used in lease error messages. */
  describe(holder: string): string {
    const lease = this.byHolder.get(holder);
    if (!lease) return `Holder ${holder} does not have any open files.`;
    return `[Lease.  Holder: ${holder}, pending creates: ${lease.paths.size}]`;
  }

  softLimitExpired(holder: string, nowMs: number, softLimitMs = LEASE_SOFT_LIMIT_MS): boolean {
    const lease = this.byHolder.get(holder);
    return lease !== undefined && nowMs - lease.lastRenewedMs > softLimitMs;
  }

  /**
   * Paths whose lease has not been renewed for longer than a limit. `soft`: past the soft limit
   * but not the hard one (another client may now take them over); `hard`: past the hard limit
   * (the NameNode must recover them). Both sorted by path, so a monitor acts in a stable order.
   */
  expired(
    nowMs: number,
    limits: { softLimitMs: number; hardLimitMs: number } = {
      softLimitMs: LEASE_SOFT_LIMIT_MS,
      hardLimitMs: LEASE_HARD_LIMIT_MS,
    },
  ): { soft: LeasedPath[]; hard: LeasedPath[] } {
    const soft: LeasedPath[] = [];
    const hard: LeasedPath[] = [];
    for (const lease of this.byHolder.values()) {
      const idleMs = nowMs - lease.lastRenewedMs;
      const bucket = idleMs > limits.hardLimitMs ? hard : idleMs > limits.softLimitMs ? soft : null;
      if (!bucket) continue;
      for (const path of lease.paths)
        bucket.push({ holder: lease.holder, path, lastRenewedMs: lease.lastRenewedMs });
    }
    const byPath = (a: LeasedPath, b: LeasedPath): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
    return { soft: soft.sort(byPath), hard: hard.sort(byPath) };
  }
}
