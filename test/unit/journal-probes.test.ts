/**
 * The journal probes the built-in pack's acks-heartbeats exercise checks with, on a scripted
 * journal: a write's blocks as its client saw them (packets sent, acks back, and how many acks had
 * come when it next called the NameNode) and the median interval of a DataNode's repeated calls.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { liveProbes } from '../../lab/checks/registry.js';

let home: string;
beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'journal-probes-'));
  fs.mkdirSync(path.join(home, 'journal'));
});
afterEach(() => fs.rmSync(home, { recursive: true, force: true }));

type Msg = Record<string, unknown>;
function frame(t: number, src: string, dst: string, msg: Msg, op?: string): string {
  const ch = msg.type === 'rpc-call' || msg.type === 'rpc-reply' ? 'rpc' : 'data';
  const record = {
    k: 'frame',
    t,
    proc: src,
    dir: 'send',
    ch,
    conn: `${src}->${dst}`,
    src,
    dst,
    msg,
    bytes: 10,
    data: 0,
  };
  return JSON.stringify(op === undefined ? record : { ...record, op });
}

function writeJournal(proc: string, lines: string[]): void {
  fs.writeFileSync(path.join(home, 'journal', `${proc}-1-000001-1.jsonl`), `${lines.join('\n')}\n`);
}

const OP = 'put-7-1';
const call = (t: number, method: string, params: Msg = {}) =>
  frame(t, 'client', 'nn', { type: 'rpc-call', method, callId: t, params }, OP);
const writeBlock = (t: number, block: string) =>
  frame(t, 'client', 'dn1', { type: 'dt-op', op: 'WRITE_BLOCK', block, targets: ['dn2'] }, OP);
const packet = (t: number, block: string, seqno: number) =>
  frame(t, 'client', 'dn1', { type: 'packet', block, seqno, offset: 0, len: 1, last: false }, OP);
const ack = (t: number, block: string, seqno: number) =>
  frame(t, 'dn1', 'client', { type: 'ack', block, seqno, replies: ['SUCCESS', 'SUCCESS'] }, OP);

/** The write's start, the same in each case: create, addBlock, the pipeline, two packets. */
const firstTwoPackets = [
  call(1, 'create', { src: '/e16/two.bin._COPYING_' }),
  call(2, 'addBlock', { src: '/e16/two.bin._COPYING_' }),
  writeBlock(3, 'blk_1_1001'),
  packet(4, 'blk_1_1001', 0),
  packet(5, 'blk_1_1001', 1),
];

describe('journal.pipelines', () => {
  it("counts each block's packets and acks and the acks that had come before the client's next call", async () => {
    writeJournal('client', [
      ...firstTwoPackets,
      packet(7, 'blk_1_1001', 2),
      call(11, 'addBlock', { src: '/e16/two.bin._COPYING_' }),
      writeBlock(12, 'blk_2_1002'),
      packet(13, 'blk_2_1002', 0),
      call(16, 'complete', { src: '/e16/two.bin._COPYING_' }),
    ]);
    // The DataNode's side: the last ack of the second block comes after complete (a client that
    // did not wait for it).
    writeJournal('dn1', [
      ack(6, 'blk_1_1001', 0),
      ack(8, 'blk_1_1001', 1),
      ack(10, 'blk_1_1001', 2),
      ack(17, 'blk_2_1002', 0),
    ]);
    const outcome = await liveProbes(home).run('journal.pipelines', { op: 'put /e16/two.bin' });
    expect(outcome).toEqual({
      status: 'ok',
      value: [
        { block: 'blk_1_1001', packetsSent: 3, acksReceived: 3, acksBeforeNextCall: 3, nextCall: 'addBlock' },
        { block: 'blk_2_1002', packetsSent: 1, acksReceived: 1, acksBeforeNextCall: 0, nextCall: 'complete' },
      ],
    });
  });

  it("counts the acks in the client's own order when the DataNode's clock runs ahead of the client's", async () => {
    // Every process stamps its journal with its own clock. Here dn1's runs 50 ms ahead: by the
    // stamps, each of its acks was sent after the client's next call, though the client had
    // received them all before it made that call (its own records say so, in one clock).
    const received = (t: number, block: string, seqno: number) =>
      JSON.stringify({ ...JSON.parse(ack(t, block, seqno)), proc: 'client', dir: 'recv' });
    writeJournal('client', [
      ...firstTwoPackets,
      received(6, 'blk_1_1001', 0),
      received(7, 'blk_1_1001', 1),
      call(8, 'complete', { src: '/e16/two.bin._COPYING_' }),
    ]);
    writeJournal('dn1', [ack(55.5, 'blk_1_1001', 0), ack(56.5, 'blk_1_1001', 1)]);
    const outcome = await liveProbes(home).run('journal.pipelines', { op: 'put /e16/two.bin' });
    expect(outcome).toEqual({
      status: 'ok',
      value: [
        { block: 'blk_1_1001', packetsSent: 2, acksReceived: 2, acksBeforeNextCall: 2, nextCall: 'complete' },
      ],
    });
  });

  it('says the journal holds no such write', async () => {
    writeJournal('client', [call(1, 'mkdirs', { src: '/e16' })]);
    const outcome = await liveProbes(home).run('journal.pipelines', { op: 'put /e16/two.bin' });
    expect(outcome.status).toBe('error');
  });
});

describe('journal.interval', () => {
  const called =
    (method: string, src = 'dn1') =>
    (t: number) =>
      frame(t, src, 'nn', { type: 'rpc-call', method, callId: t, params: {} });
  const heartbeat = called('sendHeartbeat');
  const blockReport = called('blockReport');
  const register = called('registerDatanode');

  it('is the median gap between one sender’s calls, in seconds, not counting the first after it started', async () => {
    writeJournal('dn1', [0, 1000, 2010, 3000, 4000, 9000].map(heartbeat));
    writeJournal('dn2', [500, 700, 900, 1100].map(called('sendHeartbeat', 'dn2')));
    // Gaps 1010, 990, 1000 and 5000 (a pause): the median is 1005 ms.
    expect(await liveProbes(home).run('journal.interval', { src: 'dn1', method: 'sendHeartbeat' })).toEqual({
      status: 'ok',
      value: 1.005,
    });
  });

  it('leaves out the gaps a restart leaves: across a registration, and the first report after it', async () => {
    // dn1 registers at 0 and reports at once, then every 20 s on its timer; restarted at 50 s, it
    // registers again and reports at once (7 s after its last), its timer then at 70 and 90 s; the
    // NameNode restarts at 95 s and dn1 registers again and reports at 96 s, 14 s before 110 s.
    writeJournal('dn1', [
      register(0),
      ...[100, 20_000, 40_000].map(blockReport),
      register(50_500),
      ...[51_000, 70_000, 90_000].map(blockReport),
      register(95_500),
      ...[96_000, 110_000, 130_000].map(blockReport),
    ]);
    // Regular: 40-20, 90-70 and 130-110 s, all 20 s; left out: the first gap after each registration
    // (19.9, 19 and 14 s) and those across one (11 and 6 s), which would pull a plain median to 19.45 s.
    expect(await liveProbes(home).run('journal.interval', { src: 'dn1', method: 'blockReport' })).toEqual({
      status: 'ok',
      value: 20,
    });
  });

  it('waits (unsettled) until there are two regular intervals to take the median of', async () => {
    writeJournal('dn1', [register(0), ...[0, 20_000, 40_000].map(blockReport)]);
    const outcome = await liveProbes(home).run('journal.interval', { src: 'dn1', method: 'blockReport' });
    expect(outcome).toMatchObject({
      status: 'unsettled',
      reason: expect.stringContaining('1 regular interval') as unknown,
    });
  });
});

describe('journal.senders', () => {
  it("names each sender of an operation's frames once, in the order of its first, and of frames to one process", async () => {
    const forward = (t: number, src: string, dst: string) =>
      frame(t, src, dst, { type: 'dt-op', op: 'WRITE_BLOCK', block: 'blk_1_1001', targets: [] }, OP);
    const received = (t: number, src: string) =>
      frame(t, src, 'nn', { type: 'rpc-call', method: 'blockReceivedAndDeleted', callId: t, params: {} }, OP);
    writeJournal('client', [
      call(1, 'create', { src: '/e2/aaa.txt._COPYING_' }),
      writeBlock(2, 'blk_1_1001'),
    ]);
    writeJournal('dn1', [forward(3, 'dn1', 'dn3'), received(8, 'dn1'), received(9, 'dn1')]);
    writeJournal('dn3', [forward(4, 'dn3', 'dn2'), received(7, 'dn3')]);
    writeJournal('dn2', [received(6, 'dn2')]);
    writeJournal('balancer', [
      frame(20, 'balancer', 'dn3', { type: 'dt-op', op: 'REPLACE_BLOCK', block: 'blk_1_1001' }),
    ]);
    const senders = (args: Record<string, string>) => liveProbes(home).run('journal.senders', args);

    // Who passed the block on, and which DataNodes reported it (dn1 twice, counted once).
    expect(await senders({ op: 'put /e2/aaa.txt', type: 'dt-op' })).toEqual({
      status: 'ok',
      value: ['client', 'dn1', 'dn3'],
    });
    expect(
      await senders({
        op: 'put /e2/aaa.txt',
        dst: 'nn',
        type: 'rpc-call',
        method: 'blockReceivedAndDeleted',
      }),
    ).toEqual({ status: 'ok', value: ['dn2', 'dn3', 'dn1'] });
    // Who sent dn3 DataTransfer requests, whatever the operation: dn1 forwarding, then the balancer.
    expect(await senders({ dst: 'dn3', type: 'dt-op' })).toEqual({
      status: 'ok',
      value: ['dn1', 'balancer'],
    });
    // And who sent it REPLACE_BLOCK: a DataTransfer operation's name is its method.
    expect(await senders({ dst: 'dn3', method: 'REPLACE_BLOCK' })).toEqual({
      status: 'ok',
      value: ['balancer'],
    });
  });
});
