/**
 * The journal's causal order (cluster/transport/journal-order.ts) on journals whose processes'
 * clocks disagree: each process stamps its records with its own clock, and merged by stamp a reply
 * can come before its call or a DataNode's forwarded WRITE_BLOCK before the client's. The skewed
 * journals are the builder's (or the recorded run's) with one process's stamps moved, merged by
 * stamp as the reader merges segments; each reader of the journal is checked on one.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { describeRecord } from '../../cluster/protocol/registry/describe.js';
import type { JournalRecord } from '../../cluster/protocol/journal-types.js';
import { causalOrder } from '../../cluster/transport/journal-order.js';
import { readJournal } from '../../cluster/transport/journal-reader.js';
import { JOURNAL_CLOCK_SKEW_MAX_MS } from '../../cluster/protocol/limits.js';
import { copiesWithRacks } from '../../lab/checks/live-probes.js';
import { liveProbes } from '../../lab/checks/registry.js';
import { layoutSequence, renderSequenceText } from '../../lab/trace/diagram.js';
import { findOperation } from '../../lab/trace/operations.js';
import { JournalTail } from '../../lab/traffic/tail.js';
import { recordedJournal } from '../scenario/traffic/recorded.js';
import { captureOutput, labInProcess } from './lab-in-process.js';
import { JournalScript, skewed } from './journal-script.js';

const lines = (records: readonly JournalRecord[]): string[] =>
  records.filter((r) => r.k === 'event' || r.dir === 'send').map((r) => describeRecord(r));

const BLOCK = { blockId: 1073741825, genStamp: 1001 };

describe('causalOrder', () => {
  it('puts an RPC call before its reply when the NameNode stamps 5 ms behind the client', () => {
    const journal = new JournalScript().rpc(
      'client',
      'nn',
      'mkdirs',
      { src: '/a' },
      { result: true },
    ).records;
    const byStamp = skewed(journal, 'nn', -5);
    // By the stamps alone, the NameNode received and answered the call before it was sent.
    expect(byStamp.map((r) => `${r.proc} ${r.k === 'frame' ? r.dir : ''}`)).toEqual([
      'nn recv',
      'nn send',
      'client send',
      'client recv',
    ]);
    const ordered = causalOrder(byStamp);
    expect(ordered.map((r) => `${r.proc} ${r.k === 'frame' ? r.dir : ''}`)).toEqual([
      'client send',
      'nn recv',
      'nn send',
      'client recv',
    ]);
    // Stamps are kept as written.
    expect(ordered.map((r) => r.t).sort()).toEqual(byStamp.map((r) => r.t).sort());
  });

  it("puts the client's WRITE_BLOCK before dn1's forward and each ack after its packet when dn1 and dn2 stamp behind", () => {
    const journal = new JournalScript().writeBlock(['client', 'dn1', 'dn2'], BLOCK, 100_000, {
      op: 'put-1',
    }).records;
    const byStamp = skewed(skewed(journal, 'dn1', -3), 'dn2', -6);
    const expected = lines(journal);
    expect(lines(byStamp)).not.toEqual(expected);
    expect(lines(causalOrder(byStamp))).toEqual(expected);
  });

  it('follows the stamps where nothing is skewed', () => {
    const journal = new JournalScript()
      .rpc('client', 'nn', 'addBlock', { src: '/a' }, {})
      .writeBlock(['client', 'dn1', 'dn2'], BLOCK, 70_000, { op: 'put-1' })
      .heartbeat('dn3').records;
    expect(causalOrder(journal)).toEqual(journal);
  });

  it('keeps stamp order where a pairing would move a record further than the clocks can disagree', () => {
    // The same connection's address pair used again later (a new call with callId 1): the NameNode's
    // second receive pairs with no earlier send, and the later send is too late to be its cause.
    const first = new JournalScript().rpc('client', 'nn', 'mkdirs', { src: '/a' }, {}).records;
    const lost = first.filter((r) => !(r.proc === 'client' && r.k === 'frame' && r.dir === 'send'));
    const later = first
      .filter((r) => r.proc === 'client' && r.k === 'frame' && r.dir === 'send')
      .map((r) => ({ ...r, t: r.t + JOURNAL_CLOCK_SKEW_MAX_MS + 5_000 }));
    const byStamp = [...lost, ...later].sort((a, b) => a.t - b.t);
    expect(causalOrder(byStamp)).toEqual(byStamp);
  });
});

describe('readers of a journal whose processes disagree on the time', () => {
  let home: string;
  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-order-'));
    fs.mkdirSync(path.join(home, 'journal'));
  });
  afterEach(() => {
    vi.restoreAllMocks();
    fs.rmSync(home, { recursive: true, force: true });
  });

  /** Each process's records in a segment of its own, as the runtime writes them. */
  function writeSegments(records: readonly JournalRecord[]): void {
    const byProc = new Map<string, JournalRecord[]>();
    for (const r of records) byProc.set(r.proc, [...(byProc.get(r.proc) ?? []), r]);
    let pid = 100;
    for (const [proc, list] of byProc) {
      const text = list.map((r) => JSON.stringify(r)).join('\n') + '\n';
      fs.writeFileSync(
        path.join(home, 'journal', `${proc}-${pid++}-000001-${Math.floor(list[0]!.t)}.jsonl`),
        text,
      );
    }
  }

  it('lab traffic prints a call before its reply when the NameNode stamps 5 ms behind the client', async () => {
    const s = new JournalScript();
    s.rpc('client', 'nn', 'mkdirs', { src: '/a' }, { result: true }, 'mkdir-1');
    writeSegments(skewed(s.records, 'nn', -5));
    const output = captureOutput();
    expect(await labInProcess(home, 'traffic')).toBe(0);
    const printed = output.stdout.join('').trim().split('\n');
    expect(printed.map((l) => l.split(': ')[1]?.split(',')[0])).toEqual(['mkdirs src=/a', 'mkdirsResponse']);
  });

  it("lab traffic --follow and the dashboard's tail release a call before its reply", () => {
    const s = new JournalScript();
    s.rpc('client', 'nn', 'mkdirs', { src: '/a' }, { result: true }, 'mkdir-1');
    const records = skewed(s.records, 'nn', -5);
    const tail = new JournalTail(path.join(home, 'journal'), { now: () => records.at(-1)!.t + 10_000 });
    writeSegments(records);
    const sent = tail.read().filter((r) => r.k === 'frame' && r.dir === 'send');
    expect(sent.map((r) => r.proc)).toEqual(['client', 'nn']);
  });

  it('lab trace rereplication keeps the copy when the source DataNode stamps 200 ms behind the NameNode', () => {
    // The recorded run: dn1 copies blk_1073741826_1002 to dn2 on the NameNode's DNA_TRANSFER.
    const records = causalOrder(skewed(recordedJournal(), 'dn1', -200));
    const text = renderSequenceText(layoutSequence(findOperation(records, { last: 'rereplication' })!));
    expect(text).toContain('DNA_TRANSFER blk_1073741826_1002 -> dn2]');
    expect(text).toContain('writeBlock blk_1073741826_1002 targets=[] stage=PIPELINE_SETUP_CREATE');
    // 8 packets of 128 chunks (BlockSender's transferTo packet) and the empty last one.
    expect(text).toContain('packets blk_1073741826_1002 ×9, 524288 bytes');
  });

  it("lab trace checkpoint keeps the NameNode's part of a checkpoint without ids when it stamps behind the Secondary NameNode", () => {
    const s = new JournalScript();
    s.rpc('snn', 'nn', 'rollEditLog', {}, { txid: 10 });
    s.event('nn', {
      type: 'edits-rolled',
      segment: 'edits_0000000000000000001-0000000000000000009',
      nextTxid: 10,
    });
    s.advance(5).event('nn', { type: 'checkpoint-done', txid: 9, imageBytes: 300 });
    const parts = (records: JournalRecord[]): string[] =>
      findOperation(records, { last: 'checkpoint' })!.records.map((r) => describeRecord(r));
    expect(parts(causalOrder(skewed(s.records, 'nn', -5)))).toEqual(parts(s.records));
    expect(parts(s.records)).toHaveLength(4);
  });

  it('journal.senders names the client before the DataNodes it passed the block to when they stamp behind it', async () => {
    const journal = new JournalScript().writeBlock(['client', 'dn1', 'dn2'], BLOCK, 70_000, {
      op: 'put-9-1',
    }).records;
    writeSegments(skewed(skewed(journal, 'dn1', -3), 'dn2', -6));
    const senders = await liveProbes(home).run('journal.senders', { op: 'put-9-1', type: 'dt-op' });
    expect(senders).toEqual({ status: 'ok', value: ['client', 'dn1'] });
  });

  it("block.copyRacks finds a copy whose target stamped its finalized replica before the NameNode's DNA_TRANSFER", () => {
    const block = { blockId: 1, genStamp: 1001, numBytes: 10 };
    const s = new JournalScript();
    for (const dn of ['dn1', 'dn2', 'dn3'])
      s.event(dn, { type: 'replica-finalized', block, datanode: dn, path: 'b' });
    s.event('nn', { type: 'datanode-dead', datanode: 'dn3', lastHeartbeatAgoMs: 14_000 });
    s.rpc(
      'dn1',
      'nn',
      'sendHeartbeat',
      {},
      {
        commands: [{ action: 'DNA_TRANSFER', block, targets: [{ name: 'dn4' }] }],
      },
    );
    s.writeBlock(['dn1', 'dn4'], { blockId: 1, genStamp: 1001 }, 10, { op: 'transfer-1' });
    s.event('dn4', { type: 'replica-finalized', block, datanode: 'dn4', path: 'b' });
    const racks = new Map([
      ['dn1', '/r1'],
      ['dn2', '/r1'],
      ['dn3', '/r2'],
      ['dn4', '/r3'],
    ]);
    const byStamp = skewed(s.records, 'dn4', -20);
    // Merged by stamp, dn4 finalized the copy before the NameNode asked for it: no copy found.
    expect(copiesWithRacks(byStamp, new Set([1]), racks)).toEqual([]);
    writeSegments(byStamp);
    expect(copiesWithRacks(readJournal(path.join(home, 'journal')), new Set([1]), racks)).toEqual([
      { blockId: 1, target: 'dn4', racks: ['/r1', '/r3'] },
    ]);
  });
});
