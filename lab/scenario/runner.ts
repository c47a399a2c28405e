/**
 * The scripted cluster's executor: carries out the steps of lab/scenario/steps.ts against the
 * cluster in a lab home. A library first — exercises call `runStep` / `runScenario` for their
 * setup — and `lab run SCENARIO.yaml` prints what it reports.
 *
 * Each step opens what it needs (a DFS client, the launcher) and closes it again, so a step that
 * kills or restarts the NameNode leaves no broken connection behind. Conditions are polled with
 * a deadline; operating errors become a `failed` outcome with the message a user needs.
 */
import fs from 'node:fs';
import path from 'node:path';
import { labDatanodeReport } from '../../cluster/client/datanode-report.js';
import { DFSClient } from '../../cluster/client/dfs-client.js';
import { createPrng } from '../../cluster/common/prng.js';
import { parseDuration, parseSize } from '../../cluster/common/units.js';
import { addDatanode } from '../../cluster/launcher/add-datanode.js';
import { startLeaseHolder } from '../../cluster/launcher/lease-holder.js';
import {
  killNode,
  processIds,
  restartCluster,
  restartNode,
  startCluster,
  stopNodes,
} from '../../cluster/launcher/launcher.js';
import type { StartOptions } from '../../cluster/launcher/plan.js';
import { addPartition, healAll, describeFaults } from '../../cluster/transport/faults.js';
import { readJournal } from '../../cluster/transport/journal.js';
import { homePaths } from '../../cluster/home/description.js';
import { fetchBlockMap } from '../../cluster/client/namenode-http-client.js';
import { readDescription, requireDescription } from '../../cluster/home/home.js';
import { clusterConfig } from '../../cluster/home/cluster-config.js';
import { HOSTS_KEYS, hostsFilePaths, useCombinedHostsFile } from '../../cluster/home/hosts-files.js';
import { requestCheckpoint } from '../../cluster/client/secondary-http-client.js';
import { satisfies } from '../checks/expectation.js';
import { settleTimes } from '../checks/settle-time.js';
import { selectValue, type ProbeOutcome } from '../checks/probes.js';
import { corruptReplica, describeCorruption } from './corrupt.js';
import { runLiveProbe } from './live-probes.js';
import { DASHBOARD_CLIENT_ID } from '../traffic/lines.js';
import {
  describeStep,
  stepName,
  type Step,
  type StepContext,
  type StepOptions,
  type StepOutcome,
  type StepRunner,
} from './steps.js';
import { SCENARIO_WAIT_DEADLINE_MS } from '../../cluster/protocol/limits.js';
import { xferAddr } from '../../cluster/protocol/types.js';

/** `<home>/exercises/scratch`: where a `get` step's relative `local:` path lands. */
export function scratchDirOf(home: string): string {
  return path.join(home, 'exercises', 'scratch');
}

let opCounter = 0;
/**
 * `put-<pid>-<n>`, the shape of `lab fs`'s operation ids. Counted per process, not per DFSClient:
 * each step opens a client of its own, whose counter would give every upload the same id.
 */
function nextOpId(verb: 'put' | 'get'): string {
  return `${verb}-${process.pid}-${++opCounter}`;
}

/** How often a wait-for or expect re-reads the cluster: a tenth of a lab heartbeat. */
export const POLL_INTERVAL_MS = 100;
/** Generated file contents are written in pieces of this size. */
const GENERATE_PIECE_BYTES = 1 << 20;

export interface RunnerOptions {
  /** Where `put local:` paths are resolved (the scenario file's or the exercise's folder). */
  baseDir?: string;
  /**
   * Where relative `get local:` paths land: a scratch folder of the lab home by default
   * (`<home>/exercises/scratch`), so a download never writes into a pack or a scenario's folder.
   */
  scratchDir?: string;
  /** The cluster `start` boots when a step gives no option (an exercise pack's cluster). */
  clusterDefaults?: StartOptions;
  /** Tests: every port ephemeral, so clusters can run side by side. */
  ephemeralPorts?: boolean;
  daemonScript?: string;
  readyTimeoutMs?: number;
}

class StepFailure extends Error {
  constructor(
    message: string,
    readonly status: 'failed' | 'timeout' = 'failed',
  ) {
    super(message);
  }
}

/** The deterministic bytes of a generated file: the same seed and path give the same content. */
export function generatedContent(options: {
  seed: string;
  path: string;
  offset: number;
  length: number;
  content: 'random' | 'zeros' | 'text';
}): Buffer {
  const { offset, length } = options;
  if (options.content === 'zeros') return Buffer.alloc(length);
  if (options.content === 'text') {
    // Lines of exactly 64 bytes, so any offset maps to a line without generating the ones before.
    const out = Buffer.alloc(length);
    for (let i = 0; i < length; i++) {
      const pos = offset + i;
      const line = Math.floor(pos / 64);
      const text = `${options.path} line ${line}`.padEnd(63, '.').slice(0, 63) + '\n';
      out[i] = text.charCodeAt(pos % 64);
    }
    return out;
  }
  // Random: one PRNG per MiB piece, so pieces are generated independently and identically.
  const out = Buffer.alloc(length);
  for (let i = 0; i < length;) {
    const pos = offset + i;
    const piece = Math.floor(pos / GENERATE_PIECE_BYTES);
    const prng = createPrng(`${options.seed}:put:${options.path}:${piece}`);
    const skip = pos % GENERATE_PIECE_BYTES;
    for (let k = 0; k < skip; k += 4) prng.uint32();
    const words = Math.ceil((GENERATE_PIECE_BYTES - skip) / 4);
    for (let w = 0; w < words && i < length; w++) {
      const v = prng.uint32();
      for (let b = 0; b < 4 && i < length; b++, i++) out[i] = (v >>> (8 * b)) & 0xff;
    }
  }
  return out;
}

function durationMs(value: string | number | undefined, fallbackMs: number): number {
  return value === undefined ? fallbackMs : parseDuration(String(value), 's');
}

async function withClient<T>(home: string, body: (client: DFSClient) => Promise<T>, on?: string): Promise<T> {
  const client = await DFSClient.connect({ home, warn: () => {}, ...(on === undefined ? {} : { on }) });
  try {
    return await body(client);
  } finally {
    await client.close();
  }
}

/**
 * The exclude file the NameNode reads: dfs.hosts.exclude from the cluster's settings or the lab
 * home's hdfs-site.xml. Without one, the step writes the hdfs-site.xml the docs show (naming
 * `exclude` in the lab home) — only where the lab home has no hdfs-site.xml of its own to edit.
 */
function excludeFileOf(home: string): string {
  const paths = hostsFilePaths(home, clusterConfig(requireDescription(home), home));
  if (paths.combined)
    throw new StepFailure(
      `exclude: the host provider is CombinedHostFileManager, which reads no exclude file; ` +
        `decommission with a DECOMMISSIONED entry in ${paths.include} (docs/namespace-features.md)`,
    );
  const named = paths.exclude;
  if (named !== '') return named;
  const site = path.join(home, 'hdfs-site.xml');
  if (fs.existsSync(site))
    throw new StepFailure(
      `exclude: ${site} does not set ${HOSTS_KEYS.exclude}; add the property naming the exclude file ` +
        '(docs/namespace-features.md, Decommissioning)',
    );
  fs.writeFileSync(
    site,
    '<?xml version="1.0"?>\n<configuration>\n' +
      `  <property><name>${HOSTS_KEYS.exclude}</name><value>exclude</value></property>\n` +
      '</configuration>\n',
  );
  return path.join(home, 'exclude');
}

/** The combined hosts file, set up in the lab home's hdfs-site.xml if need be (home/hosts-files.ts). */
function combinedHostsFileOf(home: string): string {
  const answer = useCombinedHostsFile(home, clusterConfig(requireDescription(home), home));
  if ('error' in answer) throw new StepFailure(`maintenance: ${answer.error}`);
  return answer.file;
}

/** Polls `check` (a reason it is not yet true, or null) until it holds or the deadline passes. */
async function until(
  what: string,
  deadlineMs: number,
  check: () => Promise<string | null>,
  signal?: AbortSignal,
): Promise<void> {
  const end = Date.now() + deadlineMs;
  let reason: string;
  for (;;) {
    try {
      const r = await check();
      if (r === null) return;
      reason = r;
    } catch (error) {
      reason = (error as Error).message;
    }
    if (signal?.aborted) throw new StepFailure('interrupted');
    if (Date.now() >= end)
      throw new StepFailure(`${what} not reached within ${deadlineMs} ms: ${reason}`, 'timeout');
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

export class ScenarioRunner implements StepRunner {
  /** Journal records before this instant are not looked at (checkpoint-done, journal probes). */
  private readonly sinceMs = Date.now();
  private checkpointsSeen = 0;

  constructor(private readonly options: RunnerOptions = {}) {}

  async run(step: Step, context: StepContext): Promise<StepOutcome> {
    try {
      const note = await this.execute(step, context);
      return note === undefined ? { status: 'done' } : { status: 'done', note };
    } catch (error) {
      if (error instanceof StepFailure) {
        return error.status === 'timeout'
          ? { status: 'timeout', message: error.message }
          : { status: 'failed', message: error.message };
      }
      return { status: 'failed', message: (error as Error).message };
    }
  }

  private local(file: string): string {
    return path.resolve(this.options.baseDir ?? process.cwd(), file);
  }

  private download(home: string, file: string): string {
    return path.resolve(this.options.scratchDir ?? scratchDirOf(home), file);
  }

  private async execute(step: Step, ctx: StepContext): Promise<string | undefined> {
    const name = stepName(step);
    const options = (step as Record<string, unknown>)[name];
    switch (name) {
      case 'start':
        return this.start(options as StepOptions['start'], ctx);
      case 'mkdir': {
        const o = options as StepOptions['mkdir'];
        await withClient(ctx.home, (c) =>
          c.call('mkdirs', { src: o.path, permission: 0o755, createParent: o.parents ?? true }),
        );
        return undefined;
      }
      case 'put':
        return this.put(options as StepOptions['put'], ctx);
      case 'get': {
        const o = options as StepOptions['get'];
        const target = this.download(ctx.home, o.local);
        fs.mkdirSync(path.dirname(target), { recursive: true });
        const got = await withClient(ctx.home, (c) =>
          c.getFile(o.path, target, { overwrite: true, opId: nextOpId('get') }),
        );
        return `${got.bytes} bytes to ${got.path}`;
      }
      case 'rm': {
        const o = options as StepOptions['rm'];
        const deleted = await withClient(ctx.home, (c) =>
          c.call('delete', { src: o.path, recursive: o.recursive ?? false }),
        );
        if (!deleted) throw new StepFailure(`rm: \`${o.path}': No such file or directory`);
        return undefined;
      }
      case 'setrep':
        return this.setrep(options as StepOptions['setrep'], ctx);
      case 'kill': {
        const r = await killNode(ctx.home, (options as StepOptions['kill']).datanode);
        return r.outcome === 'not running' ? 'was not running' : `pid ${r.pid} killed`;
      }
      case 'stop': {
        const o = options as StepOptions['stop'];
        const results = await stopNodes(ctx.home, o.datanode === undefined ? undefined : [o.datanode]);
        return results.map((r) => `${r.id} ${r.outcome}`).join(', ');
      }
      case 'restart':
        return this.restart(options as StepOptions['restart'], ctx);
      case 'corrupt': {
        const o = options as StepOptions['corrupt'];
        const result = await withClient(ctx.home, (c) =>
          corruptReplica({
            home: ctx.home,
            description: requireDescription(ctx.home),
            namenode: c,
            request: { path: o.path, block: o.block, replica: o.replica, mode: o.mode },
          }),
        );
        return describeCorruption(result);
      }
      case 'partition': {
        const o = options as StepOptions['partition'];
        const target = o.rack ?? (o.datanodes ?? []).join(',');
        const p = addPartition(ctx.home, requireDescription(ctx.home), target);
        return `${p.members.join(', ')} cut off`;
      }
      case 'heal': {
        const before = describeFaults(healAll(ctx.home));
        return before.length === 0 ? 'no faults were in effect' : `healed: ${before.join('; ')}`;
      }
      case 'add-datanode': {
        const o = options as StepOptions['add-datanode'];
        const added = await addDatanode(ctx.home, {
          rack: o.rack,
          ...(this.options.daemonScript ? { daemonScript: this.options.daemonScript } : {}),
        });
        return `${added.datanode.id} on ${added.datanode.rack} registered`;
      }
      case 'exclude':
        return this.exclude(options as StepOptions['exclude'], ctx);
      case 'maintenance':
        return this.maintenance(options as StepOptions['maintenance'], ctx);
      case 'checkpoint': {
        const result = await requestCheckpoint(requireDescription(ctx.home));
        return JSON.stringify(result).slice(0, 200);
      }
      case 'hold-lease': {
        const o = options as StepOptions['hold-lease'];
        const holder = await startLeaseHolder(ctx.home, o.path, {
          ...(this.options.daemonScript ? { daemonScript: this.options.daemonScript } : {}),
          ...(this.options.readyTimeoutMs ? { readyTimeoutMs: this.options.readyTimeoutMs } : {}),
        });
        return `pid ${holder.pid} holds the lease on ${o.path}`;
      }
      case 'wait-for':
        return this.waitFor(options as StepOptions['wait-for'], ctx);
      case 'expect':
        return this.expect(options as StepOptions['expect'], ctx);
    }
  }

  private async start(o: StepOptions['start'], ctx: StepContext): Promise<string> {
    const defaults = this.options.clusterDefaults ?? {};
    const defines = [
      ...(defaults.defines ?? []),
      ...Object.entries(o.conf ?? {}).map(([k, v]) => `${k}=${String(v)}`),
    ];
    const started = await startCluster({
      ...defaults,
      home: ctx.home,
      seed: ctx.seed,
      datanodes: o.datanodes ?? defaults.datanodes,
      racks: o.racks ?? defaults.racks,
      blockSize: o.blockSize === undefined ? defaults.blockSize : String(o.blockSize),
      replication: o.replication ?? defaults.replication,
      defines,
      ephemeralPorts: this.options.ephemeralPorts ?? defaults.ephemeralPorts,
      ...(this.options.daemonScript ? { daemonScript: this.options.daemonScript } : {}),
      ...(this.options.readyTimeoutMs ? { readyTimeoutMs: this.options.readyTimeoutMs } : {}),
      log: ctx.log,
    });
    const ids = processIds(started.description);
    return `${ids.join(', ')} up in ${started.readyMs} ms`;
  }

  /**
   * What an administrator does to decommission (docs/namespace-features.md): the DataNode's
   * `ip:xferPort` as the NameNode knows it goes alone into the exclude file, then refreshNodes.
   */
  private async exclude(o: StepOptions['exclude'], ctx: StepContext): Promise<string> {
    const file = excludeFileOf(ctx.home);
    return withClient(ctx.home, async (c) => {
      let entry = '';
      if (o.datanode !== undefined) {
        const report = await c.call('getDatanodeReport', { type: 'ALL' });
        const dn = report.find((d) => d.name === o.datanode);
        if (!dn)
          throw new StepFailure(
            `exclude: ${o.datanode} is not registered with the NameNode (lab dfsadmin -report)`,
          );
        entry = xferAddr(dn);
      }
      fs.writeFileSync(file, entry === '' ? '' : `${entry}\n`);
      await c.call('refreshNodes', {});
      return `${file} lists ${entry === '' ? 'no DataNode' : entry}; Refresh nodes successful`;
    });
  }

  /**
   * Maintenance as docs/namespace-features.md has an administrator do it: the DataNode's
   * IN_MAINTENANCE entry alone in the combined hosts file, then refreshNodes.
   */
  private async maintenance(o: StepOptions['maintenance'], ctx: StepContext): Promise<string> {
    const file = combinedHostsFileOf(ctx.home);
    return withClient(ctx.home, async (c) => {
      const entries: object[] = [];
      if (o.datanode !== undefined) {
        const dn = (await c.call('getDatanodeReport', { type: 'ALL' })).find((d) => d.name === o.datanode);
        if (!dn)
          throw new StepFailure(
            `maintenance: ${o.datanode} is not registered with the NameNode (lab dfsadmin -report)`,
          );
        entries.push({
          hostName: dn.ipAddr,
          port: dn.xferPort,
          adminState: 'IN_MAINTENANCE',
          maintenanceExpireTimeInMS: Date.now() + parseDuration(String(o.duration ?? '10m'), 's'),
        });
      }
      fs.writeFileSync(file, `${JSON.stringify(entries)}\n`);
      await c.call('refreshNodes', {});
      const what = o.datanode === undefined ? 'no DataNode' : `${o.datanode} IN_MAINTENANCE`;
      return `${file} lists ${what}; Refresh nodes successful`;
    });
  }

  private async put(o: StepOptions['put'], ctx: StepContext): Promise<string> {
    const write = {
      ...(o.replication !== undefined ? { replication: o.replication } : {}),
      ...(o.blockSize !== undefined ? { blockSize: parseSize(String(o.blockSize)) } : {}),
      ...(o.direct === true ? { direct: true } : {}),
    };
    if (o.local !== undefined) {
      const put = await withClient(
        ctx.home,
        (c) => c.putFile(this.local(o.local as string), o.path, { ...write, opId: nextOpId('put') }),
        o.on,
      );
      return `${put.bytes} bytes from ${o.local}`;
    }
    const size = parseSize(String(o.size));
    const content = o.content ?? 'random';
    const pieces = async function* (seed: string): AsyncGenerator<Buffer> {
      for (let offset = 0; offset < size; offset += GENERATE_PIECE_BYTES) {
        const length = Math.min(GENERATE_PIECE_BYTES, size - offset);
        yield generatedContent({ seed, path: o.path, offset, length, content });
      }
    };
    // As `lab fs -put` uploads (the texts promise it): `PATH._COPYING_` written, then renamed to
    // PATH, under a `put-…` operation id so that `lab trace` and the journal probes (`op: put
    // /e2/a.bin`) find the setup's uploads too.
    await withClient(
      ctx.home,
      (c) => c.putStream(pieces(ctx.seed), o.path, { ...write, opId: nextOpId('put') }),
      o.on,
    );
    return `${size} ${content} bytes`;
  }

  private async setrep(o: StepOptions['setrep'], ctx: StepContext): Promise<string | undefined> {
    const changed = await withClient(ctx.home, (c) =>
      c.call('setReplication', { src: o.path, replication: o.replication }),
    );
    if (!changed) throw new StepFailure(`setrep: \`${o.path}': No such file or directory`);
    if (o.wait !== true) return undefined;
    await this.waitFor(
      { condition: 'replicated', target: o.path, deadline: `${SCENARIO_WAIT_DEADLINE_MS}ms` },
      ctx,
    );
    return `replication ${o.replication} reached`;
  }

  private async restart(o: StepOptions['restart'], ctx: StepContext): Promise<string> {
    const start = {
      ...(this.options.daemonScript ? { daemonScript: this.options.daemonScript } : {}),
      ...(this.options.readyTimeoutMs ? { readyTimeoutMs: this.options.readyTimeoutMs } : {}),
    };
    if (o.datanode !== undefined) {
      const r = await restartNode(ctx.home, o.datanode, start);
      return `pid ${r.pid}`;
    }
    // The whole cluster, on the same addresses, booted as `lab start` boots it.
    const { ids } = await restartCluster(ctx.home, start);
    return `${ids.join(', ')} restarted`;
  }

  private async waitFor(o: StepOptions['wait-for'], ctx: StepContext): Promise<string | undefined> {
    // A DataNode's death or return is waited for as long as the cluster's own intervals need
    // on a busy machine (lab/checks/settle-time.ts), however short the deadline the pack wrote.
    const times = settleTimes(readDescription(ctx.home)?.conf);
    const clusterMs = o.condition === 'dead' ? times.deadMs : o.condition === 'live' ? times.liveMs : 0;
    const deadlineMs = Math.max(durationMs(o.deadline, SCENARIO_WAIT_DEADLINE_MS), clusterMs);
    const startedMs = Date.now();
    const what = `${o.condition}${o.target ? ` ${o.target}` : ''}`;
    const check = this.condition(o, ctx);
    await until(what, deadlineMs, check, ctx.signal);
    return `after ${((Date.now() - startedMs) / 1000).toFixed(1)} s`;
  }

  /** A condition: null when it holds, else why not (for the timeout message). */
  private condition(o: StepOptions['wait-for'], ctx: StepContext): () => Promise<string | null> {
    const home = ctx.home;
    const datanode = (): string => {
      if (!o.target) throw new StepFailure(`wait-for ${o.condition} needs target: a DataNode (dn1, …)`);
      return o.target;
    };
    switch (o.condition) {
      case 'replicated':
        return async () => {
          const fsck = await fetchBlockMap({ home, description: requireDescription(home) }, o.target ?? '/', {
            selfId: DASHBOARD_CLIENT_ID,
          });
          if (!fsck.exists) return `${o.target ?? '/'} does not exist`;
          for (const f of fsck.files) {
            if (f.isDir) continue;
            if (f.underConstruction) return `${f.path} is still being written`;
            for (const b of f.blocks) {
              if (b.live.length !== f.replication || b.corrupt.length > 0) {
                return `blk_${b.block.blockId} of ${f.path} has ${b.live.length} live replica(s) (${b.live.map((r) => r.name).join(', ')}), ${b.corrupt.length} corrupt, replication ${f.replication}`;
              }
            }
          }
          return null;
        };
      case 'dead':
      case 'live':
        return () =>
          withClient(home, async (c) => {
            const all = await labDatanodeReport(c, { description: requireDescription(home), home });
            const dn = all.find((d) => d.name === datanode());
            const state = dn?.liveness ?? 'not registered';
            return state === o.condition ? null : `${datanode()} is ${state}`;
          });
      case 'safemode-off':
        return () =>
          withClient(home, async (c) => {
            const s = await c.call('setSafeMode', { action: 'SAFEMODE_GET' });
            return s.on ? `safe mode is ON: ${s.tip}` : null;
          });
      case 'checkpoint-done':
        return () => {
          const done = readJournal(homePaths(home).journal, { sinceMs: this.sinceMs }).filter(
            (r) => r.k === 'event' && r.event.type === 'checkpoint-done',
          ).length;
          if (done > this.checkpointsSeen) {
            this.checkpointsSeen = done;
            return Promise.resolve(null);
          }
          return Promise.resolve('no new checkpoint-done in the journal');
        };
      case 'fsck-healthy':
        return async () => {
          const outcome = await runLiveProbe({ home, sinceMs: this.sinceMs }, 'fsck.status', {
            path: o.target ?? '/',
          });
          if (outcome.status !== 'ok') return outcome.status === 'error' ? outcome.message : outcome.reason;
          return outcome.value === 'HEALTHY' ? null : `fsck says ${String(outcome.value)}`;
        };
    }
  }

  private async expect(o: StepOptions['expect'], ctx: StepContext): Promise<string> {
    const deadlineMs = durationMs(o.deadline, 0);
    const args = o.args ?? {};
    let last = '';
    await until(
      `expect ${o.probe}`,
      deadlineMs,
      async () => {
        const outcome = await runLiveProbe({ home: ctx.home, sinceMs: this.sinceMs }, o.probe, args);
        const verdict = judgeExpect(o, outcome);
        last = verdict.message;
        return verdict.pass ? null : verdict.message;
      },
      ctx.signal,
    ).catch((error: unknown) => {
      // An expectation is a verdict, not a deadline: its message says what was found.
      throw new StepFailure(
        error instanceof StepFailure && deadlineMs === 0 && last !== '' ? last : (error as Error).message,
      );
    });
    return last.length > 200 ? `${last.slice(0, 200)}…` : last;
  }
}

/**
 * An expect step's verdict: the exercise checks' `satisfies` (equals, atLeast, atMost, matches,
 * notMatches), over the probe's value or the part of it `select` names.
 */
export function judgeExpect(
  o: StepOptions['expect'],
  outcome: ProbeOutcome<unknown>,
): { pass: boolean; message: string } {
  if (outcome.status === 'error') return { pass: false, message: outcome.message };
  if (outcome.status === 'unsettled') return { pass: false, message: `not settled: ${outcome.reason}` };
  const selected = selectValue(outcome.value, o.select);
  if (!selected.ok) return { pass: false, message: selected.message };
  const subject = o.select === undefined ? o.probe : `${o.probe} ${o.select}`;
  const shown =
    typeof selected.value === 'string' ? selected.value : (JSON.stringify(selected.value) ?? 'nothing');
  const brief = shown.length > 120 ? `${shown.slice(0, 120)}…` : shown;
  const verdict = satisfies(o, selected.value);
  if (!verdict.ok) {
    // For "must not contain", the offending part says more than the whole journal would.
    const hit = o.notMatches === undefined ? null : new RegExp(o.notMatches, 'mu').exec(shown);
    const found = hit ? `"${hit[0]}"` : brief;
    return { pass: false, message: `expected ${subject} ${verdict.expected}, found ${found}` };
  }
  return { pass: true, message: `${subject} is ${brief}` };
}

/** Runs one step with a fresh runner (exercise setups that need one action). */
export function runStep(step: Step, context: StepContext, options?: RunnerOptions): Promise<StepOutcome> {
  return new ScenarioRunner(options).run(step, context);
}

export interface ScenarioReport {
  ok: boolean;
  steps: { step: string; outcome: StepOutcome; ms: number }[];
}

/**
 * Runs steps in order, logging `[n/N] step … outcome` lines; stops at the first step that does
 * not succeed (later steps assume the earlier ones) or when the signal aborts.
 */
export async function runScenario(
  steps: readonly Step[],
  context: StepContext,
  options: RunnerOptions & { runner?: StepRunner } = {},
): Promise<ScenarioReport> {
  const runner = options.runner ?? new ScenarioRunner(options);
  const report: ScenarioReport = { ok: true, steps: [] };
  for (const [index, step] of steps.entries()) {
    if (context.signal?.aborted) {
      report.ok = false;
      context.log('interrupted: the cluster is left as it is');
      break;
    }
    const label = `[${index + 1}/${steps.length}] ${describeStep(step)}`;
    context.log(label);
    const startedMs = Date.now();
    const outcome = await runner.run(step, context);
    const ms = Date.now() - startedMs;
    report.steps.push({ step: describeStep(step), outcome, ms });
    context.log(`    ${formatOutcome(outcome)} (${(ms / 1000).toFixed(1)} s)`);
    if (outcome.status !== 'done') {
      report.ok = false;
      break;
    }
  }
  return report;
}

export function formatOutcome(outcome: StepOutcome): string {
  switch (outcome.status) {
    case 'done':
      return outcome.note ? `ok: ${outcome.note}` : 'ok';
    case 'timeout':
      return `TIMEOUT: ${outcome.message}`;
    case 'failed':
      return `FAILED: ${outcome.message}`;
  }
}
