/**
 * The dashboard drawn into a headless terminal (@xterm/headless): blessed writes its escape
 * sequences to a fake TTY stream that feeds the terminal, and the tests read the terminal's
 * screen as a user would see it. The cluster is faked with synthetic journal records and NameNode
 * answers; test/e2e/tui-pty.test.ts runs the real `lab tui` against a real cluster.
 */
import { PassThrough, Writable } from 'node:stream';
import xterm from '@xterm/headless';
import { afterEach, describe, expect, it } from 'vitest';
import type { FsckResult } from '../../cluster/namenode/fsck-report.js';
import type { NameNodeStatus } from '../../cluster/namenode/jmx.js';
import type { JournalRecord } from '../../cluster/protocol/journal-types.js';
import type { ReportedDatanode } from '../../cluster/protocol/types.js';
import { Dashboard, type DashboardSources } from '../../lab/tui/dashboard.js';
import type { DashboardAction } from '../../lab/tui/keys.js';
import { waitFor } from '../integration/wait-for.js';
import { recordedJournal } from '../scenario/traffic/recorded.js';
import { T0_MS, threeDatanodes } from '../unit/journal-script.js';

/** A writable that looks like a TTY to blessed and passes everything to the headless terminal. */
class TerminalStream extends Writable {
  isTTY = true;
  constructor(
    readonly term: xterm.Terminal,
    public columns: number,
    public rows: number,
  ) {
    super();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    this.term.write(chunk, done);
  }
  resize(columns: number, rows: number): void {
    this.columns = columns;
    this.rows = rows;
    this.term.resize(columns, rows);
    this.emit('resize');
  }
}

const replica = (name: string) => ({ name, addr: '', storageId: '', rack: '' });
const FSCK: FsckResult = {
  exists: true,
  numDatanodes: 3,
  numRacks: 2,
  defaultReplication: 2,
  blockPoolId: 'BP-1',
  files: [
    { path: '/', isDir: true, length: 0, replication: 0, underConstruction: false, blocks: [] },
    {
      path: '/a.txt',
      isDir: false,
      length: 1572864,
      replication: 2,
      underConstruction: false,
      blocks: [
        {
          block: { blockId: 1073741825, genStamp: 1001, numBytes: 1048576 },
          live: [replica('dn1'), replica('dn2')],
          corrupt: [],
          misReplicated: false,
        },
      ],
    },
  ],
};

function status(dead: number): NameNodeStatus {
  return {
    safemode: { on: false, manual: false, tip: '' },
    lastTxid: 7,
    lastCheckpointTxid: 0,
    lastCheckpointMs: 0,
    clusterId: 'CID',
    blockPoolId: 'BP-1',
    live: 3 - dead,
    dead,
    stale: 0,
    blocks: 2,
    underReplicated: 0,
    corruptBlocks: 0,
    missingBlocks: 0,
    pendingDeletion: 0,
    capacity: 0,
    dfsUsed: 0,
    remaining: 0,
  };
}

interface Harness {
  dashboard: Dashboard;
  term: xterm.Terminal;
  tty: TerminalStream;
  input: PassThrough;
  feed: (records: JournalRecord[]) => void;
  actions: DashboardAction[];
  fsck: { value: FsckResult | undefined };
  screen: () => Promise<string>;
}

let open: Harness | undefined;
afterEach(() => {
  open?.dashboard.close();
  open = undefined;
});

function harness(columns = 80, rows = 24): Harness {
  const term = new xterm.Terminal({ cols: columns, rows, allowProposedApi: true });
  const tty = new TerminalStream(term, columns, rows);
  const input = new PassThrough();
  const queue: JournalRecord[] = [];
  const actions: DashboardAction[] = [];
  const fsck = { value: undefined as FsckResult | undefined };
  const datanodes = (): ReportedDatanode[] =>
    threeDatanodes().datanodes.map(
      (d) =>
        ({
          name: d.id,
          ipAddr: d.host,
          xferPort: d.port,
          networkLocation: d.rack,
          capacity: 1 << 30,
          dfsUsed: 1 << 20,
          numBlocks: 1,
          lastUpdate: T0_MS,
          adminState: 'NORMAL',
          liveness: dashboard.state.nodes.find((n) => n.id === d.id)!.state === 'dead' ? 'dead' : 'live',
        }) as ReportedDatanode,
    );
  const sources: DashboardSources = {
    description: threeDatanodes(),
    readRecords: () => queue.splice(0),
    pollStatus: async () => ({ status: status(0), datanodes: datanodes() }),
    pollNamespace: async () => fsck.value,
    runningProcesses: () => new Set(['nn', 'snn', 'dn1', 'dn2', 'dn3']),
    act: async (action) => {
      actions.push(action);
      return `${action.type} done`;
    },
    close: () => {},
  };
  const dashboard = new Dashboard({ sources, input, output: tty, manual: true, now: () => T0_MS + 500 });
  const h: Harness = {
    dashboard,
    term,
    tty,
    input,
    actions,
    fsck,
    feed: (records) => {
      queue.push(...records);
      dashboard.tick();
    },
    screen: async () => {
      // blessed buffers its output and flushes it on the next tick; let that happen, then wait
      // until the terminal has parsed everything written so far.
      await new Promise<void>((resolve) => setImmediate(resolve));
      await new Promise<void>((resolve) => term.write('', resolve));
      const lines: string[] = [];
      for (let i = 0; i < term.rows; i++)
        lines.push(term.buffer.active.getLine(i)?.translateToString(true) ?? '');
      return lines.join('\n');
    },
  };
  open = h;
  return h;
}

const key = (h: Harness, ch: string, name?: string): void =>
  h.dashboard.onKey(ch, { name: name ?? ch, full: name ?? ch });

/** The screen once it shows `text` (blessed draws on a later tick than the key or record that changed it). */
function untilScreen(h: Harness, text: string): Promise<string> {
  return waitFor(
    `"${text}" on the screen`,
    async () => {
      const screen = await h.screen();
      return screen.includes(text) ? screen : undefined;
    },
    { deadlineMs: 5_000, intervalMs: 0, lastSeen: () => h.screen() },
  );
}

describe('the dashboard in a headless 80×24 terminal', () => {
  it('draws every pane', async () => {
    const h = harness();
    await h.dashboard.poll();
    h.dashboard.draw(true);
    const screen = await h.screen();
    for (const title of [
      'topology',
      'namespace & blocks',
      'NameNode',
      'traffic',
      'DataNodes',
      'bytes/s per DataNode',
    ]) {
      expect(screen).toContain(title);
    }
    expect(screen).toContain('safemode OFF');
    expect(screen).toMatch(/dn3 +live/);
    expect(screen).toContain('/rack2');
    expect(screen.split('\n')[23]).toContain('? help');
  });

  it('shows a put in the traffic pane and, after fsck, in the namespace tree', async () => {
    const h = harness();
    h.fsck.value = FSCK;
    h.feed(recordedJournal().filter((r) => r.op === 'put-9037-1'));
    await h.dashboard.poll();
    h.dashboard.draw(true);
    const screen = await h.screen();
    expect(screen).toContain('client->nn rename src=/a.txt');
    expect(screen).toContain('a.txt');
  });

  it('selecting a file shows its blocks and marks its replicas in the topology', async () => {
    const h = harness();
    h.fsck.value = FSCK;
    await h.dashboard.poll();
    key(h, '\t', 'tab');
    key(h, '', 'down');
    // blessed flushes its output asynchronously: wait for the frame that shows the selection.
    const screen = await untilScreen(h, 'blk_1073741825_1001 [dn1 dn2]');
    expect(screen).toContain('blk_1073741825_1001 [dn1 dn2]');
    expect(screen).toMatch(/◆dn1/);
    expect(screen).toMatch(/◆dn2/);
    expect(screen).not.toMatch(/◆dn3/);
  });

  it('turns a killed DataNode dead when the NameNode says so, and k asks to kill the selected node', async () => {
    const h = harness();
    await h.dashboard.poll();
    for (let i = 0; i < 3; i++) key(h, '', 'down'); // nn, snn, dn1, dn2
    key(h, 'k');
    expect(h.actions).toEqual([{ type: 'kill', node: 'dn2' }]);
    h.feed([
      {
        k: 'event',
        t: T0_MS,
        proc: 'nn',
        event: { type: 'datanode-dead', datanode: 'dn2', lastHeartbeatAgoMs: 14500 },
      },
    ]);
    const screen = await untilScreen(h, 'dn2 dead');
    expect(screen).toMatch(/dn2 +dead/);
    expect(screen).toContain('nn: dn2 dead (last heartbeat 14.5 s');
  });

  it('keys: ? help, p pause, f filter, q asks stop or leave', async () => {
    const h = harness();
    key(h, '?');
    expect(await h.screen()).toContain('hdfs-lab dashboard keys');
    key(h, 'x');
    expect(await h.screen()).not.toContain('hdfs-lab dashboard keys');
    key(h, 'p');
    expect(await h.screen()).toContain('PAUSED');
    h.feed(recordedJournal().filter((r) => r.op === 'get-9186-1'));
    expect(await h.screen()).not.toContain('getBlockLocations');
    key(h, 'p');
    key(h, 'f');
    for (const ch of 'readBlock') key(h, ch);
    key(h, '\r', 'enter');
    const filtered = await h.screen();
    expect(filtered).toContain('filter: readBlock');
    expect(filtered).toContain('client->dn1 readBlock blk_10737418');
    expect(filtered).not.toContain('getBlockLocations');
    key(h, 'q');
    expect(await h.screen()).toContain('s = stop the cluster, l = leave it running');
    key(h, 'l');
    await expect(h.dashboard.quit).resolves.toBe('leave');
  });

  it('reads keys typed on its input stream', async () => {
    const h = harness();
    h.input.write('?');
    expect(await untilScreen(h, 'hdfs-lab dashboard keys')).toContain('hdfs-lab dashboard keys');
  });

  it('lays itself out again on resize', async () => {
    const h = harness();
    await h.dashboard.poll();
    h.tty.resize(132, 40);
    const screen = await untilScreen(h, 'bytes/s per DataNode, last minute');
    const lines = screen.split('\n');
    expect(lines).toHaveLength(40);
    expect(lines[39]).toContain('? help');
    expect(lines[0]!.length).toBeGreaterThan(100);
    expect(screen).toContain('bytes/s per DataNode, last minute');
  });
});
