/**
 * The dashboard's state model: everything the panes show, fed only by journal records, the
 * NameNode's RPC answers (status, DataNode report, fsck of /) and which pid files name a live
 * process. Pure: no sockets, no timers, no terminal — the blessed shell (./dashboard.ts) feeds it
 * and draws it, tests and the benchmark drive it with synthetic records.
 */
import type { ClusterDescription } from '../../cluster/home/description.js';
import {
  describeFrame,
  describeFrameRun,
  describeStateEvent,
} from '../../cluster/protocol/registry/describe.js';
import type { JournalFrame, JournalRecord } from '../../cluster/protocol/journal-types.js';
import type { FsckResult } from '../../cluster/namenode/fsck-report.js';
import type { NameNodeStatus } from '../../cluster/namenode/jmx.js';
import type { ReportedDatanode } from '../../cluster/protocol/types.js';
import { blockName } from '../../cluster/protocol/types.js';
import { compareProcs } from '../trace/counts.js';
import {
  DASHBOARD_CLIENT_ID,
  isPlumbing,
  isTrafficKind,
  kindOf,
  type TrafficKind,
} from '../traffic/lines.js';
import { RateSeries, RingBuffer } from './ring.js';
import {
  DASHBOARD_TRAFFIC_ENTRIES_MAX,
  DASHBOARD_NAMESPACE_ENTRIES_MAX,
  DASHBOARD_TRAFFIC_RUNS_MAX,
} from '../../cluster/protocol/limits.js';

/** Seconds of history in the bytes/s charts: "the last minute". */
export const CHART_WINDOW_SECONDS = 60;
/** A heartbeat this recent makes a DataNode's pulse beat. */
export const PULSE_MS = 1_500;

export type NodeState =
  | 'live'
  | 'stale'
  | 'dead'
  | 'decommissioning'
  | 'decommissioned'
  | 'entering maintenance'
  | 'in maintenance'
  | 'unknown';

/**
 * A DataNode's state for the dashboard: a live one shows its admin state when it is leaving
 * service; one in maintenance shows it even dead (its replicas are still counted, nothing is
 * re-replicated: the web UI's "down-maintenance").
 */
function datanodeState(
  liveness: ReportedDatanode['liveness'],
  adminState: ReportedDatanode['adminState'],
): NodeState {
  if (adminState === 'IN_MAINTENANCE') return 'in maintenance';
  if (liveness === 'dead') return 'dead';
  if (adminState === 'ENTERING_MAINTENANCE') return 'entering maintenance';
  if (adminState === 'DECOMMISSIONED') return 'decommissioned';
  if (adminState === 'DECOMMISSION_INPROGRESS') return 'decommissioning';
  return liveness;
}

export interface NodeView {
  id: string;
  role: 'nn' | 'snn' | 'dn';
  address: string;
  rack: string;
  /** DataNodes: as the NameNode sees them. nn / snn: live while their process runs. */
  state: NodeState;
  /** Whether the process's pid file names a live process (null: not known yet). */
  processUp: boolean | null;
  lastHeartbeatMs: number | null;
}

export type EntryKind = TrafficKind | 'event';

export interface TrafficEntry {
  t: number;
  kind: EntryKind;
  text: string;
  /** Frames this line stands for: a run of packets or acks of one block over one hop is one line. */
  frames?: number;
}

/**
 * Packets or acks of one block over one hop this far apart are shown as two lines: a pipeline that
 * stalls and resumes shows the stall.
 */
export const TRAFFIC_RUN_GAP_MS = 2_000;

/** A run of packets or acks still collecting frames into its line. */
interface TrafficRun {
  entry: TrafficEntry;
  type: 'packet' | 'ack';
  block: string;
  prefix: string;
  dataBytes: number;
  lastMs: number;
  /** state.entriesPushed when the run's line was pushed: past the ring's capacity it is gone. */
  serial: number;
}

export interface BlockView {
  name: string;
  replicas: string[];
  corrupt: string[];
  /** Fewer live replicas than the file's replication. */
  underReplicated: boolean;
}

export interface FileView {
  path: string;
  depth: number;
  isDir: boolean;
  length: number;
  replication: number;
  blocks: BlockView[];
}

export type Focus = 'nodes' | 'files';

export interface DashboardState {
  nodes: NodeView[];
  traffic: RingBuffer<TrafficEntry>;
  /** While paused, the traffic pane shows this snapshot; records keep being applied. */
  frozen: TrafficEntry[] | null;
  /** Lines scrolled back from the newest (PgUp / PgDn); scrolling back pauses the pane. */
  scrollBack: number;
  /** Open runs of packets and acks by hop and block, and how many lines were ever pushed. */
  runs: Map<string, TrafficRun>;
  entriesPushed: number;
  /** '' shows everything but heartbeats; rpc / data / heartbeat / event pick a kind; else a substring. */
  filter: string;
  rates: Map<string, RateSeries>;
  files: FileView[];
  selectedFile: number;
  selectedNode: number;
  focus: Focus;
  status: NameNodeStatus | null;
  namenodeReachable: boolean;
  /** Whether the NameNode has been polled at least once (before that, nothing is known). */
  statusPolled: boolean;
  datanodes: ReportedDatanode[];
  /** Set when a record says the namespace or a replica changed; the shell then re-runs fsck. */
  namespaceDirty: boolean;
  helpVisible: boolean;
  /** The last action's outcome, shown in the footer. */
  message: string;
  recordsApplied: number;
}

export function createDashboardState(description: ClusterDescription): DashboardState {
  const nodes: NodeView[] = [
    node('nn', 'nn', `${description.namenode.host}:${description.namenode.port}`, ''),
    ...(description.secondary
      ? [node('snn', 'snn', `${description.secondary.host}:${description.secondary.port}`, '')]
      : []),
    ...description.datanodes.map((dn) => node(dn.id, 'dn', `${dn.host}:${dn.port}`, dn.rack)),
  ];
  return {
    nodes,
    traffic: new RingBuffer<TrafficEntry>(DASHBOARD_TRAFFIC_ENTRIES_MAX),
    frozen: null,
    scrollBack: 0,
    runs: new Map(),
    entriesPushed: 0,
    filter: '',
    rates: new Map(description.datanodes.map((dn) => [dn.id, new RateSeries(CHART_WINDOW_SECONDS)])),
    files: [],
    selectedFile: 0,
    selectedNode: 0,
    focus: 'nodes',
    status: null,
    namenodeReachable: false,
    statusPolled: false,
    datanodes: [],
    namespaceDirty: true,
    helpVisible: false,
    message: '',
    recordsApplied: 0,
  };
}

function node(id: string, role: NodeView['role'], address: string, rack: string): NodeView {
  return { id, role, address, rack, state: 'unknown', processUp: null, lastHeartbeatMs: null };
}

function nodeById(state: DashboardState, id: string): NodeView | undefined {
  return state.nodes.find((n) => n.id === id);
}

/** Events after which the namespace pane's files, blocks or replicas may be out of date. */
const NAMESPACE_EVENTS = new Set([
  'edit-logged',
  'block-complete',
  'block-low-redundancy',
  'block-missing',
  'replica-corrupt',
  'replica-deleted',
  'replica-finalized',
  'datanode-dead',
  'datanode-live',
  'datanode-admin-state',
]);

export function applyRecord(state: DashboardState, record: JournalRecord): void {
  state.recordsApplied += 1;
  if (record.k === 'event') {
    applyEvent(state, record.proc, record.event);
    pushEntry(state, { t: record.t, kind: 'event', text: describeStateEvent(record.proc, record.event) });
    return;
  }
  // Each frame is journaled by both ends; count and show it once, from the sender's record.
  if (record.dir !== 'send') return;
  const kind = kindOf(record);
  if (kind === 'heartbeat' && record.msg.type === 'rpc-call') {
    const dn = nodeById(state, record.src);
    if (dn) dn.lastHeartbeatMs = record.t;
  }
  if (record.data > 0) {
    state.rates.get(record.src)?.add(record.t, record.data);
    state.rates.get(record.dst)?.add(record.t, record.data);
  }
  if (record.src === DASHBOARD_CLIENT_ID || record.dst === DASHBOARD_CLIENT_ID) return;
  if (joinRun(state, record)) return;
  // Status polls (lab status, the launcher) go with the heartbeats: shown when filtered for.
  const entry: TrafficEntry = {
    t: record.t,
    kind: isPlumbing(record) ? 'heartbeat' : kind,
    text: describeFrame(record),
  };
  pushEntry(state, entry);
  startRun(state, record, entry);
}

function pushEntry(state: DashboardState, entry: TrafficEntry): void {
  state.traffic.push(entry);
  state.entriesPushed += 1;
}

function runKey(frame: JournalFrame): string | undefined {
  const msg = frame.msg;
  if (msg.type !== 'packet' && msg.type !== 'ack') return undefined;
  return `${msg.type}\u0000${frame.src}\u0000${frame.dst}\u0000${msg.block}`;
}

/** Counts a packet or ack into the open line of its hop and block, if there is one still shown. */
function joinRun(state: DashboardState, frame: JournalFrame): boolean {
  const key = runKey(frame);
  const run = key === undefined ? undefined : state.runs.get(key);
  if (!run || key === undefined) return false;
  const shown = state.entriesPushed - run.serial < state.traffic.capacity;
  if (!shown || frame.t - run.lastMs > TRAFFIC_RUN_GAP_MS) {
    state.runs.delete(key);
    return false;
  }
  run.entry.frames = (run.entry.frames ?? 1) + 1;
  run.dataBytes += frame.data;
  run.lastMs = frame.t;
  run.entry.text = `${run.prefix} ${describeFrameRun({ type: run.type, block: run.block, count: run.entry.frames, dataBytes: run.dataBytes })}`;
  // The block's last packet (and its ack) ends the run.
  if (frame.msg.type === 'packet' && frame.msg.last) state.runs.delete(key);
  return true;
}

function startRun(state: DashboardState, frame: JournalFrame, entry: TrafficEntry): void {
  const key = runKey(frame);
  const msg = frame.msg;
  if (key === undefined || (msg.type !== 'packet' && msg.type !== 'ack')) return;
  if (msg.type === 'packet' && msg.last) return;
  if (state.runs.size >= DASHBOARD_TRAFFIC_RUNS_MAX) {
    for (const [k, run] of state.runs) if (frame.t - run.lastMs > TRAFFIC_RUN_GAP_MS) state.runs.delete(k);
    if (state.runs.size >= DASHBOARD_TRAFFIC_RUNS_MAX) state.runs.delete(state.runs.keys().next().value!);
  }
  state.runs.set(key, {
    entry,
    type: msg.type,
    block: msg.block,
    prefix: `${frame.src}->${frame.dst}`,
    dataBytes: frame.data,
    lastMs: frame.t,
    serial: state.entriesPushed,
  });
}

function applyEvent(
  state: DashboardState,
  proc: string,
  event: Extract<JournalRecord, { k: 'event' }>['event'],
): void {
  if (NAMESPACE_EVENTS.has(event.type)) state.namespaceDirty = true;
  switch (event.type) {
    case 'datanode-dead':
    case 'datanode-stale':
    case 'datanode-live': {
      const dn = nodeById(state, event.datanode);
      if (dn)
        dn.state =
          event.type === 'datanode-dead' ? 'dead' : event.type === 'datanode-stale' ? 'stale' : 'live';
      return;
    }
    case 'datanode-admin-state': {
      const dn = nodeById(state, event.datanode);
      if (dn && dn.state !== 'dead') dn.state = datanodeState('live', event.adminState);
      return;
    }
    case 'datanode-registered': {
      const dn = nodeById(state, event.datanode);
      if (dn) dn.state = 'live';
      return;
    }
    case 'process-started': {
      const n = nodeById(state, proc);
      if (n) n.processUp = true;
      if (n && n.role !== 'dn') n.state = 'live';
      return;
    }
    case 'process-stopping': {
      const n = nodeById(state, proc);
      if (n) n.processUp = false;
      return;
    }
    default:
      return;
  }
}

/** The NameNode's answers of one poll; undefined when it did not answer. */
export interface StatusSnapshot {
  status: NameNodeStatus;
  datanodes: ReportedDatanode[];
}

export function applyStatus(state: DashboardState, snapshot: StatusSnapshot | undefined): void {
  state.namenodeReachable = snapshot !== undefined;
  state.statusPolled = true;
  if (!snapshot) return;
  state.status = snapshot.status;
  state.datanodes = [...snapshot.datanodes].sort((a, b) => compareProcs(a.name, b.name));
  for (const info of snapshot.datanodes) {
    const dn = nodeById(state, info.name);
    if (!dn) continue;
    dn.state = datanodeState(info.liveness, info.adminState);
    if (info.lastUpdate > (dn.lastHeartbeatMs ?? 0)) dn.lastHeartbeatMs = info.lastUpdate;
  }
}

/** Which processes have a live pid (from the pid files): nn and snn are live exactly while they run. */
export function applyProcesses(state: DashboardState, running: ReadonlySet<string>): void {
  for (const n of state.nodes) {
    n.processUp = running.has(n.id);
    if (n.role !== 'dn') n.state = n.processUp ? 'live' : 'dead';
  }
}

/** The namespace and its blocks from an fsck of / (files, blocks, locations). */
export function applyNamespace(state: DashboardState, fsck: FsckResult): void {
  const selectedPath = state.files[state.selectedFile]?.path;
  const files = fsck.files
    .slice()
    .sort((a, b) => a.path.localeCompare(b.path))
    .slice(0, DASHBOARD_NAMESPACE_ENTRIES_MAX)
    .map((f): FileView => ({
      path: f.path,
      depth: f.path === '/' ? 0 : f.path.split('/').length - 1,
      isDir: f.isDir,
      length: f.length,
      replication: f.replication,
      blocks: f.blocks.map((b) => ({
        name: blockName(b.block),
        replicas: b.live.map((l) => l.name).sort(compareProcs),
        corrupt: b.corrupt.map((c) => c.name).sort(compareProcs),
        underReplicated: b.live.length < f.replication,
      })),
    }));
  state.files = files;
  const keep = files.findIndex((f) => f.path === selectedPath);
  state.selectedFile = keep >= 0 ? keep : Math.min(state.selectedFile, Math.max(0, files.length - 1));
  state.namespaceDirty = false;
}

export function selectedFile(state: DashboardState): FileView | undefined {
  return state.files[state.selectedFile];
}

export function selectedNode(state: DashboardState): NodeView | undefined {
  return state.nodes[state.selectedNode];
}

/** DataNodes holding a replica (live or corrupt) of the selected file: highlighted in the topology. */
export function highlightedNodes(state: DashboardState): Set<string> {
  const file = selectedFile(state);
  const out = new Set<string>();
  for (const b of file?.blocks ?? []) for (const id of [...b.replicas, ...b.corrupt]) out.add(id);
  return out;
}

/** Whether a traffic entry passes the pane's filter. Heartbeats only when asked for. */
export function passesFilter(entry: TrafficEntry, filter: string): boolean {
  const f = filter.trim();
  if (f === '') return entry.kind !== 'heartbeat';
  if (f === 'event' || isTrafficKind(f)) return entry.kind === f;
  return entry.kind !== 'heartbeat' && entry.text.includes(f);
}

/** The last `rows` traffic entries to show, honouring pause, scroll-back and filter. */
export function visibleTraffic(state: DashboardState, rows: number): TrafficEntry[] {
  const keep = (e: TrafficEntry): boolean => passesFilter(e, state.filter);
  if (!state.frozen) return state.traffic.last(rows, keep);
  const kept = state.frozen.filter(keep);
  // Never scroll past the oldest line kept: the first screenful stays full.
  state.scrollBack = Math.max(0, Math.min(state.scrollBack, kept.length - rows));
  const end = kept.length - state.scrollBack;
  return kept.slice(Math.max(0, end - rows), end);
}

/** A copy of the lines kept, as they read now (open runs keep counting in the live ring). */
function snapshot(state: DashboardState): TrafficEntry[] {
  return state.traffic.toArray().map((e) => ({ ...e }));
}

export function togglePause(state: DashboardState): void {
  state.frozen = state.frozen ? null : snapshot(state);
  state.scrollBack = 0;
}

/**
 * Scrolls the traffic pane `lines` back (positive) or forward (negative) through the lines kept.
 * Scrolling back pauses the pane on what it showed; scrolling forward to the newest line resumes it.
 */
export function scrollTraffic(state: DashboardState, lines: number): void {
  if (lines > 0 && !state.frozen) state.frozen = snapshot(state);
  if (!state.frozen) return;
  state.scrollBack = Math.max(0, state.scrollBack + lines);
  if (lines < 0 && state.scrollBack === 0) state.frozen = null;
}
