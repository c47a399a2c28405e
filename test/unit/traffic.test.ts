import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { describeMessage } from '../../cluster/protocol/registry/describe.js';
import { encodeCall } from '../../cluster/protocol/rpc-frame.js';
import type { JournalFrame, JournalRecord } from '../../cluster/protocol/journal-types.js';
import { JOURNAL_PAYLOAD_RAW_BYTES_MAX, JOURNAL_RAW_BYTES_MAX } from '../../cluster/protocol/limits.js';
import { Journal, readJournal } from '../../cluster/transport/journal.js';
import { UsageError } from '../../lab/cli/errors.js';
import { trafficFilter } from '../../lab/commands/traffic.js';
import {
  blockIdsOf,
  frameDump,
  keptBytes,
  kindOf,
  selectFrames,
  trafficLine,
} from '../../lab/traffic/lines.js';
import { JOURNAL_REORDER_WINDOW_MS, JournalTail } from '../../lab/traffic/tail.js';
import { recordedJournal } from '../scenario/traffic/recorded.js';

const records = recordedJournal();
const describeAll = (frames: JournalFrame[]): string[] =>
  frames.map((f) => `${f.src}->${f.dst} ${trafficLine(f).split(': ').slice(1).join(': ')}`);

describe('selectFrames', () => {
  it('shows each frame once, from its sender', () => {
    const all = selectFrames(records, { heartbeats: true });
    const sent = records.filter((r) => r.k === 'frame' && r.dir === 'send').length;
    expect(all.filter((f) => f.proc === f.src)).toHaveLength(sent);
    // The others only their receiver journaled: lab start's readiness polls, whose client keeps no journal.
    const receiverOnly = all.filter((f) => f.proc !== f.src);
    expect(new Set(receiverOnly.map((f) => `${f.src}->${f.proc}`))).toEqual(new Set(['client->nn']));
  });

  it('leaves heartbeats out unless asked, and --kind heartbeat shows only them', () => {
    const quiet = selectFrames(records, { heartbeats: false });
    expect(quiet.some((f) => kindOf(f) === 'heartbeat')).toBe(false);
    const beats = selectFrames(records, { heartbeats: true, kind: 'heartbeat' });
    expect(beats.length).toBeGreaterThan(10);
    expect(
      new Set(
        beats.map((f) => (f.msg.type === 'rpc-call' || f.msg.type === 'rpc-reply' ? f.msg.method : '')),
      ),
    ).toEqual(new Set(['sendHeartbeat']));
  });

  it('--node keeps frames from or to that process', () => {
    const frames = selectFrames(records, { heartbeats: false, node: 'dn3' });
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.every((f) => f.src === 'dn3' || f.dst === 'dn3')).toBe(true);
  });

  it('--op matches the operation name (calls and their responses), case-insensitively', () => {
    const frames = selectFrames(records, { heartbeats: false, op: 'addblock' });
    expect(describeAll(frames)).toEqual([
      'client->nn addBlock src=/a.txt._COPYING_ excludeNodes=[], length 174',
      'nn->client addBlockResponse blk_1073741825_1001 targets=[dn3,dn1], length 338',
      'client->nn addBlock src=/a.txt._COPYING_ previous=blk_1073741825_1001 excludeNodes=[], length 226',
      'nn->client addBlockResponse blk_1073741826_1002 targets=[dn3,dn1], length 338',
    ]);
  });

  it('--kind data keeps DataTransfer frames only; --block by name or id', () => {
    const data = selectFrames(records, { heartbeats: false, kind: 'data' });
    expect(data.every((f) => f.ch === 'data')).toBe(true);
    const byId = selectFrames(records, { heartbeats: false, block: '1073741826' });
    const byName = selectFrames(records, { heartbeats: false, block: 'blk_1073741826' });
    expect(byId).toEqual(byName);
    expect(byId.every((f) => blockIdsOf(f).includes(1073741826))).toBe(true);
    expect(byId.length).toBeGreaterThan(20);
  });

  it('--path keeps the frames naming the path', () => {
    const frames = selectFrames(records, { heartbeats: false, path: '/a.txt' });
    expect(frames.map((f) => trafficLine(f)).every((l) => l.includes('/a.txt'))).toBe(true);
    expect(frames.some((f) => f.msg.type === 'rpc-call' && f.msg.method === 'getBlockLocations')).toBe(true);
  });

  it('--since drops older frames', () => {
    const lastMs = records[records.length - 1]!.t;
    const filter = trafficFilter({ since: '5s' }, lastMs + 1000);
    expect(filter.sinceMs).toBe(lastMs - 4000);
    const frames = selectFrames(records, filter);
    expect(frames.length).toBeGreaterThan(0);
    expect(frames.length).toBeLessThan(selectFrames(records, { heartbeats: true }).length);
    expect(frames.every((f) => f.t >= lastMs - 4000)).toBe(true);
  });
});

describe('trafficFilter (the flags)', () => {
  it('hides heartbeats by default only when following', () => {
    expect(trafficFilter({}, 0).heartbeats).toBe(true);
    expect(trafficFilter({ follow: true }, 0).heartbeats).toBe(false);
    expect(trafficFilter({ follow: true, heartbeats: true }, 0).heartbeats).toBe(true);
    expect(trafficFilter({ follow: true, kind: 'heartbeat' }, 0).heartbeats).toBe(true);
  });

  it('reads --since as seconds or a duration, and rejects nonsense with a usage error', () => {
    expect(trafficFilter({ since: '30' }, 100_000).sinceMs).toBe(70_000);
    expect(trafficFilter({ since: '1m' }, 100_000).sinceMs).toBe(40_000);
    expect(() => trafficFilter({ since: 'yesterday' }, 0)).toThrow(UsageError);
    expect(() => trafficFilter({ kind: 'udp' }, 0)).toThrow(/rpc, data, heartbeat or http/);
  });
});

describe('-X hex dump', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'traffic-hex-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const rpcFrame = (raw: Buffer, extra: Partial<Parameters<Journal['frame']>[0]> = {}): void => {
    const journal = new Journal(dir, 'client');
    journal.frame({
      dir: 'send',
      ch: 'rpc',
      conn: 'a->b',
      src: 'client',
      srcAddr: 'a',
      dst: 'nn',
      dstAddr: 'b',
      msg: { type: 'rpc-call', method: 'create', callId: 7, params: {} },
      bytes: raw.length,
      raw,
      ...extra,
    });
    journal.close();
  };
  const onlyFrame = (): JournalFrame => readJournal(dir)[0] as JournalFrame;
  /** The bytes the hex columns of a dump show. */
  const dumpedBytes = (dump: string): Buffer =>
    Buffer.from(
      dump
        .split('\n')
        .filter((r) => r.startsWith('\t0x'))
        .map((r) => r.slice(10, 49).replace(/ /g, ''))
        .join(''),
      'hex',
    );

  it('shows the whole frame the sender journaled, 16 bytes a row, with their ASCII', () => {
    const raw = encodeCall({
      callId: 7,
      clientId: new Uint8Array(16),
      methodName: 'create',
      protocol: 'org.apache.hadoop.hdfs.protocol.ClientProtocol',
      request: Buffer.from('/a.txt._COPYING_'),
    });
    rpcFrame(raw);
    const dump = frameDump(onlyFrame())!;
    expect(dump.split('\n')).toHaveLength(Math.ceil(raw.length / 16));
    expect(dumpedBytes(dump).equals(raw)).toBe(true);
    expect(dump.split('\n')[0]).toMatch(/^\t0x0000: {2}[0-9a-f]{4} /);
    const ascii = dump
      .split('\n')
      .map((r) => r.slice(51))
      .join('');
    expect(ascii).toContain('/a.txt._COPYING_');
  });

  it('-s SNAPLEN shows the first SNAPLEN bytes and says how many more the frame has', () => {
    const raw = Buffer.from('hrpc\x09\x00\x00' + 'x'.repeat(100), 'latin1');
    rpcFrame(raw);
    const dump = frameDump(onlyFrame(), 20)!;
    expect(dumpedBytes(dump).equals(raw.subarray(0, 20))).toBe(true);
    expect(dump).toContain(`[${raw.length - 20} more bytes: -s 20]`);
  });

  it('keeps the headers and checksums of a data packet whole and only the first payload bytes', () => {
    const head = Buffer.alloc(31 + 4 * 128, 0xab); // PLEN, HLEN, header, one CRC per 512-byte chunk
    const payload = Buffer.alloc(64 * 1024, 0x5a);
    const raw = Buffer.concat([head, payload]);
    rpcFrame(raw, { ch: 'data', data: payload.length });
    const frame = onlyFrame();
    const kept = keptBytes(frame)!;
    expect(kept.length).toBe(head.length + JOURNAL_PAYLOAD_RAW_BYTES_MAX);
    expect(kept.equals(raw.subarray(0, kept.length))).toBe(true);
    expect(frameDump(frame)).toContain(`[${raw.length - kept.length} more bytes: payload not journaled]`);
  });

  it('cuts any frame at JOURNAL_RAW_BYTES_MAX', () => {
    const raw = Buffer.alloc(JOURNAL_RAW_BYTES_MAX + 1000, 0x41);
    rpcFrame(raw);
    expect(keptBytes(onlyFrame())!.length).toBe(JOURNAL_RAW_BYTES_MAX);
  });

  it('reads the hex of journals written before whole frames were kept', () => {
    const frame = { ...(recordedJournal().find((r) => r.k === 'frame') as JournalFrame), hex: '6872706309' };
    delete frame.raw;
    expect(keptBytes(frame)!.toString('latin1')).toBe('hrpc\x09');
  });
});

describe('JournalTail', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'traffic-tail-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const line = (r: JournalRecord): string => JSON.stringify(r) + '\n';
  const ev = (text: string, t = 1, proc = 'nn'): JournalRecord => ({
    k: 'event',
    t,
    proc,
    event: { type: 'log', level: 'info', text },
  });
  const segment = (name: string): string => path.join(dir, name);

  it('delivers appended whole lines once, keeping a torn line (even mid UTF-8 character) for later', () => {
    const file = segment('nn-100-000001-1.jsonl');
    fs.writeFileSync(file, line(ev('old')));
    const tail = new JournalTail(dir);
    expect(tail.read({ all: true })).toEqual([]);
    const text = line(ev('héllo /dir/ファイル'));
    const bytes = Buffer.from(text);
    const cut = bytes.indexOf(Buffer.from('ファ')) + 1; // inside a 3-byte character
    fs.appendFileSync(file, bytes.subarray(0, cut));
    expect(tail.read({ all: true })).toEqual([]);
    fs.appendFileSync(file, bytes.subarray(cut));
    expect(tail.read({ all: true })).toEqual([ev('héllo /dir/ファイル')]);
    expect(tail.read({ all: true })).toEqual([]);
  });

  it("reads from the start when asked, and a writer's next segment from its start", () => {
    fs.writeFileSync(segment('nn-100-000001-1.jsonl'), line(ev('a', 1)) + line(ev('b', 2)));
    const tail = new JournalTail(dir, { fromStart: true });
    expect(tail.read({ all: true })).toHaveLength(2);
    fs.writeFileSync(segment('nn-100-000002-3.jsonl'), line(ev('c', 3)));
    expect(tail.read({ all: true })).toEqual([ev('c', 3)]);
  });

  it('waits for a journal that does not exist yet', () => {
    const tail = new JournalTail(path.join(dir, 'journal'));
    expect(tail.read({ all: true })).toEqual([]);
    fs.mkdirSync(path.join(dir, 'journal'));
    fs.writeFileSync(path.join(dir, 'journal', 'nn-100-000001-1.jsonl'), line(ev('first')));
    expect(tail.read({ all: true })).toEqual([ev('first')]);
  });

  it("holds records back for the reorder window and releases every writer's records in time order", () => {
    let now = 9_030;
    const tail = new JournalTail(dir, { now: () => now });
    // The DataNode flushed first, but the client's request was recorded before the DataNode's reply.
    fs.writeFileSync(segment('dn1-101-000001-9000.jsonl'), line(ev('reply', 9_020, 'dn1')));
    expect(tail.read()).toEqual([]); // 10 ms old: within the window
    fs.writeFileSync(segment('client-102-000001-9000.jsonl'), line(ev('request', 9_010, 'client')));
    now = 9_020 + JOURNAL_REORDER_WINDOW_MS;
    expect(tail.read().map((r) => r.t)).toEqual([9_010, 9_020]);
  });
});

describe('connection preamble and context lines', () => {
  it('describes the preamble and the connection context as their own frames', () => {
    expect(describeMessage({ type: 'rpc-preamble', version: 9, serviceClass: 0, authProtocol: 0 })).toBe(
      'hrpc preamble version=9 serviceClass=0 auth=NONE',
    );
    expect(
      describeMessage({
        type: 'rpc-context',
        protocol: 'org.apache.hadoop.hdfs.protocol.ClientProtocol',
        user: 'alice',
      }),
    ).toBe('connectionContext protocol=org.apache.hadoop.hdfs.protocol.ClientProtocol user=alice');
  });
});

describe('data packet lines', () => {
  it('marks the packet of an hsync (PacketHeaderProto.syncBlock) with sync', () => {
    const packet = {
      type: 'packet',
      block: 'blk_1073741825_1001',
      seqno: 3,
      offset: 1024,
      len: 100,
    } as const;
    expect(describeMessage({ ...packet, last: false, sync: true })).toBe(
      'packet blk_1073741825_1001 seqno=3 offset=1024 len=100 sync',
    );
    expect(describeMessage({ ...packet, last: false })).toBe(
      'packet blk_1073741825_1001 seqno=3 offset=1024 len=100',
    );
  });
});

describe('frames of a sender that keeps no journal', () => {
  const frame = (dir: 'send' | 'recv', proc: string, conn: string, srcAddr: string): JournalFrame => ({
    k: 'frame',
    t: 1,
    proc,
    dir,
    ch: 'rpc',
    conn,
    src: 'client',
    srcAddr,
    dst: 'nn',
    dstAddr: '127.0.0.1:8020',
    msg: { type: 'rpc-call', method: 'getFileInfo', callId: 0, params: { src: '/a' } },
    bytes: 110,
    data: 0,
  });

  it('shows the receiver record of a real client frame, and one record of a lab frame', () => {
    const lab = '127.0.0.10:40000->127.0.0.1:8020';
    const goClient = '127.0.0.1:50000->127.0.0.1:8020';
    const records: JournalRecord[] = [
      frame('send', 'client', lab, '127.0.0.10:40000'),
      frame('recv', 'nn', lab, '127.0.0.10:40000'),
      frame('recv', 'nn', goClient, '127.0.0.1:50000'),
    ];
    const shown = selectFrames(records, { heartbeats: true });
    expect(shown.map((f) => `${f.proc} ${f.dir} ${f.conn}`)).toEqual([
      `client send ${lab}`,
      `nn recv ${goClient}`,
    ]);
  });
});
