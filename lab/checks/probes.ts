/**
 * The probe vocabulary: the questions a check may ask the live cluster, with the shape of each
 * answer. Probes read what the cluster shows anyone — the NameNode's answers, the DataNodes'
 * files, the name directory, the journal, the effective configuration — never process internals.
 * This file has the shapes of their answers, what a probe run can come to (`ProbeOutcome`), how a
 * check selects a field of an answer, and a fake runner for tests; each probe itself is one entry
 * of registry.ts.
 */
import type { ProbeArgs, ProbeName, ProbeResult } from './registry.js';

export interface FileInfo {
  path: string;
  type: 'file' | 'directory';
  length: number;
  replication: number;
  blockSizeBytes: number;
  inodeId: number;
}

export interface BlockSummary {
  /** blk_1073741825 */
  blockName: string;
  blockId: number;
  genStamp: number;
  numBytes: number;
  /** DataNode ids holding a finalized replica, nearest first for the client. */
  replicas: string[];
}

export interface ReplicaLocation {
  datanode: string;
  rack: string;
  state: 'finalized' | 'rbw' | 'corrupt';
}

export interface ReplicaFiles {
  datanode: string;
  /** Absolute path of blk_<id> under …/BP-…/current/finalized/subdirX/subdirY/. */
  blockFile: string;
  /** Absolute path of blk_<id>_<genstamp>.meta beside it. */
  metaFile: string;
  /**
   * The same two paths from the DataNode's data directory (current/BP-…/current/finalized/…):
   * the same on every machine for a seed, so an answers file can hold them.
   */
  blockFileInDataDir: string;
  metaFileInDataDir: string;
  /**
   * The same two paths from the lab home (dfs/data/dn3/current/BP-…/…): they name the DataNode, so
   * a path question accepts them from the lab home, absolute or from the data directory, and
   * rejects another DataNode's copy of the same block.
   */
  blockFileInHome: string;
  metaFileInHome: string;
  blockBytes: number;
  metaBytes: number;
}

export interface MetaHeader {
  version: number;
  checksumType: 'CRC32C' | 'CRC32' | 'NULL';
  bytesPerChecksum: number;
}

export interface DatanodeState {
  id: string;
  rack: string;
  state: 'live' | 'dead' | 'stale' | 'decommissioning' | 'decommissioned';
}

/** fsck's replica counts: live (in service), DecommissioningReplicas, DecommissionedReplicas. */
export interface FsckReplicaCounts {
  live: number;
  decommissioning: number;
  decommissioned: number;
}

export interface EditOp {
  txid: number;
  /** OP_ADD, OP_ALLOCATE_BLOCK_ID, … as oev prints them. */
  opCode: string;
  fields: Record<string, string>;
}

/** One block of a write as its client saw it: what it sent and what came back, in journal order. */
export interface PipelineBlock {
  /** blk_1073741825_1001 */
  block: string;
  packetsSent: number;
  acksReceived: number;
  /**
   * Acks of this block the client had received when it next called the NameNode (the next
   * block's addBlock, or complete): HDFS waits for the last one, so this equals packetsSent.
   */
  acksBeforeNextCall: number;
  /** That call's method (addBlock, complete), or null when the journal has none after the block. */
  nextCall: string | null;
}

/**
 * What a probe found. `unsettled`: the cluster is still converging (re-replication pending, a
 * DataNode not yet declared dead, safemode on) — the check retries until its deadline and says
 * "unknown" if it never settles. `error`: the probe could not answer (no such file).
 */
export type ProbeOutcome<T> =
  { status: 'ok'; value: T } | { status: 'unsettled'; reason: string } | { status: 'error'; message: string };

export interface ProbeRunner {
  run<N extends ProbeName>(name: N, args: ProbeArgs<N>): Promise<ProbeOutcome<ProbeResult<N>>>;
}

/**
 * Reads `select` (`0.numBytes`, `-1.numBytes`, `*.numBytes`, `length`, `replicas.length`,
 * `0.fields.BLOCK.GENSTAMP` for a field named with dots) from a probe result. Negative indices count from the end; `*` maps over a list; `length` is a list's
 * or a string's length when the value has no such field.
 */
export function selectValue(
  value: unknown,
  select: string | undefined,
): { ok: true; value: unknown } | { ok: false; message: string } {
  if (select === undefined || select.trim() === '') return { ok: true, value };
  const segments = select.split('.').map((s) => s.trim());
  return selectSegments(value, segments, '');
}

function selectSegments(
  value: unknown,
  segments: string[],
  done: string,
): { ok: true; value: unknown } | { ok: false; message: string } {
  const [head, ...rest] = segments;
  if (head === undefined) return { ok: true, value };
  const here = done === '' ? head : `${done}.${head}`;
  if (head === '*') {
    if (!Array.isArray(value)) return { ok: false, message: `select ${here}: not a list` };
    const mapped: unknown[] = [];
    for (const item of value) {
      const one = selectSegments(item, rest, here);
      if (!one.ok) return one;
      mapped.push(one.value);
    }
    return { ok: true, value: mapped };
  }
  if (Array.isArray(value) && /^-?\d+$/.test(head)) {
    const index = Number(head) < 0 ? value.length + Number(head) : Number(head);
    if (index < 0 || index >= value.length) {
      return { ok: false, message: `select ${here}: no element ${head} in a list of ${value.length}` };
    }
    return selectSegments(value[index], rest, here);
  }
  if (value !== null && typeof value === 'object') {
    // A field whose name has dots (edits.ops' BLOCK.GENSTAMP, oev's nested elements joined): the
    // longest run of segments that names one.
    for (let n = segments.length; n >= 1; n--) {
      const key = segments.slice(0, n).join('.');
      if (Object.hasOwn(value, key)) {
        const at = done === '' ? key : `${done}.${key}`;
        return selectSegments((value as Record<string, unknown>)[key], segments.slice(n), at);
      }
    }
  }
  if (head === 'length' && (Array.isArray(value) || typeof value === 'string')) {
    return selectSegments(value.length, rest, here);
  }
  return { ok: false, message: `select ${here}: no field ${head}` };
}

/** A probe answer for the fake: a value, a full outcome, or a function of the arguments. */
export type FakeProbeAnswer =
  unknown | ((args: Record<string, unknown>, call: number) => ProbeOutcome<unknown>);

/**
 * A ProbeRunner over a table, for tests and for `lab pack validate` dry runs. A plain value is
 * answered `ok`; a function receives the arguments and how many times this probe was called
 * before (to script convergence: unsettled twice, then ok). Unknown probes answer `error`.
 */
export function fakeProbes(table: Partial<Record<ProbeName, FakeProbeAnswer>>): ProbeRunner & {
  calls: { name: ProbeName; args: unknown }[];
} {
  const calls: { name: ProbeName; args: unknown }[] = [];
  return {
    calls,
    run<N extends ProbeName>(name: N, args: ProbeArgs<N>): Promise<ProbeOutcome<ProbeResult<N>>> {
      const call = calls.filter((c) => c.name === name).length;
      calls.push({ name, args });
      const answer = table[name];
      if (answer === undefined)
        return Promise.resolve({ status: 'error', message: `no fake for probe ${name}` });
      const outcome =
        typeof answer === 'function'
          ? (answer as (a: Record<string, unknown>, n: number) => ProbeOutcome<unknown>)(
              args as Record<string, unknown>,
              call,
            )
          : { status: 'ok' as const, value: answer };
      return Promise.resolve(outcome as ProbeOutcome<ProbeResult<N>>);
    },
  };
}
