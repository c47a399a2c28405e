import { describe, expect, it } from 'vitest';
import type { FsckResult } from '../../cluster/namenode/fsck-report.js';
import type { ReportedDatanode } from '../../cluster/protocol/types.js';
import { checkpointDoneLine } from '../../lab/format/checkpoint.js';
import { handleKey } from '../../lab/tui/keys.js';
import { computeLayout, type Rect } from '../../lab/tui/layout.js';
import {
  escapeTags,
  namespaceLines,
  sparkline,
  statusLines,
  topologyLines,
  trafficLines,
} from '../../lab/tui/panes.js';
import { RateSeries, RingBuffer } from '../../lab/tui/ring.js';
import {
  applyNamespace,
  applyRecord,
  applyStatus,
  createDashboardState,
  highlightedNodes,
  visibleTraffic,
} from '../../lab/tui/state.js';
import { recordedJournal } from '../scenario/traffic/recorded.js';
import { T0_MS, threeDatanodes } from './journal-script.js';
import { DASHBOARD_TRAFFIC_ENTRIES_MAX } from '../../cluster/protocol/limits.js';

const untag = (line: string): string => line.replace(/\{[^}]*\}/g, '');

describe('RingBuffer', () => {
  it('keeps the last N items, oldest first', () => {
    const ring = new RingBuffer<number>(3);
    for (let i = 1; i <= 5; i++) ring.push(i);
    expect(ring.toArray()).toEqual([3, 4, 5]);
    expect(ring.length).toBe(3);
    expect(ring.last(2)).toEqual([4, 5]);
    expect(ring.last(5, (n) => n % 2 === 1)).toEqual([3, 5]);
  });
});

describe('RateSeries', () => {
  it('sums per second over a sliding window and forgets what slid out', () => {
    const rates = new RateSeries(4);
    rates.add(10_100, 5);
    rates.add(10_900, 5);
    rates.add(12_000, 7);
    expect(rates.series(13_500)).toEqual([10, 0, 7, 0]);
    expect(rates.series(15_000)).toEqual([7, 0, 0, 0]);
    rates.add(14_000, 1); // reuses the bucket of second 10
    expect(rates.series(14_000)).toEqual([0, 7, 0, 1]);
  });
});

describe('computeLayout', () => {
  const overlaps = (a: Rect, b: Rect): boolean =>
    a.left < b.left + b.width &&
    b.left < a.left + a.width &&
    a.top < b.top + b.height &&
    b.top < a.top + a.height;

  for (const [cols, rows, dns] of [
    [80, 24, 3],
    [80, 24, 8],
    [120, 40, 4],
    [200, 60, 16],
  ] as const) {
    it(`tiles ${cols}×${rows} with ${dns} DataNodes: every pane inside, none overlapping, all rows used`, () => {
      const layout = computeLayout(cols, rows, dns);
      const rects = [...Object.values(layout.panes), layout.footer];
      for (const r of rects) {
        expect(r.left + r.width).toBeLessThanOrEqual(cols);
        expect(r.top + r.height).toBeLessThanOrEqual(rows);
        expect(r.height).toBeGreaterThanOrEqual(1);
      }
      for (let i = 0; i < rects.length; i++)
        for (let j = i + 1; j < rects.length; j++) expect(overlaps(rects[i]!, rects[j]!)).toBe(false);
      expect(rects.reduce((sum, r) => sum + r.width * r.height, 0)).toBe(cols * rows);
      expect(layout.panes.traffic.height).toBeGreaterThanOrEqual(5);
    });
  }
});

describe('the state model', () => {
  it('shows each frame once, heartbeats hidden until filtered for', () => {
    const state = createDashboardState(threeDatanodes());
    for (const r of recordedJournal()) applyRecord(state, r);
    const shown = visibleTraffic(state, 10_000);
    expect(
      shown.some(
        (e) =>
          e.text === 'client->nn create src=/a.txt._COPYING_ replication=2 blockSize=1048576 overwrite=true',
      ),
    ).toBe(true);
    expect(shown.some((e) => e.kind === 'heartbeat')).toBe(false);
    state.filter = 'heartbeat';
    expect(visibleTraffic(state, 10_000).every((e) => e.kind === 'heartbeat')).toBe(true);
    expect(visibleTraffic(state, 10_000).length).toBeGreaterThan(0);
  });

  it('shows a run of packets or acks of one block over one hop as one line that counts them', () => {
    const state = createDashboardState(threeDatanodes());
    const records = recordedJournal();
    for (const r of records) applyRecord(state, r);
    const shown = visibleTraffic(state, 10_000).map((e) => e.text);
    // Every hop and block that carried packets, counted from the journal's send-side records.
    const runs = new Map<string, number>();
    for (const r of records) {
      if (r.k !== 'frame' || r.dir !== 'send' || r.msg.type !== 'packet') continue;
      const key = `${r.src}->${r.dst} packets ${r.msg.block}`;
      runs.set(key, (runs.get(key) ?? 0) + 1);
    }
    expect(runs.size).toBeGreaterThan(0);
    for (const [key, count] of runs) {
      const lines = shown.filter(
        (t) => t.startsWith(key) || t.startsWith(key.replace(' packets ', ' packet ')),
      );
      expect(lines).toHaveLength(1);
      if (count > 1) expect(lines[0]).toContain(`\u00d7${count},`);
    }
  });

  it('scrolls back through the lines kept (pausing there) and forward again to the live view', () => {
    const state = createDashboardState(threeDatanodes());
    for (const r of recordedJournal()) applyRecord(state, r);
    const newest = visibleTraffic(state, 4);
    handleKey(state, 'pageup');
    expect(state.frozen).not.toBeNull();
    const back = visibleTraffic(state, 4);
    expect(back).not.toEqual(newest);
    expect(untag(trafficLines(state, 80, 5)[0]!)).toContain('BACK');
    handleKey(state, 'pagedown');
    expect(state.frozen).toBeNull();
    expect(visibleTraffic(state, 4)).toEqual(newest);
  });

  it('bounds the traffic it keeps', () => {
    const state = createDashboardState(threeDatanodes());
    const records = recordedJournal();
    // Passes over the journal until it holds the most it keeps, then one more.
    for (let i = 0; i < 40 && state.traffic.length < DASHBOARD_TRAFFIC_ENTRIES_MAX; i++)
      for (const r of records) applyRecord(state, r);
    for (const r of records) applyRecord(state, r);
    expect(state.traffic.length).toBe(DASHBOARD_TRAFFIC_ENTRIES_MAX);
  });

  it('counts block bytes per DataNode per second and beats the pulse on heartbeats', () => {
    const state = createDashboardState(threeDatanodes());
    const records = recordedJournal().filter((r) => r.op === 'put-9037-1');
    for (const r of records) applyRecord(state, r);
    const lastMs = records.at(-1)!.t;
    const total = (id: string): number =>
      state.rates
        .get(id)!
        .series(lastMs + 1000)
        .reduce((a, b) => a + b, 0);
    // Both blocks went client -> dn3 -> dn1: dn3 took the file in and sent it on, dn1 took it in.
    expect(total('dn3')).toBe(2 * 1572864);
    expect(total('dn1')).toBe(1572864);
    expect(total('dn2')).toBe(0);
    const beat = recordedJournal().find(
      (r) =>
        r.k === 'frame' && r.proc === 'dn1' && r.msg.type === 'rpc-call' && r.msg.method === 'sendHeartbeat',
    )!;
    applyRecord(state, beat);
    const lines = topologyLines(state, 60, beat.t + 100).map(untag);
    expect(lines.find((l) => l.includes('dn1'))).toContain('♥');
    expect(lines.find((l) => l.includes('dn2'))).not.toContain('♥');
  });

  it('takes DataNode states from events and the NameNode report', () => {
    const state = createDashboardState(threeDatanodes());
    applyRecord(state, {
      k: 'event',
      t: 1,
      proc: 'nn',
      event: { type: 'datanode-dead', datanode: 'dn2', lastHeartbeatAgoMs: 15000 },
    });
    expect(state.nodes.find((n) => n.id === 'dn2')!.state).toBe('dead');
    expect(state.namespaceDirty).toBe(true);
    const info = { name: 'dn2', liveness: 'live', adminState: 'NORMAL', lastUpdate: 5 } as ReportedDatanode;
    applyStatus(state, { status: {} as never, datanodes: [info] });
    expect(state.nodes.find((n) => n.id === 'dn2')!.state).toBe('live');
    applyStatus(state, undefined);
    expect(state.namenodeReachable).toBe(false);
  });

  it("shows a DataNode's admin state as the NameNode's journal and report give it (Decommission in progress, Decommissioned, maintenance)", () => {
    const state = createDashboardState(threeDatanodes());
    const line = (id: string): string =>
      topologyLines(state, 80, T0_MS)
        .map(untag)
        .find((l) => l.includes(id))!;
    applyRecord(state, {
      k: 'event',
      t: 1,
      proc: 'nn',
      event: { type: 'datanode-admin-state', datanode: 'dn3', adminState: 'DECOMMISSION_INPROGRESS' },
    });
    expect(line('dn3')).toContain('dn3  decommissioning');
    const report = (adminState: ReportedDatanode['adminState'], liveness = 'live') =>
      ({ name: 'dn3', liveness, adminState, lastUpdate: 5 }) as ReportedDatanode;
    applyStatus(state, { status: {} as never, datanodes: [report('DECOMMISSIONED')] });
    expect(line('dn3')).toContain('dn3  decommissioned');
    applyStatus(state, { status: {} as never, datanodes: [report('ENTERING_MAINTENANCE')] });
    expect(line('dn3')).toContain('dn3  entering maintenance');
    // In maintenance it is shown so even once stopped: its replicas still count.
    applyStatus(state, { status: {} as never, datanodes: [report('IN_MAINTENANCE', 'dead')] });
    expect(line('dn3')).toContain('dn3  in maintenance');
  });

  it('says why the NameNode is in safe mode, from the first sentence of its tip', () => {
    const state = createDashboardState(threeDatanodes());
    const status = (tip: string) =>
      ({
        safemode: { on: tip !== '', manual: false, tip },
        lastTxid: 42,
        lastCheckpointMs: 0,
        live: 3,
        stale: 0,
        dead: 0,
        blocks: 1,
        underReplicated: 0,
        corruptBlocks: 0,
        missingBlocks: 0,
      }) as never;
    // FSNamesystem's tip on a full disk (NameNodeResourceChecker found a volume below its reserve).
    applyStatus(state, {
      status: status(
        'Resources are low on NN. Please add or free up more resources then turn off safe mode manually. ' +
          'NOTE:  If you turn off safe mode before adding resources, the NN will immediately return to safe mode.',
      ),
      datanodes: [],
    });
    expect(untag(statusLines(state, 120, 0)[0]!)).toMatch(
      /^safemode ON \(Resources are low on NN\.\) {2}txid 42/,
    );
    applyStatus(state, { status: status(''), datanodes: [] });
    expect(untag(statusLines(state, 120, 0)[0]!)).toMatch(/^safemode OFF {2}txid 42/);
  });

  it('highlights the DataNodes holding replicas of the selected file, keeping the selection across refreshes', () => {
    const state = createDashboardState(threeDatanodes());
    const replica = (name: string) => ({ name, addr: '', storageId: '', rack: '' });
    const fsck: FsckResult = {
      exists: true,
      numDatanodes: 3,
      numRacks: 2,
      defaultReplication: 2,
      blockPoolId: 'BP',
      files: [
        { path: '/', isDir: true, length: 0, replication: 0, underConstruction: false, blocks: [] },
        {
          path: '/b.txt',
          isDir: false,
          length: 10,
          replication: 2,
          underConstruction: false,
          blocks: [
            {
              block: { blockId: 2, genStamp: 1, numBytes: 10 },
              live: [replica('dn3'), replica('dn1')],
              corrupt: [],
              misReplicated: false,
            },
          ],
        },
        {
          path: '/a.txt',
          isDir: false,
          length: 10,
          replication: 2,
          underConstruction: false,
          blocks: [
            {
              block: { blockId: 1, genStamp: 1, numBytes: 10 },
              live: [replica('dn2')],
              corrupt: [replica('dn1')],
              misReplicated: false,
            },
          ],
        },
      ],
    };
    applyNamespace(state, fsck);
    expect(state.files.map((f) => f.path)).toEqual(['/', '/a.txt', '/b.txt']);
    state.selectedFile = 2;
    expect([...highlightedNodes(state)].sort()).toEqual(['dn1', 'dn3']);
    // What web-side's dashboard question has the student read: the size under the tree, each block
    // with its DataNodes, and the ◆ on those DataNodes in the topology pane.
    const pane = namespaceLines(state, 80, 10).map(untag);
    expect(pane.slice(-2)).toEqual(['/b.txt  10 B  repl 2', ' blk_2_1 [dn1 dn3]']);
    const marked = topologyLines(state, 60, 0)
      .map(untag)
      .filter((l) => l.includes('◆'))
      .map((l) => /◆(dn\d+)/.exec(l)?.[1]);
    expect(marked.sort()).toEqual(['dn1', 'dn3']);
    applyNamespace(state, { ...fsck, files: [fsck.files[1]!, fsck.files[0]!] });
    expect(state.files[state.selectedFile]!.path).toBe('/b.txt');
    state.selectedFile = 1;
    applyNamespace(state, fsck);
    expect(state.files[1]!.blocks[0]).toMatchObject({
      replicas: ['dn2'],
      corrupt: ['dn1'],
      underReplicated: true,
    });
  });
});

describe('keys', () => {
  it('act on the selected node, or say how to select one', () => {
    const state = createDashboardState(threeDatanodes());
    state.focus = 'files';
    expect(handleKey(state, 'k')).toBeNull();
    expect(state.message).toMatch(/select a node/);
    handleKey(state, 'tab');
    handleKey(state, 'down');
    handleKey(state, 'down');
    expect(handleKey(state, 'k')).toEqual({ type: 'kill', node: 'dn1' });
    expect(handleKey(state, 'r')).toEqual({ type: 'restart', node: 'dn1' });
  });

  it('toggle help (any key closes it) and pause, and ask for the prompts', () => {
    const state = createDashboardState(threeDatanodes());
    handleKey(state, '?');
    expect(state.helpVisible).toBe(true);
    expect(handleKey(state, 'q')).toBeNull();
    expect(state.helpVisible).toBe(false);
    handleKey(state, 'p');
    expect(state.frozen).not.toBeNull();
    expect(untag(trafficLines(state, 60, 5)[0]!)).toContain('PAUSED');
    handleKey(state, 'p');
    expect(state.frozen).toBeNull();
    expect(handleKey(state, 'f')).toEqual({ type: 'filter-prompt' });
    expect(handleKey(state, 'q')).toEqual({ type: 'quit-prompt' });
    expect(handleKey(state, 'C')).toEqual({ type: 'checkpoint' });
    expect(handleKey(state, 'u')).toEqual({ type: 'put-sample' });
  });
});

describe('pane text', () => {
  it("says the C key's checkpoint in words, as `lab checkpoint` does, not as the Secondary's JSON", () => {
    const line = checkpointDoneLine({
      reason: 'forced',
      txid: 42,
      imageFile: 'fsimage_0000000000000000042',
      imageBytes: 1234,
      fromImageTxid: 0,
      imageDownloaded: true,
      segmentsDownloaded: ['edits_0000000000000000001-0000000000000000042'],
      rolledSegment: 'edits_0000000000000000001-0000000000000000042',
      durationMs: 80,
      opId: 'checkpoint-1',
    });
    expect(line).toBe('Checkpoint done at txid 42: fsimage_0000000000000000042 (1234 bytes) in 80 ms.');
  });

  it('escapes braces so cluster text is never read as blessed tags', () => {
    expect(escapeTags('{"a":1}')).toBe('{open}"a":1{close}');
  });

  it('draws sparklines scaled to their maximum', () => {
    expect(sparkline([0, 0, 0])).toBe('▁▁▁');
    expect(sparkline([0, 50, 100])).toBe('▁▄█');
  });
});
