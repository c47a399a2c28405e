/**
 * Fault injection (`lab partition`, `lab heal`, `lab slow`): a small file `<home>/faults.json`,
 * written atomically by the CLI and read by every process of the cluster (polled every
 * FAULT_POLL_MS). The network code asks it two questions at its hook points:
 *
 *   - cutReason(peer): is the link between this process and `peer` cut by a partition? An
 *     initiator then fails as a network would (connection refused), and a server drops the
 *     frames of a cut peer without an answer. A partitioned DataNode's heartbeats therefore stop
 *     reaching the NameNode, which declares it dead by the normal heartbeat rule.
 *   - delayMs(): the added delay before this process sends each RPC frame or data packet.
 *   - crashBeforeLastAck(): should this DataNode die (SIGKILL, as a power cut) once it has stored
 *     a block's last packet, before it acks it? Tests write this one into the file to reproduce
 *     the close-stage race (a DataNode dying between the last packet and its ack).
 *
 * The pure part (the file's shape, target resolution, the two questions) is at the top and does
 * no I/O; the watcher below it is the only code that reads the file.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ClusterDescription } from '../home/description.js';
import type { Journal } from './journal.js';
import { SLOW_DELAY_MS_MAX } from '../protocol/limits.js';

export const FAULTS_FILE = 'faults.json';
/** How often a process re-reads faults.json: a fault takes effect within this (a stat per tick). */
export const FAULT_POLL_MS = 200;

export interface Partition {
  /** What the user named: dn3, nn, /rack2, /dc1/rack2. */
  target: string;
  /** The process ids cut off from the rest of the cluster (they still talk among themselves). */
  members: string[];
}

export interface FaultState {
  version: 1;
  partitions: Partition[];
  /** Added delay in ms before each frame or packet a process sends, by process id. */
  slow: Record<string, number>;
  /** DataNodes that die after storing a block's last packet, before acking it (tests only). */
  crashBeforeLastAck?: string[];
}

export function emptyFaults(): FaultState {
  return { version: 1, partitions: [], slow: {} };
}

/**
 * Which partition (if any) separates `a` from `b`: one is inside a partition and the other is not.
 * Processes outside every partition (the NameNode, the `lab` client) are one side.
 */
export function partitionBetween(state: FaultState, a: string, b: string): Partition | undefined {
  if (a === b) return undefined;
  return state.partitions.find((p) => p.members.includes(a) !== p.members.includes(b));
}

export function slowDelayMs(state: FaultState, id: string): number {
  return state.slow[id] ?? 0;
}

/** A network location is a rack path (/rack2) or a prefix of rack paths (/dc1 takes /dc1/rack1, /dc1/rack2). */
function underLocation(rack: string, location: string): boolean {
  const prefix = location.replace(/\/+$/, '');
  return rack === prefix || rack.startsWith(`${prefix}/`);
}

export class FaultTargetError extends Error {
  override readonly name = 'FaultTargetError';
}

/** The process ids a partition target names: nn, snn, dnN, or every DataNode under a rack path. */
export function resolvePartitionTarget(description: ClusterDescription, target: string): Partition {
  const ids = ['nn', ...(description.secondary ? ['snn'] : []), ...description.datanodes.map((d) => d.id)];
  if (!target.startsWith('/')) {
    if (!ids.includes(target)) {
      throw new FaultTargetError(
        `'${target}' names no process or rack of this cluster; use one of ${ids.join(', ')} or a rack path such as ${description.datanodes[0]?.rack ?? '/rack1'}`,
      );
    }
    return { target, members: [target] };
  }
  const members = description.datanodes.filter((d) => underLocation(d.rack, target)).map((d) => d.id);
  if (members.length === 0) {
    const racks = [...new Set(description.datanodes.map((d) => d.rack))].sort();
    throw new FaultTargetError(`no DataNode is on ${target}; this cluster's racks are ${racks.join(', ')}`);
  }
  return { target, members };
}

/** One line per fault, for `lab partition` / `lab status`-like listings and the journal. */
export function describeFaults(state: FaultState): string[] {
  const lines = state.partitions.map(
    (p) => `partition ${p.target}: ${p.members.join(', ')} cut off from the rest of the cluster`,
  );
  for (const [id, ms] of Object.entries(state.slow).sort()) lines.push(`slow ${id}: +${ms} ms per frame`);
  for (const id of state.crashBeforeLastAck ?? [])
    lines.push(`crash ${id} before it acks a block's last packet`);
  return lines;
}

export function parseFaults(text: string): FaultState {
  const raw = JSON.parse(text) as Partial<FaultState>;
  const partitions = Array.isArray(raw.partitions)
    ? raw.partitions.filter(
        (p): p is Partition =>
          typeof p?.target === 'string' &&
          Array.isArray(p.members) &&
          p.members.every((m) => typeof m === 'string'),
      )
    : [];
  const slow: Record<string, number> = {};
  for (const [id, ms] of Object.entries(raw.slow ?? {})) {
    if (typeof ms === 'number' && Number.isFinite(ms) && ms > 0) slow[id] = Math.min(ms, SLOW_DELAY_MS_MAX);
  }
  const crash = Array.isArray(raw.crashBeforeLastAck)
    ? raw.crashBeforeLastAck.filter((id): id is string => typeof id === 'string')
    : [];
  return { version: 1, partitions, slow, ...(crash.length > 0 ? { crashBeforeLastAck: crash } : {}) };
}

// ---------------------------------------------------------------------------------------------
// I/O: the file, and one watcher per (home, process) for the network hooks.
// ---------------------------------------------------------------------------------------------

export function faultsFile(home: string): string {
  return path.join(home, FAULTS_FILE);
}

/** The current faults of a home; none when the file is absent or unreadable (never throws). */
export function readFaults(home: string): FaultState {
  try {
    return parseFaults(fs.readFileSync(faultsFile(home), 'utf8'));
  } catch {
    return emptyFaults();
  }
}

/** Atomic: a process polling the file sees the old state or the new one, never half of it. */
export function writeFaults(home: string, state: FaultState): void {
  const file = faultsFile(home);
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(state, null, 2) + '\n');
  fs.renameSync(temp, file);
}

/** What one process knows of the faults of its cluster. */
export interface FaultView {
  /** Why the link to `peer` is cut ("lab partition /rack2"), or null when it is not. */
  cutReason(peer: string): string | null;
  /** The delay to add before this process sends a frame or packet (0: none). */
  delayMs(): number;
  /** True when this process is to die after storing a block's last packet, before acking it. */
  crashBeforeLastAck(): boolean;
}

const INERT: FaultView = { cutReason: () => null, delayMs: () => 0, crashBeforeLastAck: () => false };

class FaultWatcher implements FaultView {
  private state: FaultState = emptyFaults();
  private stamp = '';
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly home: string,
    private readonly selfId: string,
    public journal: Journal,
  ) {
    this.poll();
    this.timer = setInterval(() => this.poll(), FAULT_POLL_MS);
    // A watcher must never keep a `lab` command (or a test) alive.
    this.timer.unref();
  }

  cutReason(peer: string): string | null {
    const partition = partitionBetween(this.state, this.selfId, peer);
    return partition ? `lab partition ${partition.target}` : null;
  }

  delayMs(): number {
    return slowDelayMs(this.state, this.selfId);
  }

  crashBeforeLastAck(): boolean {
    return this.state.crashBeforeLastAck?.includes(this.selfId) ?? false;
  }

  private poll(): void {
    let stamp: string;
    try {
      const st = fs.statSync(faultsFile(this.home));
      stamp = `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      stamp = 'absent';
    }
    if (stamp === this.stamp) return;
    this.stamp = stamp;
    const next = readFaults(this.home);
    const before = describeFaults(this.affecting(this.state)).join('; ');
    const after = describeFaults(this.affecting(next)).join('; ');
    this.state = next;
    // The first read of a process is not news; a change that touches this process is journaled.
    if (before !== after && (before !== '' || after !== '')) {
      this.journal.event({
        type: 'log',
        level: 'warn',
        text: after === '' ? 'faults healed' : `fault in effect: ${after}`,
      });
    }
  }

  /** The faults this process feels: partitions it is inside of (or all, for a process outside that talks to members), and its own delay. */
  private affecting(state: FaultState): FaultState {
    return {
      version: 1,
      partitions: state.partitions.filter(
        (p) => p.members.includes(this.selfId) || this.selfId === 'nn' || this.selfId === 'client',
      ),
      slow: state.slow[this.selfId] === undefined ? {} : { [this.selfId]: state.slow[this.selfId] as number },
      ...(state.crashBeforeLastAck?.includes(this.selfId) ? { crashBeforeLastAck: [this.selfId] } : {}),
    };
  }
}

/**
 * The crash-before-last-ack hook: a DataNode named in faults.json dies here as a power cut would
 * (SIGKILL: no ack, no clean close), with the replica already finalized on its disk.
 */
export function crashIfFaulted(view: FaultView): void {
  if (view.crashBeforeLastAck()) process.kill(process.pid, 'SIGKILL');
}

const watchers = new Map<string, FaultWatcher>();

/**
 * The fault view of process `selfId` of the cluster whose journal this is (the journal lives in
 * the lab home). A journal without a file (unit tests) gets a view with no faults.
 */
export function faultView(journal: Journal, selfId: string): FaultView {
  if (journal.dir === null) return INERT;
  const home = path.dirname(journal.dir);
  const key = `${home}\u0000${selfId}`;
  let watcher = watchers.get(key);
  if (!watcher) {
    watcher = new FaultWatcher(home, selfId, journal);
    watchers.set(key, watcher);
  }
  // The most recent journal of this process: a `lab run` opens and closes several.
  watcher.journal = journal;
  return watcher;
}

/** Resolves after `ms` (nothing when 0): the slow-node delay at a hook point. */
export function faultDelay(view: FaultView): Promise<void> | undefined {
  const ms = view.delayMs();
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : undefined;
}

// ---------------------------------------------------------------------------------------------
// The CLI's side: change the faults of a home (read, modify, write atomically).
// ---------------------------------------------------------------------------------------------

/** Adds a partition (replacing one with the same target); returns it. */
export function addPartition(home: string, description: ClusterDescription, target: string): Partition {
  const partition = resolvePartitionTarget(description, target);
  const state = readFaults(home);
  writeFaults(home, {
    ...state,
    partitions: [...state.partitions.filter((p) => p.target !== target), partition],
  });
  return partition;
}

/** Removes every partition and every slow node; returns what was in effect. */
export function healAll(home: string): FaultState {
  const state = readFaults(home);
  writeFaults(home, emptyFaults());
  return state;
}

/** Sets (or with 0 clears) a process's added delay per frame. */
export function setSlow(home: string, description: ClusterDescription, id: string, delayMs: number): void {
  resolvePartitionTarget(description, id);
  if (id.startsWith('/'))
    throw new FaultTargetError(`lab slow takes one process (nn, snn, dn1, …), not ${id}`);
  if (!Number.isInteger(delayMs) || delayMs < 0 || delayMs > SLOW_DELAY_MS_MAX) {
    throw new FaultTargetError(
      `--delay must be whole milliseconds from 0 to ${SLOW_DELAY_MS_MAX}, got ${delayMs}`,
    );
  }
  const state = readFaults(home);
  const slow = { ...state.slow };
  if (delayMs === 0) delete slow[id];
  else slow[id] = delayMs;
  writeFaults(home, { ...state, slow });
}
