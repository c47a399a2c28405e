/**
 * `benchDashboard({ eventsPerSecond })`: how many frames per second the dashboard draws, and how
 * much CPU it takes, while the journal grows at a given rate. The dashboard runs as in `lab tui`
 * (same state model, same view, same render cap) against synthetic records and a terminal that
 * discards its output, so the figure is the dashboard's own cost. `npm run bench` reports it
 * (target: 2 000 events/s → at least 10 frames/s, under one core).
 */
import { PassThrough, Writable } from 'node:stream';
import type { ClusterDescription } from '../../cluster/home/description.js';
import type { JournalRecord } from '../../cluster/protocol/journal-types.js';
import { loadProtocolTables } from '../../cluster/protocol/registry/index.js';
import { Dashboard, RENDER_INTERVAL_MS } from './dashboard.js';

export interface DashboardBenchResult {
  eventsPerSecond: number;
  durationMs: number;
  eventsApplied: number;
  framesPerSecond: number;
  /** CPU time of this process over wall time: 1.0 is one core busy. */
  cpuCores: number;
}

/** How often synthetic records are appended (they arrive in batches, as the journal flushes). */
const FEED_INTERVAL_MS = 20;

class NullTerminal extends Writable {
  isTTY = true;
  columns = 160;
  rows = 48;
  override _write(_chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    done();
  }
}

function benchDescription(datanodes: number): ClusterDescription {
  return {
    version: 1,
    seed: 'bench',
    createdMs: 0,
    conf: {},
    namenode: { id: 'nn', host: '127.0.0.1', port: 8020 },
    secondary: null,
    datanodes: Array.from({ length: datanodes }, (_, i) => ({
      id: `dn${i + 1}`,
      host: `127.0.${1 + (i % 2)}.${i + 1}`,
      port: 9866,
      rack: `/rack${1 + (i % 2)}`,
    })),
    client: { host: '127.0.0.10', rack: '/default-rack' },
    loopbackAliases: true,
  };
}

/** A stream of realistic records: mostly packets and acks of a pipeline, some RPCs and heartbeats. */
function syntheticRecord(n: number, t: number, datanodes: number): JournalRecord {
  const a = `dn${1 + (n % datanodes)}`;
  const b = `dn${1 + ((n + 1) % datanodes)}`;
  const base = {
    k: 'frame' as const,
    t,
    dir: 'send' as const,
    conn: `${a}->${b}#1`,
    srcAddr: 'x',
    dstAddr: 'y',
  };
  const block = `blk_${1073741825 + Math.floor(n / 2048)}_1001`;
  switch (n % 8) {
    case 7:
      return {
        ...base,
        proc: a,
        ch: 'rpc',
        src: a,
        dst: 'nn',
        bytes: 120,
        data: 0,
        msg: {
          type: 'rpc-call',
          method: 'sendHeartbeat',
          callId: n,
          params: { xceiverCount: 1, dfsUsed: n },
        },
      };
    case 6:
      return {
        ...base,
        proc: 'client',
        ch: 'rpc',
        src: 'client',
        dst: 'nn',
        bytes: 180,
        data: 0,
        msg: {
          type: 'rpc-call',
          method: 'addBlock',
          callId: n,
          params: { src: `/bench/f${n}`, previous: null },
        },
      };
    case 1:
    case 3:
      return {
        ...base,
        proc: b,
        ch: 'data',
        src: b,
        dst: a,
        bytes: 14,
        data: 0,
        msg: { type: 'ack', block, seqno: n, replies: ['SUCCESS'] },
      };
    default:
      return {
        ...base,
        proc: a,
        ch: 'data',
        src: a,
        dst: b,
        bytes: 65_079,
        data: 64_512,
        msg: { type: 'packet', block, seqno: n, offset: n * 64_512, len: 64_512, last: false },
      };
  }
}

export async function benchDashboard(options: {
  eventsPerSecond: number;
  durationMs?: number;
  datanodes?: number;
}): Promise<DashboardBenchResult> {
  // The dashboard describes frames as `lab` does, with every protocol's journal fields.
  await loadProtocolTables();
  const durationMs = options.durationMs ?? 5_000;
  const datanodes = options.datanodes ?? 6;
  const pending: JournalRecord[] = [];
  const dashboard = new Dashboard({
    sources: {
      description: benchDescription(datanodes),
      readRecords: () => pending.splice(0),
      pollStatus: () => Promise.resolve(undefined),
      pollNamespace: () => Promise.resolve(undefined),
      runningProcesses: () => new Set(),
      act: () => Promise.resolve(''),
      close: () => {},
    },
    input: new PassThrough(),
    output: new NullTerminal(),
    manual: true,
  });
  let made = 0;
  const framesBefore = dashboard.view.frames;
  const cpuBefore = process.cpuUsage();
  const startMs = performance.now();
  const feed = setInterval(() => {
    const due = Math.floor(((performance.now() - startMs) / 1000) * options.eventsPerSecond);
    const now = Date.now();
    for (; made < due; made++) pending.push(syntheticRecord(made, now, datanodes));
    dashboard.readJournal();
  }, FEED_INTERVAL_MS);
  const render = setInterval(() => dashboard.draw(), RENDER_INTERVAL_MS);
  await new Promise<void>((resolve) => setTimeout(resolve, durationMs));
  clearInterval(feed);
  clearInterval(render);
  const wallMs = performance.now() - startMs;
  const cpu = process.cpuUsage(cpuBefore);
  const frames = dashboard.view.frames - framesBefore;
  const eventsApplied = dashboard.state.recordsApplied;
  dashboard.close();
  return {
    eventsPerSecond: options.eventsPerSecond,
    durationMs: Math.round(wallMs),
    eventsApplied,
    framesPerSecond: Math.round((frames / wallMs) * 10_000) / 10,
    cpuCores: Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 1000) / 1000,
  };
}
