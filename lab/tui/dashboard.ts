/**
 * The dashboard's driver: reads new journal records, polls the NameNode (status, DataNode report,
 * fsck of / when the namespace changed) and the pid files, applies them to the state model, and
 * redraws at most every RENDER_INTERVAL_MS. Keys go through ./keys.ts; the actions that touch the
 * cluster run through the launcher, the DFS client and the Secondary NameNode's checkpoint request.
 *
 * `runDashboard({ home, onQuit })` is what `lab tui` and `lab start` (on a terminal) call.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { corruptReplica } from '../scenario/corrupt.js';
import { labDatanodeReport } from '../../cluster/client/datanode-report.js';
import { DFSClient } from '../../cluster/client/dfs-client.js';
import { homePaths, type ClusterDescription } from '../../cluster/home/description.js';
import { inspectHome, requireDescription } from '../../cluster/home/home.js';
import { fetchBlockMap, fetchNamenodeStatus } from '../../cluster/client/namenode-http-client.js';
import { killNode, restartNode } from '../../cluster/launcher/launcher.js';
import type { JournalRecord } from '../../cluster/protocol/journal-types.js';
import type { FsckResult } from '../../cluster/namenode/fsck-report.js';
import { Journal } from '../../cluster/transport/journal.js';
import { RpcClient } from '../../cluster/transport/rpc-client.js';
import { requestCheckpoint } from '../../cluster/client/secondary-http-client.js';
import { checkpointDoneLine } from '../format/checkpoint.js';
import { DASHBOARD_CLIENT_ID } from '../traffic/lines.js';
import { JournalTail } from '../traffic/tail.js';
import { releaseInput } from './blessed.js';
import { handleKey, type DashboardAction } from './keys.js';
import {
  applyNamespace,
  applyProcesses,
  applyRecord,
  applyStatus,
  createDashboardState,
  type DashboardState,
  type StatusSnapshot,
} from './state.js';
import { DashboardView, type Prompt } from './view.js';
import {
  DASHBOARD_RECORDS_PER_POLL_MAX,
  DASHBOARD_ATTACH_JOURNAL_BYTES,
} from '../../cluster/protocol/limits.js';

/** At most this many frames per second are drawn (12.5/s): smooth enough, and cheap under load. */
export const RENDER_INTERVAL_MS = 80;
/** How often the journal is read for new records. */
export const JOURNAL_POLL_MS = 100;
/** How often the NameNode is asked for its status and DataNode report. */
export const STATUS_POLL_MS = 1_000;
/** The sample file `u` puts: this many blocks' worth (capped below), so it shows several blocks. */
const SAMPLE_BLOCKS = 2.5;
const SAMPLE_BYTES_MAX = 8 * 1024 * 1024;

export type QuitChoice = 'stop' | 'leave';

/** Where the dashboard's facts come from and how its actions act: real cluster or test fakes. */
export interface DashboardSources {
  description: ClusterDescription;
  /** Journal records appended since the last call. */
  readRecords(): JournalRecord[];
  pollStatus(): Promise<StatusSnapshot | undefined>;
  pollNamespace(): Promise<FsckResult | undefined>;
  /** Ids of processes whose pid file names a live process. */
  runningProcesses(): Set<string>;
  /** Runs an action; resolves with the line the footer shows. */
  act(action: Exclude<DashboardAction, { type: 'filter-prompt' | 'quit-prompt' }>): Promise<string>;
  close(): void;
}

export interface DashboardOptions {
  sources: DashboardSources;
  input: Readable;
  output: Writable;
  /** No timers: the caller drives tick() and poll() (tests, the benchmark). */
  manual?: boolean;
  now?: () => number;
}

export class Dashboard {
  readonly state: DashboardState;
  readonly view: DashboardView;
  readonly quit: Promise<QuitChoice>;
  private resolveQuit: (choice: QuitChoice) => void = () => {};
  private prompt: (Prompt & { kind: 'filter' | 'quit' }) | null = null;
  private timers: NodeJS.Timeout[] = [];
  private dirty = true;
  private lastDrawnSecond = -1;
  private busy: string | null = null;
  private polling = false;
  private closed = false;
  private readonly now: () => number;

  constructor(private readonly options: DashboardOptions) {
    this.now = options.now ?? Date.now;
    this.state = createDashboardState(options.sources.description);
    this.view = new DashboardView({ input: options.input, output: options.output, title: 'hdfs-lab' });
    this.quit = new Promise((resolve) => (this.resolveQuit = resolve));
    this.view.screen.on(
      'keypress',
      (ch: string | undefined, key: { name?: string; full?: string } | undefined) => this.onKey(ch, key),
    );
    this.view.screen.on('resize', () => {
      this.dirty = true;
      this.draw();
    });
    if (!options.manual) {
      this.timers.push(setInterval(() => this.readJournal(), JOURNAL_POLL_MS));
      this.timers.push(setInterval(() => void this.poll(), STATUS_POLL_MS));
      this.timers.push(setInterval(() => this.draw(), RENDER_INTERVAL_MS));
      void this.poll();
    }
    this.readJournal();
    this.draw();
  }

  /** Read the journal and draw if anything changed (what the timers do). */
  tick(): void {
    this.readJournal();
    this.draw();
  }

  readJournal(): void {
    const records = this.options.sources.readRecords();
    const count = Math.min(records.length, DASHBOARD_RECORDS_PER_POLL_MAX);
    for (let i = 0; i < count; i++) applyRecord(this.state, records[i]!);
    if (count > 0) this.dirty = true;
  }

  /** Ask the NameNode and the pid files; re-run fsck when the namespace changed. */
  async poll(): Promise<void> {
    if (this.polling || this.closed) return;
    this.polling = true;
    try {
      const sources = this.options.sources;
      applyProcesses(this.state, sources.runningProcesses());
      applyStatus(this.state, await sources.pollStatus());
      if (this.state.namespaceDirty && this.state.namenodeReachable) {
        const fsck = await sources.pollNamespace();
        if (fsck) applyNamespace(this.state, fsck);
      }
      this.dirty = true;
    } finally {
      this.polling = false;
    }
  }

  /** Draw now if something changed, or once a second for the pulses, ages and charts. */
  draw(force = false): void {
    if (this.closed) return;
    const nowMs = this.now();
    const second = Math.floor(nowMs / 1000);
    if (!force && !this.dirty && second === this.lastDrawnSecond) return;
    this.dirty = false;
    this.lastDrawnSecond = second;
    this.view.render(this.state, nowMs, this.prompt);
  }

  onKey(ch: string | undefined, key: { name?: string; full?: string } | undefined): void {
    if (this.prompt) {
      this.onPromptKey(ch, key);
    } else {
      const named =
        key?.name && ['tab', 'up', 'down', 'escape', 'enter'].includes(key.name) ? key.name : undefined;
      const name = key?.full === 'C-c' ? 'q' : (named ?? ch ?? key?.full ?? '');
      const action = handleKey(this.state, name);
      if (action) this.run(action);
    }
    this.dirty = true;
    this.draw();
  }

  private onPromptKey(ch: string | undefined, key: { name?: string; full?: string } | undefined): void {
    const prompt = this.prompt!;
    if (key?.name === 'escape') {
      this.prompt = null;
      return;
    }
    if (prompt.kind === 'quit') {
      if (ch === 's' || ch === 'l') {
        this.prompt = null;
        this.resolveQuit(ch === 's' ? 'stop' : 'leave');
      } else if (key?.full === 'C-c') {
        this.prompt = null;
        this.resolveQuit('leave');
      }
      return;
    }
    if (key?.name === 'enter' || key?.name === 'return') {
      this.state.filter = prompt.text.trim();
      this.state.message = this.state.filter
        ? `traffic filter: ${this.state.filter}`
        : 'traffic filter cleared';
      this.prompt = null;
    } else if (key?.name === 'backspace') {
      prompt.text = prompt.text.slice(0, -1);
    } else if (ch && ch >= ' ' && ch.length === 1) {
      prompt.text += ch;
    }
  }

  private run(action: DashboardAction): void {
    if (action.type === 'filter-prompt') {
      this.prompt = {
        kind: 'filter',
        label: 'filter (rpc, data, http, heartbeat, event or text; Enter applies, empty clears):',
        text: this.state.filter,
      };
      return;
    }
    if (action.type === 'quit-prompt') {
      this.prompt = {
        kind: 'quit',
        label: 'Quit: s = stop the cluster, l = leave it running, Esc = stay',
        text: '',
      };
      return;
    }
    if (this.busy) {
      this.state.message = `busy: ${this.busy} (wait for it to finish)`;
      return;
    }
    this.busy = action.type;
    this.state.message = `${action.type}${'node' in action ? ` ${action.node}` : ''}…`;
    this.options.sources
      .act(action)
      .then(
        (line) => (this.state.message = line),
        (error: unknown) => (this.state.message = `${action.type} failed: ${(error as Error).message}`),
      )
      .finally(() => {
        this.busy = null;
        this.state.namespaceDirty = true;
        this.dirty = true;
      });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.view.destroy();
    releaseInput(this.options.input);
    this.options.sources.close();
  }
}

/** The dashboard's NameNode connection: one persistent RPC client, reconnected after a failure. */
class NamenodePoller {
  private client: RpcClient | null = null;
  private readonly journal = new Journal(null, DASHBOARD_CLIENT_ID);

  constructor(private readonly description: ClusterDescription) {}

  async ask<T>(talk: (client: RpcClient) => Promise<T>): Promise<T | undefined> {
    try {
      this.client ??= await RpcClient.connect({
        host: this.description.namenode.host,
        port: this.description.namenode.port,
        selfId: DASHBOARD_CLIENT_ID,
        peerId: 'nn',
        journal: this.journal,
        timeoutMs: STATUS_POLL_MS * 2,
        ...(this.description.loopbackAliases ? { localAddress: this.description.client.host } : {}),
      });
      return await talk(this.client);
    } catch {
      // Not up, gone, or slow: the panes say "not answering"; the next poll reconnects.
      this.client?.close();
      this.client = null;
      return undefined;
    }
  }

  close(): void {
    this.client?.close();
    this.client = null;
  }
}

/**
 * What the dashboard did to the cluster, as the `lab` command that does the same (its argv after
 * `lab`), for the runner's record of what a student ran (lab/answers/command-log.ts): `lab grade`
 * replays a kill, a restart, a corruption, an upload or a checkpoint made with a key as it replays
 * the command.
 */
export type ActionRecorder = (argv: string[]) => void;

/**
 * The `lab` command a dashboard action stands for; an upload's needs the file it sent (`local`,
 * while it still exists: the record keeps its size).
 */
export function actionCommand(
  action: Exclude<DashboardAction, { type: 'filter-prompt' | 'quit-prompt' }>,
  upload?: { local: string; target: string },
): string[] | undefined {
  switch (action.type) {
    case 'kill':
    case 'restart':
      return [action.type, action.node];
    case 'corrupt':
      return ['corrupt', action.path, '--block', String(action.blockIndex), '--replica', action.datanode];
    case 'checkpoint':
      return ['checkpoint'];
    case 'put-sample':
      return upload ? ['fs', '-put', upload.local, upload.target] : undefined;
  }
}

/** The real sources of a running cluster in `home`; `record` hears each change the keys made. */
export function clusterSources(home: string, record: ActionRecorder = () => {}): DashboardSources {
  const description = requireDescription(home);
  const tail = new JournalTail(homePaths(home).journal, { backBytes: DASHBOARD_ATTACH_JOURNAL_BYTES });
  const namenode = new NamenodePoller(description);
  // Status from /jmx and the namespace from /fsck, as a monitoring tool reads them over HTTP.
  const target = { home, description };
  const http = { selfId: DASHBOARD_CLIENT_ID, timeoutMs: STATUS_POLL_MS * 2 };
  let samples = 0;
  return {
    description,
    readRecords: () => tail.read(),
    pollStatus: () =>
      namenode.ask(async (client) => ({
        status: await fetchNamenodeStatus(target, http),
        datanodes: await labDatanodeReport(client, { description, home }),
      })),
    pollNamespace: () => namenode.ask(() => fetchBlockMap(target, '/', http)),
    runningProcesses: () => new Set(inspectHome(home).running.map((entry) => entry.id)),
    act: async (action) => {
      switch (action.type) {
        case 'kill': {
          const result = await killNode(home, action.node);
          if (result.outcome === 'not running') return `${action.node}: not running`;
          record(actionCommand(action)!);
          return `${action.node}: killed (pid ${result.pid}); the NameNode notices when its heartbeats stop`;
        }
        case 'restart': {
          const result = await restartNode(home, action.node);
          record(actionCommand(action)!);
          return `${action.node}: restarted (pid ${result.pid})`;
        }
        case 'checkpoint': {
          if (!description.secondary) return 'checkpoint: this cluster runs no Secondary NameNode';
          const result = await requestCheckpoint(description);
          record(actionCommand(action)!);
          return checkpointDoneLine(result);
        }
        case 'put-sample':
          return putSample(home, ++samples, (upload) => record(actionCommand(action, upload)!));
        case 'corrupt': {
          const done = await namenode.ask((client) =>
            corruptReplica({
              home,
              description,
              namenode: client,
              request: { path: action.path, block: action.blockIndex, replica: action.datanode },
            }),
          );
          if (done) record(actionCommand(action)!);
          return done
            ? `corrupt: wrote BADBAD into ${done.block} on ${done.datanode} at offset ${done.offset}; a read or the block scanner will find it`
            : 'corrupt: the NameNode is not answering';
        }
      }
    },
    close: () => namenode.close(),
  };
}

async function putSample(
  home: string,
  n: number,
  uploaded: (upload: { local: string; target: string }) => void,
): Promise<string> {
  const client = await DFSClient.connect({ home, warn: () => {} });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-sample-'));
  try {
    const bytes = Math.min(
      SAMPLE_BYTES_MAX,
      Math.round(client.config.bytes('dfs.blocksize') * SAMPLE_BLOCKS),
    );
    const line = 'hdfs-lab sample: the quick brown fox jumps over the lazy DataNode\n';
    const local = path.join(dir, `sample-${n}.txt`);
    fs.writeFileSync(local, line.repeat(Math.ceil(bytes / line.length)).slice(0, bytes));
    const target = `/samples/sample-${process.pid}-${n}.txt`;
    const result = await client.putFile(local, target);
    // Before the local file goes: the record keeps its size.
    uploaded({ local, target });
    return `put ${result.path} (${result.bytes} bytes): see its blocks in the namespace pane`;
  } finally {
    await client.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface RunDashboardOptions {
  home: string;
  /** Called after the screen is gone with the user's choice; the caller stops the cluster on 'stop'. */
  onQuit?: (choice: QuitChoice) => void | Promise<void>;
  input?: Readable;
  output?: Writable;
  /** Hears each change made with a key, as the `lab` command that does the same. */
  record?: ActionRecorder;
}

/** Attach the dashboard to the cluster in `home` until the user quits; resolves with the choice. */
export async function runDashboard(options: RunDashboardOptions): Promise<QuitChoice> {
  const dashboard = new Dashboard({
    sources: clusterSources(options.home, options.record),
    input: options.input ?? process.stdin,
    output: options.output ?? process.stdout,
  });
  const choice = await dashboard.quit;
  dashboard.close();
  await options.onQuit?.(choice);
  return choice;
}
