/**
 * The I/O stage of the launcher: boots a planned cluster as real processes, and stops, kills and
 * restarts its processes — for `lab start/stop/kill/restart` now and fault injection later.
 *
 * Order of a start: refuse a running home, clean a crashed one, plan (pure, ./plan.ts), bind the
 * ports, write cluster.json, spawn the NameNode, wait for its RPC port, spawn every DataNode and
 * the Secondary NameNode at once, then wait until each DataNode is registered live and safemode is
 * off. A daemon that exits meanwhile fails the start at once with its exit status and last log
 * lines, and everything already started is stopped again.
 */
import { randomInt } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { RemoteError } from '../protocol/errors.js';
import {
  DAEMON_INITIAL_OLD_SPACE_MIB,
  DAEMON_MALLOC_THRESHOLD_BYTES,
  DATANODE_V8_TIER_MAX,
  START_READY_TIMEOUT_MS,
  STOP_GRACE_MS,
  KILL_CONFIRM_TIMEOUT_MS,
} from '../protocol/limits.js';
import { assignPorts, detectLoopbackAliases, extraPorts, type PlannedAddress } from './addresses.js';
import { homePaths, type ClusterDescription } from '../home/description.js';
import { LauncherError } from '../home/errors.js';
import {
  HOME_FILE_MODE,
  cleanStalePids,
  ensureLayout,
  inspectHome,
  isDaemonAlive,
  readDescription,
  readPid,
  readPidFiles,
  layoutDirs,
  removeEmptyDirs,
  removePid,
  requireDescription,
  runningClusterMessage,
  writeDescription,
  writePid,
} from '../home/home.js';
import { withNamenode } from '../client/namenode-client.js';
import { daemonScriptPath } from '../common/package-root.js';
import { planCluster, type StartOptions } from './plan.js';
import { describeExit, spawnDaemon, type SpawnedDaemon } from './spawn.js';
import { formatLogTail, waitFor } from './wait.js';

export type Role = 'nn' | 'snn' | 'dn';

export interface StartClusterOptions extends StartOptions {
  home: string;
  /** Override alias detection (tests of the no-alias plan). */
  loopbackAliases?: boolean | undefined;
  /** The daemon entry point; default <repo>/dist/bundle/cluster/runtime/main.js (package-root.ts). */
  daemonScript?: string | undefined;
  readyTimeoutMs?: number | undefined;
  /** Progress and warnings, one line each, as they happen. */
  log?: ((line: string) => void) | undefined;
}

export interface StartedCluster {
  home: string;
  description: ClusterDescription;
  warnings: string[];
  /** Spawned daemons by id: exit statuses are observable while this process lives. */
  daemons: Map<string, SpawnedDaemon>;
  /** From the first spawn to ready. */
  readyMs: number;
}

export interface StopResult {
  id: string;
  pid: number | null;
  outcome: 'stopped' | 'killed' | 'not running';
}

export function roleOf(id: string): Role {
  if (id === 'nn') return 'nn';
  if (id === 'snn') return 'snn';
  if (/^dn[1-9]\d*$/.test(id)) return 'dn';
  throw new LauncherError(`'${id}' is not a lab process id (nn, snn, dn1, dn2, …)`, 'usage');
}

/** Every process of a described cluster, in start order. */
export function processIds(description: ClusterDescription): string[] {
  return ['nn', ...(description.secondary ? ['snn'] : []), ...description.datanodes.map((dn) => dn.id)];
}

export function defaultDaemonScript(): string {
  return daemonScriptPath();
}

export async function startCluster(options: StartClusterOptions): Promise<StartedCluster> {
  const home = path.resolve(options.home);
  const log = options.log ?? (() => {});
  const script = checkDaemonScript(options.daemonScript ?? defaultDaemonScript());
  // A start that fails in a home it made leaves nothing behind but what tells why (the logs).
  const homeExisted = fs.existsSync(home);
  const freshHome = !homeExisted || fs.readdirSync(home).length === 0;
  const skeleton = homeExisted ? layoutDirs(home).filter((d) => d !== home) : layoutDirs(home);
  ensureLayout(home);
  let releaseLock: () => void;
  try {
    releaseLock = takeStartLock(home);
  } catch (error) {
    if (freshHome) removeEmptyDirs(skeleton);
    throw error;
  }
  let started = false;
  try {
    const { running } = inspectHome(home);
    const refusal = runningClusterMessage(home, running);
    if (refusal !== null) throw new LauncherError(refusal);
    for (const message of cleanStalePids(home)) log(message);

    const topologyText = readTopologyFile(options.topologyFile);
    const loopbackAliases = options.loopbackAliases ?? (await detectLoopbackAliases());
    const plan = planCluster({
      options: { ...options, topologyFile: topologyPathForConf(options.topologyFile) },
      topologyText,
      loopbackAliases,
      fallbackSeed: fallbackSeed(home, log),
      nowMs: Date.now(),
    });
    for (const warning of plan.warnings) log(`WARNING: ${warning}`);
    const description = await withAssignedPorts(plan.description);
    writeDescription(home, description);
    const booted = await bootProcesses(
      home,
      description,
      script,
      options.readyTimeoutMs ?? START_READY_TIMEOUT_MS,
    );
    started = true;
    return { home, description, warnings: plan.warnings, ...booted };
  } finally {
    releaseLock();
    if (!started && freshHome && isEmptyDir(homePaths(home).logs)) {
      fs.rmSync(homePaths(home).description, { force: true });
      removeEmptyDirs(skeleton);
    }
  }
}

async function withAssignedPorts(description: ClusterDescription): Promise<ClusterDescription> {
  const assigned = await assignPorts({
    namenode: description.namenode,
    secondary: description.secondary ?? { id: 'snn', host: description.namenode.host, port: 0 },
    datanodes: description.datanodes,
    client: { host: description.client.host },
    loopbackAliases: description.loopbackAliases,
  });
  return {
    ...description,
    namenode: assigned.namenode,
    secondary: description.secondary ? assigned.secondary : null,
    datanodes: description.datanodes.map((dn, index) => {
      const address = assigned.datanodes[index] as PlannedAddress;
      return { ...dn, port: address.port, ...extraPorts(address) };
    }),
  };
}

async function bootProcesses(
  home: string,
  description: ClusterDescription,
  script: string,
  readyTimeoutMs: number,
): Promise<{ daemons: Map<string, SpawnedDaemon>; readyMs: number }> {
  const daemons = new Map<string, SpawnedDaemon>();
  const startedMs = Date.now();
  const deadlineMs = startedMs + readyTimeoutMs;
  const remaining = (): number => Math.max(0, deadlineMs - Date.now());
  try {
    spawnInto(daemons, home, 'nn', script);
    await waitFor(() => namenodeAnswers(description), {
      deadlineMs: remaining(),
      what: `the NameNode to answer on ${description.namenode.host}:${description.namenode.port}`,
      failFast: () => failIfExited(home, daemons),
      diagnose: () => diagnose(home, daemons),
    });
    for (const id of processIds(description).filter((id) => id !== 'nn'))
      spawnInto(daemons, home, id, script);
    let progress = '';
    await waitFor(
      async () => {
        const ready = await clusterReadiness(description);
        progress = ready.detail;
        return ready.ready;
      },
      {
        deadlineMs: remaining(),
        what: () => `every DataNode to register and the NameNode to leave safemode (${progress})`,
        failFast: () => failIfExited(home, daemons),
        diagnose: () => diagnose(home, daemons),
      },
    );
  } catch (error) {
    await stopNodes(home, [...daemons.keys()]).catch(() => []);
    throw error instanceof LauncherError
      ? new LauncherError(`${error.message}\nThe processes that had started were stopped again.`)
      : error;
  }
  for (const daemon of daemons.values()) daemon.unref();
  return { daemons, readyMs: Date.now() - startedMs };
}

function spawnInto(
  daemons: Map<string, SpawnedDaemon>,
  home: string,
  id: string,
  script: string,
): SpawnedDaemon {
  const daemon = spawnDaemon({
    script,
    args: ['--role', roleOf(id), '--home', home, '--id', id],
    nodeArgs: daemonNodeArgs(roleOf(id)),
    env: daemonEnv(),
    logFile: homePaths(home).log(id),
    cwd: home,
  });
  writePid(home, id, daemon.pid);
  daemons.set(id, daemon);
  return daemon;
}

/**
 * Options for node itself: V8's old-generation start for every daemon, and for a DataNode its
 * highest compiler tier (Sparkplug, with Sparkplug on where a platform leaves it off by default).
 */
export function daemonNodeArgs(role: Role): string[] {
  const heap = `--initial-old-space-size=${DAEMON_INITIAL_OLD_SPACE_MIB}`;
  return role === 'dn' ? [heap, '--sparkplug', `--max-opt=${DATANODE_V8_TIER_MAX}`] : [heap];
}

/** The daemons' environment: the caller's, with glibc malloc told to give large Buffers back (limits.ts). */
function daemonEnv(): NodeJS.ProcessEnv {
  const threshold = String(DAEMON_MALLOC_THRESHOLD_BYTES);
  return {
    MALLOC_MMAP_THRESHOLD_: threshold,
    MALLOC_TRIM_THRESHOLD_: threshold,
    ...process.env,
  };
}

function failIfExited(home: string, daemons: ReadonlyMap<string, SpawnedDaemon>): void {
  for (const [id, daemon] of daemons) {
    const exit = daemon.exit();
    if (exit === null) continue;
    throw new LauncherError(
      `${id} (pid ${daemon.pid}) ${describeExit(exit)} while the cluster was starting.\n` +
        formatLogTail(id, homePaths(home).log(id)),
    );
  }
}

function diagnose(home: string, daemons: ReadonlyMap<string, SpawnedDaemon>): string {
  return [...daemons]
    .map(([id, daemon]) => {
      const exit = daemon.exit();
      const state = exit === null ? 'running' : describeExit(exit);
      return `${id} (pid ${daemon.pid}) ${state}\n${formatLogTail(id, homePaths(home).log(id), 6)}`;
    })
    .join('\n');
}

/**
 * Any reply counts, an error reply too: the NameNode's RPC server is up and reading frames. The
 * call is `dfsadmin -safemode get`'s, which a NameNode answers in safe mode and out of it.
 */
async function namenodeAnswers(description: ClusterDescription): Promise<boolean> {
  try {
    const answer = await withNamenode(description, (client) =>
      client.call('setSafeMode', { action: 'SAFEMODE_GET' }),
    );
    return answer !== undefined;
  } catch (error) {
    if (error instanceof RemoteError) return true;
    throw error;
  }
}

async function clusterReadiness(
  description: ClusterDescription,
): Promise<{ ready: boolean; detail: string }> {
  const answer = await withNamenode(description, async (client) => {
    const live = await client.call('getDatanodeReport', { type: 'LIVE' });
    const safemode = await client.call('setSafeMode', { action: 'SAFEMODE_GET' });
    return { live, safemode };
  });
  if (answer === undefined) return { ready: false, detail: 'NameNode not answering' };
  const liveNames = new Set(answer.live.map((dn) => dn.name));
  const registered = description.datanodes.filter((dn) => liveNames.has(dn.id)).length;
  const total = description.datanodes.length;
  // `lab checkpoint` right after `lab start` must find the Secondary's HTTP server listening.
  const secondaryUp = description.secondary
    ? await acceptsConnections(description.secondary.host, description.secondary.port)
    : true;
  return {
    ready: registered === total && !answer.safemode.on && secondaryUp,
    detail:
      `${registered} of ${total} DataNodes live, safemode ${answer.safemode.on ? 'on' : 'off'}` +
      (description.secondary
        ? `, Secondary NameNode ${secondaryUp ? 'listening' : 'not listening yet'}`
        : ''),
  };
}

/** Whether something accepts a TCP connection at host:port (closed again at once, nothing sent). */
function acceptsConnections(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (up: boolean): void => {
      socket.destroy();
      resolve(up);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.setTimeout(1_000, () => done(false));
  });
}

function checkDaemonScript(script: string): string {
  if (!fs.existsSync(script)) {
    throw new LauncherError(
      `The cluster daemons are not built: ${script} does not exist. Run \`npm run build\` (npm install does it too).`,
    );
  }
  return script;
}

function readTopologyFile(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new LauncherError(
      `cannot read topology file ${file} (${code}); give a TableMapping file such as:\n  dn1 /dc1/rack1\n  dn2 /dc1/rack2`,
      'usage',
    );
  }
}

function topologyPathForConf(file: string | undefined): string | undefined {
  return file === undefined ? undefined : path.resolve(file);
}

/**
 * Without --seed: a home that already holds a formatted namespace keeps its seed (the seed fixes
 * the cluster and block pool ids its DataNodes' storage carries); otherwise a random one.
 */
function fallbackSeed(home: string, log: (line: string) => void): string {
  const previous = readDescription(home);
  if (previous !== undefined && fs.existsSync(homePaths(home).nameDir)) {
    log(`Reusing seed ${previous.seed} of the existing namespace in ${home}.`);
    return previous.seed;
  }
  return String(randomInt(1, 1_000_000));
}

function isEmptyDir(dir: string): boolean {
  try {
    return fs.readdirSync(dir).length === 0;
  } catch {
    return true;
  }
}

/** One `lab start` at a time per home: two racing starts would both pass the running check. */
function takeStartLock(home: string): () => void {
  const lock = homePaths(home).startLock;
  try {
    fs.writeFileSync(lock, `${process.pid}\n`, { flag: 'wx', mode: HOME_FILE_MODE });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number(fs.readFileSync(lock, 'utf8').trim());
    if (holder !== process.pid && processExists(holder)) {
      throw new LauncherError(
        `Another \`lab start\` (pid ${holder}) is starting a cluster in ${home}; wait for it, or use --home DIR.`,
      );
    }
    fs.writeFileSync(lock, `${process.pid}\n`);
  }
  return () => fs.rmSync(lock, { force: true });
}

function processExists(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function requireProcessId(description: ClusterDescription, id: string): void {
  roleOf(id);
  const ids = processIds(description);
  if (!ids.includes(id)) {
    throw new LauncherError(
      `This cluster has no process ${id}; its processes are ${ids.join(', ')}.`,
      'usage',
    );
  }
}

/**
 * Start one process of a described cluster (after `lab kill`/`lab stop dn3`) and wait until it
 * serves: the NameNode answers RPC; a DataNode has heartbeated since it started (if the NameNode
 * is up to say so).
 */
export async function startNode(
  home: string,
  id: string,
  options: { daemonScript?: string; readyTimeoutMs?: number } = {},
): Promise<{ id: string; pid: number }> {
  const description = requireDescription(home);
  requireProcessId(description, id);
  const running = readPid(home, id);
  if (running !== undefined && isDaemonAlive(running)) {
    throw new LauncherError(`${id} is already running (pid ${running}); \`lab restart ${id}\` restarts it.`);
  }
  const script = checkDaemonScript(options.daemonScript ?? defaultDaemonScript());
  const daemons = new Map<string, SpawnedDaemon>();
  const startedMs = Date.now();
  const daemon = spawnInto(daemons, home, id, script);
  const ready =
    id === 'nn'
      ? () => namenodeAnswers(description)
      : () => datanodeHeartbeatSince(description, id, startedMs);
  try {
    await waitFor(ready, {
      deadlineMs: options.readyTimeoutMs ?? START_READY_TIMEOUT_MS,
      what: id === 'nn' ? 'the NameNode to answer RPC' : `${id} to heartbeat to the NameNode`,
      failFast: () => failIfExited(home, daemons),
      diagnose: () => diagnose(home, daemons),
    });
  } finally {
    daemon.unref();
  }
  return { id, pid: daemon.pid };
}

async function datanodeHeartbeatSince(
  description: ClusterDescription,
  id: string,
  sinceMs: number,
): Promise<boolean> {
  if (roleOf(id) !== 'dn') return true;
  const report = await withNamenode(description, (client) =>
    client.call('getDatanodeReport', { type: 'LIVE' }),
  );
  // NameNode down: nothing to wait for; the DataNode registers when it comes back.
  if (report === undefined) return true;
  return report.some((dn) => dn.name === id && dn.lastUpdate >= sinceMs);
}

/**
 * SIGTERM (or the given signal) to each running process, SIGKILL to those still alive after
 * `graceMs`, and wait until every pid is gone. Pid files are removed. Default: every process.
 */
export async function stopNodes(
  home: string,
  ids?: readonly string[],
  options: { signal?: NodeJS.Signals; graceMs?: number } = {},
): Promise<StopResult[]> {
  const description = readDescription(home);
  if (ids !== undefined && description !== undefined) for (const id of ids) requireProcessId(description, id);
  return stopProcesses(home, ids, options);
}

/**
 * stopNodes without the check that each id is one of the described cluster's processes: also a
 * process the lab home tracks beside them (a setup's lease holder, launcher/lease-holder.ts).
 */
export async function stopProcesses(
  home: string,
  ids?: readonly string[],
  options: { signal?: NodeJS.Signals; graceMs?: number } = {},
): Promise<StopResult[]> {
  const targets = (ids ?? readPidFiles(home).map((entry) => entry.id)).map((id) => ({
    id,
    pid: readPid(home, id) ?? null,
  }));
  const alive = targets.filter((target) => target.pid !== null && isDaemonAlive(target.pid));
  const signal = options.signal ?? 'SIGTERM';
  for (const target of alive) signalProcess(target.pid as number, signal);
  const killed = new Set<string>();
  if (signal !== 'SIGKILL') {
    try {
      await waitFor(() => alive.every((target) => !isDaemonAlive(target.pid as number)), {
        deadlineMs: options.graceMs ?? STOP_GRACE_MS,
        what: 'the processes to exit after SIGTERM',
      });
    } catch (error) {
      if (!(error instanceof LauncherError)) throw error;
      for (const target of alive.filter((t) => isDaemonAlive(t.pid as number))) {
        signalProcess(target.pid as number, 'SIGKILL');
        killed.add(target.id);
      }
    }
  }
  await waitFor(() => alive.every((target) => !isDaemonAlive(target.pid as number)), {
    deadlineMs: KILL_CONFIRM_TIMEOUT_MS,
    what: `${alive.map((t) => `${t.id} (pid ${t.pid})`).join(', ')} to be gone after SIGKILL`,
  });
  for (const target of targets) removePid(home, target.id);
  return targets.map((target) => ({
    id: target.id,
    pid: target.pid,
    outcome: !alive.includes(target)
      ? 'not running'
      : signal === 'SIGKILL' || killed.has(target.id)
        ? 'killed'
        : 'stopped',
  }));
}

/** SIGKILL, as a crash: no goodbye to the NameNode, which must notice the missing heartbeats. */
export async function killNode(home: string, id: string): Promise<StopResult> {
  const [result] = await stopNodes(home, [id], { signal: 'SIGKILL' });
  return result as StopResult;
}

/**
 * The whole described cluster again on the same addresses, as start-dfs.sh after stop-dfs.sh: every
 * process stopped, then the NameNode, then every other process at once (as `lab start` boots them),
 * until every DataNode has registered and safe mode is off. Started one by one instead, the first
 * DataNodes' reports would end safe mode while the others are still starting, and the NameNode would
 * re-replicate blocks that were never under-replicated and then delete the excess.
 */
export async function restartCluster(
  home: string,
  options: { daemonScript?: string; readyTimeoutMs?: number } = {},
): Promise<{ ids: string[]; readyMs: number }> {
  const description = requireDescription(home);
  const script = checkDaemonScript(options.daemonScript ?? defaultDaemonScript());
  await stopNodes(home);
  const booted = await bootProcesses(
    home,
    description,
    script,
    options.readyTimeoutMs ?? START_READY_TIMEOUT_MS,
  );
  return { ids: [...booted.daemons.keys()], readyMs: booted.readyMs };
}

export async function restartNode(
  home: string,
  id: string,
  options: { daemonScript?: string; readyTimeoutMs?: number } = {},
): Promise<{ id: string; pid: number; stopped: StopResult }> {
  requireProcessId(requireDescription(home), id);
  const [stopped] = await stopNodes(home, [id]);
  const started = await startNode(home, id, options);
  return { ...started, stopped: stopped as StopResult };
}

function signalProcess(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (error) {
    // ESRCH: it exited between the check and the signal, which is what we wanted.
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}
