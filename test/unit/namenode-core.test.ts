/**
 * The NameNode core through its RPC surface, datadriven (test/datadriven.ts): safe mode, leases
 * and namespace operations as a client, dfsadmin or the Secondary calls them. Each `call` prints
 * what the core answered (the result, or HDFS's exception class and message), the edit-log ops it
 * wants logged and the events it raised. Expected values are FSNamesystem's and FSDirectory's
 * (messages quoted from Hadoop's source in the testdata's comments).
 */
import path from 'node:path';
import { datadriven, type Directive, type Handler } from '../datadriven.js';
import type { NameNodeCore } from '../../cluster/namenode/namenode.js';
import { RemoteError } from '../../cluster/protocol/errors.js';
import { describeStateEvent } from '../../cluster/protocol/registry/describe.js';
import type { RpcMethod } from '../../cluster/protocol/messages.js';
import { SafeMode } from '../../cluster/namenode/safemode.js';
import { SUPERUSER, testCore } from './namenode-test-core.js';

/** What a call leaves out and a test rarely varies, by method (a client's usual values). */
const DEFAULTS: Partial<Record<RpcMethod, Record<string, unknown>>> = {
  create: {
    permission: 0o644,
    clientMachine: '127.0.0.1',
    overwrite: false,
    createParent: true,
    replication: 1,
    blockSize: 1048576,
  },
  mkdirs: { permission: 0o755, createParent: true },
  addBlock: { previous: null, excludeNodes: [] },
  complete: { last: null },
  delete: { recursive: false },
};

/** Arguments that are not the request's: who calls, when, and which result fields to print. */
const NOT_PARAMS = new Set(['as', 'now', 'show']);

/** `key=value` as the request's field: numbers, booleans, null, and `(a,b)` lists. */
function params(d: Directive, method: RpcMethod): Record<string, unknown> {
  const out: Record<string, unknown> = { ...DEFAULTS[method] };
  for (const arg of d.args.slice(1)) {
    if (NOT_PARAMS.has(arg.key)) continue;
    out[arg.key] = arg.list ? arg.values.map(value) : value(arg.values[0] ?? '');
  }
  return out;
}

function value(text: string): unknown {
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null') return null;
  if (/^-?\d+$/.test(text)) return Number(text);
  if (/^0o[0-7]+$/.test(text)) return parseInt(text.slice(2), 8);
  return text;
}

/** The result: a primitive as it is, an object's `show=` fields, else its kind. */
function result(res: unknown, show: string[]): string[] {
  if (res === null || typeof res !== 'object') return [`result: ${String(res)}`];
  if (show.length === 0) return [];
  const fields = res as Record<string, unknown>;
  return show.map((key) => `${key}: ${JSON.stringify(fields[key])}`);
}

function call(core: NameNodeCore, d: Directive): string[] {
  const method = d.positional(0) as RpcMethod;
  const ctx = {
    caller: 'client',
    callerAddr: '127.0.0.1',
    nowMs: d.int('now', 1_000),
    user: d.get('as', SUPERUSER),
  };
  try {
    const out = core.call(method, params(d, method) as never, ctx);
    return [
      ...result(out.result, d.list('show')),
      ...out.ops.map((op) => {
        const where = 'path' in op ? ` ${op.path}` : 'dst' in op ? ` ${op.src} -> ${op.dst}` : '';
        return `op: ${op.op}${where}`;
      }),
      ...(out.storage ? [`storage: ${out.storage.kind}`] : []),
      ...out.events.filter((e) => e.type !== 'edit-logged').map((e) => describeStateEvent('nn', e)),
    ];
  } catch (err) {
    if (!(err instanceof RemoteError)) throw err;
    return [`error: ${err.errorClass}: ${err.message}`];
  }
}

/**
 * BlockManagerSafeMode on its own: `safemode threshold=… min-datanodes=… extension=…` starts one
 * (as a NameNode starts, in safe mode); `check total=… safe=… live=… now=…` feeds it the counts
 * a block report leaves and prints whether it is on and its tip.
 */
function safeModeStep(state: { safeMode: SafeMode | null }, d: Directive): string[] {
  if (d.cmd === 'safemode') {
    state.safeMode = new SafeMode({
      thresholdPct: Number(d.get('threshold', '0.999')),
      minDatanodes: d.int('min-datanodes', 0),
      extensionMs: d.int('extension', 30_000),
    });
    return [];
  }
  if (!state.safeMode) throw new Error(`${d.pos}: no \`safemode …\` yet`);
  if (d.has('low-resources')) state.safeMode.enterForLowResources();
  const inputs = { totalBlocks: d.int('total'), safeBlocks: d.int('safe'), liveDatanodes: d.int('live', 1) };
  const left = state.safeMode.check(inputs, d.int('now', 0));
  const tip = state.safeMode.tip(inputs, d.int('now', 0));
  return [
    `safe mode ${state.safeMode.isOn() ? 'ON' : 'OFF'}${left ? ' (left now)' : ''}`,
    ...(tip ? [tip] : []),
  ];
}

function handler(): Handler {
  let core: NameNodeCore | null = null;
  const state = { safeMode: null as SafeMode | null };
  return (d) => {
    if (d.cmd === 'safemode' || d.cmd === 'check') return safeModeStep(state, d);
    if (d.cmd === 'namenode') {
      core = testCore({ conf: Object.fromEntries(d.args.map((a) => [a.key, a.values[0] ?? ''])) }).core;
      return [];
    }
    if (!core) throw new Error(`${d.pos}: the first command must be \`namenode …\``);
    if (d.cmd === 'call') return call(core, d);
    throw new Error(`${d.pos}: unknown command ${d.cmd}`);
  };
}

datadriven('the NameNode core', path.join(import.meta.dirname, 'testdata', 'namenode-core'), handler);
