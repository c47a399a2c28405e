/**
 * The all-ports fuzz: a real cluster in its own scratch directory, on loopback with
 * ephemeral ports, gets malformed, oversize, wrong-typed and path-bearing requests on every port it
 * listens on — the NameNode's RPC and HTTP ports, each DataNode's transfer, IPC and HTTP ports, the
 * Secondary's HTTP port — from a few concurrent workers for a fixed
 * budget. Afterwards: no process died, no file appeared outside the lab home, every process's
 * resident memory came back within 20 % of what it was before (read from /proc/PID/status VmRSS,
 * waiting for the daemons' garbage collection to settle, with a deadline), and a put/get still works.
 *
 * Everything is seeded (`seed`), so a failing run can be replayed. `npm run fuzz` runs the long form;
 * test/integration/fuzz.test.ts a few seconds of it.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { DFSClient } from '../../cluster/client/dfs-client.js';
import { createPrng, type Prng } from '../../cluster/common/prng.js';
import { homePaths, type ClusterDescription } from '../../cluster/home/description.js';
import { isDaemonAlive, readPidFiles } from '../../cluster/home/home.js';
import { readNamenodeHttpAddress } from '../../cluster/home/http-address.js';
import { startCluster, stopNodes } from '../../cluster/launcher/launcher.js';
import { OP_CODES } from '../../cluster/protocol/data-transfer.js';
import { encodePacket } from '../../cluster/protocol/packet.js';
import {
  CLIENT_DATANODE_PROTOCOL,
  CLIENT_PROTOCOL,
  DATANODE_PROTOCOL,
  NAMENODE_PROTOCOL,
  loadProtocolTables,
  protocolTable,
  type ProtocolName,
} from '../../cluster/protocol/registry/index.js';
import { RPC_PREAMBLE, encodeCall, encodeConnectionContext } from '../../cluster/protocol/rpc-frame.js';
import { craftedWriteBlock, field, opRequest, varint } from './proto-bytes.js';

/** A process's resident memory may end at most this much above where it started. */
export const RSS_GROWTH_MAX = 0.2;
/** How long the daemons get to give memory back after the fuzz before the RSS check fails. */
const RSS_SETTLE_DEADLINE_MS = 60_000;
/** One attack never takes longer than this (sockets are destroyed at the end of each). */
const ATTACK_MS_MAX = 1_500;
/** File names every path-bearing request aims at; none may exist outside the lab home afterwards. */
const MARK = 'fuzzmark';
/** The user of the fuzz's RPC connections: not the superuser, as any local process could be. */
const FUZZ_USER = 'fuzz';

export interface FuzzOptions {
  durationMs: number;
  seed: string;
  /** Concurrent attackers. */
  workers?: number;
  datanodes?: number;
  log?: (line: string) => void;
}

export interface ProcessRss {
  id: string;
  startKiB: number;
  peakKiB: number;
  endKiB: number;
}

export interface FuzzResult {
  /** Attacks sent, per port kind and attack name (`rpc:garbage-frame`). */
  attacks: Record<string, number>;
  ports: string[];
  rss: ProcessRss[];
  problems: string[];
}

type PortKind = 'rpc' | 'xfer' | 'http';

interface Target {
  kind: PortKind;
  /** nn, snn, dn1 … */
  owner: string;
  host: string;
  port: number;
}

interface Ctx {
  prng: Prng;
  target: Target;
  /** Where path-bearing requests aim: the scratch directory around the lab home. */
  scratch: string;
  home: string;
  poolId: string;
}

type Attack = (ctx: Ctx) => Promise<void>;

export async function runFuzz(options: FuzzOptions): Promise<FuzzResult> {
  await loadProtocolTables();
  const log = options.log ?? (() => undefined);
  const scratch = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'lab-fuzz-')));
  const home = path.join(scratch, 'home');
  const victim = path.join(scratch, 'victim.txt');
  fs.writeFileSync(victim, 'not for the lab to touch\n');
  const outsideBefore = listOutside(scratch);
  const tmpMarksBefore = marksIn(os.tmpdir());
  const problems: string[] = [];
  const result: FuzzResult = { attacks: {}, ports: [], rss: [], problems };
  const datanodes = options.datanodes ?? 2;
  let client: DFSClient | null = null;
  // The daemons inherit this: each collects its garbage on SIGUSR2 (runtime/main.ts).
  const savedGcEnv = process.env.LAB_GC_ON_SIGUSR2;
  process.env.LAB_GC_ON_SIGUSR2 = '1';
  try {
    await startCluster({
      home,
      datanodes,
      replication: Math.min(2, datanodes),
      blockSize: '1m',
      seed: `fuzz-${options.seed}`,
      ephemeralPorts: true,
    });
    client = await DFSClient.connect({ home, warn: () => undefined });
    const description = JSON.parse(
      fs.readFileSync(homePaths(home).description, 'utf8'),
    ) as ClusterDescription;
    // A directory the fuzz user owns, so its path-bearing calls get past the permission check.
    await client.call('mkdirs', { src: '/fuzz', permission: 0o777, createParent: true });
    await client.call('setOwner', { src: '/fuzz', username: FUZZ_USER, groupname: 'supergroup' });
    const poolId = await putGetWorks(client, scratch, 'before', problems);
    // Each DataNode's HTTP port as it registered it (DatanodeID.infoPort): ephemeral ports are
    // chosen by the DataNode itself, so the description may not have them.
    const report = await client.call('getDatanodeReport', { type: 'LIVE' });
    const infoPorts = new Map(report.map((dn) => [dn.name, dn.infoPort]));
    const ipcPorts = new Map(report.map((dn) => [dn.name, dn.ipcPort]));
    const targets = targetsOf(home, description, { infoPorts, ipcPorts });
    result.ports = targets.map((t) => `${t.owner} ${t.kind} ${t.host}:${t.port}`);
    log(`ports: ${result.ports.join(', ')}`);

    // A short warm-up of every attack first: what the first requests load and compile (modules,
    // JIT code) is not a leak, so the baseline is taken after it.
    const prng = createPrng(`fuzz-${options.seed}`);
    await fuzzFor(
      { ms: Math.min(2_000, options.durationMs), workers: 2, prng: prng.fork('warm-up') },
      targets,
      {
        scratch,
        home,
        poolId,
        attacks: {},
      },
    );
    const start = await settledRss(home, new Map(), 5_000);
    const peak = new Map(start);
    const sampler = setInterval(() => {
      for (const [id, kib] of sampleRss(home)) peak.set(id, Math.max(peak.get(id) ?? 0, kib));
    }, 200);
    try {
      await fuzzFor(
        { ms: options.durationMs, workers: options.workers ?? 4, prng: prng.fork('fuzz') },
        targets,
        { scratch, home, poolId, attacks: result.attacks },
      );
    } finally {
      clearInterval(sampler);
    }
    const total = Object.values(result.attacks).reduce((a, b) => a + b, 0);
    log(`${total} attacks in ${options.durationMs} ms`);

    for (const { id, pid } of readPidFiles(home)) {
      if (!isDaemonAlive(pid)) problems.push(`${id} (pid ${pid}) died during the fuzz`);
    }
    const end = await settledRss(home, start, RSS_SETTLE_DEADLINE_MS);
    for (const [id, startKiB] of start) {
      const endKiB = end.get(id) ?? 0;
      result.rss.push({ id, startKiB, peakKiB: peak.get(id) ?? startKiB, endKiB });
      if (endKiB > startKiB * (1 + RSS_GROWTH_MAX))
        problems.push(
          `${id}: resident memory ${mib(endKiB)} after the fuzz, ${mib(startKiB)} before (at most +${RSS_GROWTH_MAX * 100} %)`,
        );
    }
    await putGetWorks(client, scratch, 'after', problems);
  } catch (err) {
    problems.push(`the fuzz run failed: ${(err as Error).stack ?? String(err)}`);
  } finally {
    await client?.close().catch(() => undefined);
    await stopNodes(home).catch(() => undefined);
    if (savedGcEnv === undefined) delete process.env.LAB_GC_ON_SIGUSR2;
    else process.env.LAB_GC_ON_SIGUSR2 = savedGcEnv;
  }
  const outsideAfter = listOutside(scratch);
  for (const p of outsideAfter)
    if (!outsideBefore.includes(p)) problems.push(`a file appeared outside the lab home: ${p}`);
  if (fs.readFileSync(victim, 'utf8') !== 'not for the lab to touch\n')
    problems.push(`${victim} was changed`);
  for (const p of marksIn(os.tmpdir()))
    if (!tmpMarksBefore.includes(p)) problems.push(`a file appeared in ${os.tmpdir()}: ${p}`);
  if (problems.length === 0) fs.rmSync(scratch, { recursive: true, force: true });
  else log(`scratch directory kept for inspection: ${scratch}`);
  return result;
}

/** Every port the cluster listens on, from its description and the addresses it published. */
function targetsOf(
  home: string,
  desc: ClusterDescription,
  registered: { infoPorts: Map<string, number>; ipcPorts: Map<string, number> },
): Target[] {
  const out: Target[] = [{ kind: 'rpc', owner: 'nn', host: desc.namenode.host, port: desc.namenode.port }];
  const nnHttp = readNamenodeHttpAddress(home, desc);
  if (nnHttp) out.push({ kind: 'http', owner: 'nn', ...hostPort(nnHttp) });
  if (desc.secondary && desc.secondary.port > 0)
    out.push({ kind: 'http', owner: 'snn', host: desc.secondary.host, port: desc.secondary.port });
  for (const dn of desc.datanodes) {
    out.push({ kind: 'xfer', owner: dn.id, host: dn.host, port: dn.port });
    // The DataNode's HTTP server (dfs.datanode.http.address).
    const httpPort = registered.infoPorts.get(dn.id) || dn.httpPort;
    if (httpPort) out.push({ kind: 'http', owner: dn.id, host: dn.host, port: httpPort });
    // The DataNode's IPC server (dfs.datanode.ipc.address: ClientDatanodeProtocol).
    const ipcPort = registered.ipcPorts.get(dn.id) || dn.ipcPort;
    if (ipcPort) out.push({ kind: 'rpc', owner: dn.id, host: dn.host, port: ipcPort });
  }
  return out;
}

function hostPort(text: string): { host: string; port: number } {
  const i = text.lastIndexOf(':');
  return { host: text.slice(0, i), port: Number(text.slice(i + 1)) };
}

async function fuzzFor(
  run: { ms: number; workers: number; prng: Prng },
  targets: Target[],
  shared: { scratch: string; home: string; poolId: string; attacks: Record<string, number> },
): Promise<void> {
  const deadline = Date.now() + run.ms;
  const worker = async (n: number): Promise<void> => {
    const prng = run.prng.fork(`worker-${n}`);
    while (Date.now() < deadline) {
      const target = targets[prng.int(targets.length)] as Target;
      const table = ATTACKS[target.kind];
      const [name, attack] = table[prng.int(table.length)] as [string, Attack];
      const key = `${target.kind}:${name}`;
      shared.attacks[key] = (shared.attacks[key] ?? 0) + 1;
      await attack({ prng, target, scratch: shared.scratch, home: shared.home, poolId: shared.poolId });
    }
  };
  await Promise.all(Array.from({ length: run.workers }, (_, n) => worker(n)));
}

// ---------------------------------------------------------------------------------------------
// Sockets
// ---------------------------------------------------------------------------------------------

/**
 * Connects, writes `bytes` (each piece after the previous is flushed), keeps the connection
 * `holdMs` (or until the server closes it), then destroys it. Errors are the point and ignored.
 */
async function exchange(
  target: Target,
  pieces: Buffer[],
  opts: { holdMs?: number; read?: boolean } = {},
): Promise<void> {
  const socket = net.connect({ host: target.host, port: target.port });
  socket.on('error', () => undefined);
  if (opts.read === false) socket.pause();
  else socket.resume();
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const timer = new Promise<void>((resolve) =>
    setTimeout(resolve, Math.min(opts.holdMs ?? 200, ATTACK_MS_MAX)),
  );
  try {
    await Promise.race([new Promise<void>((resolve) => socket.once('connect', () => resolve())), closed]);
    for (const piece of pieces) {
      if (socket.destroyed) break;
      if (!socket.write(piece))
        await Promise.race([new Promise((r) => socket.once('drain', r)), closed, timer]);
    }
    await Promise.race([closed, timer]);
  } finally {
    socket.destroy();
  }
}

function randomBytes(prng: Prng, max: number): Buffer {
  const out = Buffer.allocUnsafe(1 + prng.int(max));
  for (let i = 0; i < out.length; i++) out[i] = prng.int(256);
  return out;
}

function pick<T>(prng: Prng, items: readonly T[]): T {
  return items[prng.int(items.length)] as T;
}

/** Paths that try to leave the namespace or the lab home, each ending in the mark. */
function evilPaths(ctx: Ctx): string[] {
  const up = '../'.repeat(12);
  const n = ctx.prng.int(1_000_000);
  return [
    `${up}${MARK}-${n}`,
    `/fuzz/${up}${MARK}-${n}`,
    `${ctx.scratch}/${MARK}-${n}`,
    `/fuzz/..%2f..%2f${MARK}-${n}`,
    `/fuzz/a\u0000/${MARK}-${n}`,
    `/fuzz/${'x'.repeat(9_000)}`,
    `/fuzz/./${MARK}-${n}/../../..`,
    `/.reserved/.inodes/1/../../${MARK}-${n}`,
    `${MARK}-${n}`,
    `//${MARK}-${n}`,
    `/fuzz/${'d/'.repeat(2_000)}${MARK}`,
    `/fuzz/\u202e${MARK}-${n}`,
  ];
}

// ---------------------------------------------------------------------------------------------
// Protobuf bytes as an attacker writes them: any field number, any wire type
// ---------------------------------------------------------------------------------------------

/** A message of random fields: numbers where strings belong and the reverse, nested garbage, paths. */
function wrongTypedMessage(ctx: Ctx, depth = 0): Buffer {
  const { prng } = ctx;
  const fields: Buffer[] = [];
  const count = 1 + prng.int(8);
  for (let i = 0; i < count; i++) {
    const n = 1 + prng.int(12);
    switch (prng.int(6)) {
      case 0:
        fields.push(field(n, BigInt(prng.int(2 ** 31)) * BigInt(prng.int(2 ** 31))));
        break;
      case 1:
        fields.push(field(n, pick(prng, evilPaths(ctx))));
        break;
      case 2:
        fields.push(field(n, depth < 3 ? wrongTypedMessage(ctx, depth + 1) : randomBytes(prng, 64)));
        break;
      case 3:
        fields.push(field(n, 0xffffffffffffffffn));
        break;
      case 4:
        fields.push(field(n, randomBytes(prng, 256)));
        break;
      default:
        // A length that runs past the end of the message.
        fields.push(Buffer.concat([varint((n << 3) | 2), varint(1 + prng.int(1 << 20))]));
    }
  }
  return Buffer.concat(fields);
}

// ---------------------------------------------------------------------------------------------
// NameNode RPC and the DataNodes' IPC ports
// ---------------------------------------------------------------------------------------------

const CLIENT_ID = Buffer.from('fuzzfuzzfuzzfuzz');
const PROTOCOLS: ProtocolName[] = [
  CLIENT_PROTOCOL,
  DATANODE_PROTOCOL,
  NAMENODE_PROTOCOL,
  CLIENT_DATANODE_PROTOCOL,
];

function rpcStart(protocol: ProtocolName = CLIENT_PROTOCOL): Buffer {
  return Buffer.concat([
    RPC_PREAMBLE,
    encodeConnectionContext({ clientId: CLIENT_ID, user: FUZZ_USER, protocol }),
  ]);
}

function frameOf(body: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(body.length);
  return Buffer.concat([length, body]);
}

function randomCall(ctx: Ctx, callId: number): { protocol: ProtocolName; frame: Buffer } {
  const protocol = pick(ctx.prng, PROTOCOLS);
  const methods = Object.keys(protocolTable(protocol));
  const methodName = ctx.prng.int(10) === 0 ? `noSuchMethod${ctx.prng.int(100)}` : pick(ctx.prng, methods);
  const frame = encodeCall({
    callId,
    clientId: CLIENT_ID,
    methodName,
    protocol,
    request: wrongTypedMessage(ctx),
  });
  return { protocol, frame };
}

const RPC_ATTACKS: [string, Attack][] = [
  ['random-bytes', (ctx) => exchange(ctx.target, [randomBytes(ctx.prng, 4096)])],
  ['http-on-rpc', (ctx) => exchange(ctx.target, [Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')])],
  [
    'bad-preamble',
    (ctx) =>
      exchange(ctx.target, [
        Buffer.from([0x68, 0x72, 0x70, 0x63, ctx.prng.int(256), ctx.prng.int(256), ctx.prng.int(256)]),
      ]),
  ],
  ['garbage-frame', (ctx) => exchange(ctx.target, [rpcStart(), frameOf(randomBytes(ctx.prng, 2048))])],
  [
    'oversize-frame',
    (ctx) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(0x7fffffff - ctx.prng.int(1000));
      return exchange(ctx.target, [rpcStart(), length]);
    },
  ],
  [
    // A frame announcing 12 MiB of which 2 MiB arrive, held open: the server must not keep it for ever.
    'partial-big-frame',
    (ctx) => {
      const length = Buffer.alloc(4);
      length.writeUInt32BE(12 * 1024 * 1024);
      return exchange(ctx.target, [rpcStart(), length, Buffer.alloc(2 * 1024 * 1024, 0x41)], {
        holdMs: 1_000,
      });
    },
  ],
  [
    'wrong-typed-calls',
    async (ctx) => {
      const calls: Buffer[] = [];
      const { protocol } = randomCall(ctx, 0);
      for (let i = 1; i <= 1 + ctx.prng.int(20); i++) calls.push(randomCall(ctx, i).frame);
      await exchange(ctx.target, [rpcStart(protocol), ...calls], { holdMs: 300 });
    },
  ],
  [
    // Calls this process would make, with paths that try to leave the namespace and the home.
    'path-bearing-calls',
    async (ctx) => {
      const calls: Buffer[] = [];
      let callId = 1;
      for (const src of evilPaths(ctx)) {
        const method = pick(ctx.prng, [
          'mkdirs',
          'create',
          'delete',
          'rename',
          'getFileInfo',
          'getListing',
          'setPermission',
        ]);
        // The request as the method's message: its string fields (src, dst, …) carry the path.
        const request = Buffer.concat([
          field(1, src),
          field(2, pick(ctx.prng, evilPaths(ctx))),
          field(3, 1),
          field(4, 1),
        ]);
        calls.push(
          encodeCall({
            callId: callId++,
            clientId: CLIENT_ID,
            methodName: method,
            protocol: CLIENT_PROTOCOL,
            request,
          }),
        );
      }
      await exchange(ctx.target, [rpcStart(), ...calls], { holdMs: 300 });
    },
  ],
  [
    // Thousands of calls without reading a single answer.
    'flood-unread',
    async (ctx) => {
      const calls: Buffer[] = [];
      const request = field(1, '/fuzz');
      for (let i = 1; i <= 5_000; i++)
        calls.push(
          encodeCall({
            callId: i,
            clientId: CLIENT_ID,
            methodName: 'getListing',
            protocol: CLIENT_PROTOCOL,
            request,
          }),
        );
      await exchange(ctx.target, [rpcStart(), Buffer.concat(calls)], { holdMs: 1_000, read: false });
    },
  ],
  ['silent', (ctx) => exchange(ctx.target, [], { holdMs: 1_000 })],
];

// ---------------------------------------------------------------------------------------------
// DataNode transfer port
// ---------------------------------------------------------------------------------------------

function fuzzBlockId(ctx: Ctx): bigint {
  return 1_073_800_000n + BigInt(ctx.prng.int(1_000_000));
}

const XFER_ATTACKS: [string, Attack][] = [
  ['random-bytes', (ctx) => exchange(ctx.target, [randomBytes(ctx.prng, 4096)])],
  [
    'random-op',
    (ctx) => {
      const ops = Object.values(OP_CODES) as number[];
      const op = ctx.prng.int(4) === 0 ? ctx.prng.int(256) : pick(ctx.prng, ops);
      return exchange(ctx.target, [opRequest(op, wrongTypedMessage(ctx))]);
    },
  ],
  [
    'path-ids',
    (ctx) => {
      const climb = '../'.repeat(14);
      const variants = [
        { poolId: ctx.poolId, blockId: `${climb}${ctx.scratch.slice(1)}/${MARK}`, genStamp: 1001n },
        { poolId: ctx.poolId, blockId: fuzzBlockId(ctx), genStamp: `${climb}${MARK}` },
        { poolId: `${ctx.poolId}/${climb}${MARK}`, blockId: fuzzBlockId(ctx), genStamp: 1001n },
        { poolId: `BP-${climb}`, blockId: fuzzBlockId(ctx), genStamp: 1001n },
      ];
      const data = Buffer.from(`${MARK}\n`);
      return exchange(ctx.target, [
        craftedWriteBlock(pick(ctx.prng, variants), 'DFSClient_fuzz'),
        encodePacket({ offsetInBlock: 0, seqno: 0, lastPacketInBlock: false, data }),
      ]);
    },
  ],
  [
    // A legal WRITE_BLOCK of a block nobody allocated, then a packet announcing 15 MiB of which 2 MiB arrive.
    'oversize-packet',
    (ctx) => {
      const plen = Buffer.alloc(6);
      plen.writeUInt32BE(15 * 1024 * 1024);
      plen.writeUInt16BE(25, 4);
      return exchange(
        ctx.target,
        [
          craftedWriteBlock({ poolId: ctx.poolId, blockId: fuzzBlockId(ctx), genStamp: 1001n }),
          plen,
          Buffer.alloc(2 * 1024 * 1024),
        ],
        { holdMs: 1_000 },
      );
    },
  ],
  [
    'truncated-op',
    (ctx) => {
      const op = craftedWriteBlock({ poolId: ctx.poolId, blockId: fuzzBlockId(ctx), genStamp: 1001n });
      return exchange(ctx.target, [op.subarray(0, 1 + ctx.prng.int(op.length - 1))], { holdMs: 500 });
    },
  ],
  [
    'read-missing-block',
    (ctx) => {
      const eb = Buffer.concat([
        field(1, ctx.poolId),
        field(2, fuzzBlockId(ctx)),
        field(3, 1001),
        field(4, 0),
      ]);
      const header = Buffer.concat([field(1, field(1, eb)), field(2, 'DFSClient_fuzz')]);
      const body = Buffer.concat([
        field(1, header),
        field(2, ctx.prng.int(1 << 30)),
        field(3, ctx.prng.int(1 << 30)),
      ]);
      return exchange(ctx.target, [opRequest(OP_CODES.READ_BLOCK, body)]);
    },
  ],
  ['silent', (ctx) => exchange(ctx.target, [], { holdMs: 1_000 })],
];

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

function httpPaths(ctx: Ctx): string[] {
  const evil = encodeURIComponent(pick(ctx.prng, evilPaths(ctx)));
  const dots = '/..'.repeat(10);
  return [
    `${dots}/etc/passwd`,
    `/%2e%2e/%2e%2e/${MARK}`,
    `/fsck?ugi=${FUZZ_USER}&path=${evil}`,
    `/fsck?path=${evil}&files=1&blocks=1&locations=1&format=json`,
    `/jmx?qry=${evil}`,
    `/jmx?get=${evil}::${evil}`,
    `/imagetransfer?getimage=1&txid=${evil}`,
    `/imagetransfer?getedit=1&startTxId=${evil}&endTxId=1`,
    `/imagetransfer?getimage=1&txid=latest`,
    `/webhdfs/v1${ctx.scratch}/${MARK}?op=CREATE&user.name=${FUZZ_USER}`,
    `/webhdfs/v1/fuzz/${evil}?op=MKDIRS&user.name=${FUZZ_USER}`,
    `/webhdfs/v1/fuzz?op=${evil}`,
    `/status`,
    `/${'a'.repeat(8_000)}`,
  ];
}

function httpRequest(
  ctx: Ctx,
  method: string,
  urlPath: string,
  body?: Buffer,
  headers: Record<string, string> = {},
): Promise<void> {
  return new Promise<void>((resolve) => {
    const req = http.request(
      {
        host: ctx.target.host,
        port: ctx.target.port,
        method,
        path: urlPath,
        headers,
        timeout: ATTACK_MS_MAX,
        agent: false,
      },
      (res) => {
        res.resume();
        res.on('end', () => resolve());
        res.on('error', () => resolve());
      },
    );
    req.on('error', () => resolve());
    req.on('timeout', () => {
      req.destroy();
      resolve();
    });
    req.end(body);
  });
}

const HTTP_ATTACKS: [string, Attack][] = [
  [
    'get-evil-path',
    (ctx) =>
      httpRequest(ctx, pick(ctx.prng, ['GET', 'DELETE', 'POST', 'OPTIONS']), pick(ctx.prng, httpPaths(ctx))),
  ],
  [
    'put-evil-path',
    (ctx) => {
      const evil = encodeURIComponent(pick(ctx.prng, evilPaths(ctx)));
      const urls = [
        `/imagetransfer?txid=${ctx.prng.int(1000)}&imageFile=IMAGE&storageInfo=${evil}`,
        `/imagetransfer?txid=${evil}&imageFile=IMAGE`,
        `/webhdfs/v1/fuzz/${evil}?op=CREATE&user.name=${FUZZ_USER}&data=true`,
      ];
      return httpRequest(ctx, 'PUT', pick(ctx.prng, urls), randomBytes(ctx.prng, 64 * 1024), {
        'content-type': 'application/octet-stream',
      });
    },
  ],
  ['raw-garbage', (ctx) => exchange(ctx.target, [randomBytes(ctx.prng, 4096)])],
  [
    'huge-headers',
    (ctx) =>
      exchange(ctx.target, [
        Buffer.from(`GET /jmx HTTP/1.1\r\nHost: x\r\nX-Fuzz: ${'h'.repeat(70_000)}\r\n\r\n`),
      ]),
  ],
  [
    // Headers that never end, held open.
    'slow-headers',
    (ctx) =>
      exchange(ctx.target, [Buffer.from('GET /jmx HTTP/1.1\r\nHost: x\r\nX-Slow: ')], { holdMs: 1_000 }),
  ],
  [
    'announced-body-never-sent',
    (ctx) =>
      exchange(
        ctx.target,
        [
          Buffer.from(
            `PUT /imagetransfer?txid=1&imageFile=IMAGE HTTP/1.1\r\nHost: x\r\nContent-Length: 900000000\r\n\r\nabc`,
          ),
        ],
        { holdMs: 1_000 },
      ),
  ],
  [
    'bad-chunked',
    (ctx) =>
      exchange(ctx.target, [
        Buffer.from('POST /jmx HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'),
      ]),
  ],
];

const ATTACKS: Record<PortKind, [string, Attack][]> = {
  rpc: RPC_ATTACKS,
  xfer: XFER_ATTACKS,
  http: HTTP_ATTACKS,
};

// ---------------------------------------------------------------------------------------------
// Checks
// ---------------------------------------------------------------------------------------------

/** Puts and gets a 3 MiB file (three 1 MiB blocks); returns the block pool id. */
async function putGetWorks(
  client: DFSClient,
  scratch: string,
  label: string,
  problems: string[],
): Promise<string> {
  const local = path.join(scratch, 'home', `put-${label}.bin`);
  const back = `${local}.back`;
  const data = crypto.randomBytes(3 * 1024 * 1024);
  fs.writeFileSync(local, data);
  try {
    await client.putFile(local, `/fuzz-${label}.bin`);
    await client.getFile(`/fuzz-${label}.bin`, back);
    if (!fs.readFileSync(back).equals(data))
      problems.push(`${label}: the file read back differs from the one put`);
    const located = await client.call('getBlockLocations', {
      src: `/fuzz-${label}.bin`,
      offset: 0,
      length: 1,
      readerHost: client.clientHost,
    });
    return located?.blocks[0]?.blockPoolId ?? '';
  } catch (err) {
    problems.push(`${label}: put/get failed: ${(err as Error).message}`);
    return '';
  } finally {
    fs.rmSync(local, { force: true });
    fs.rmSync(back, { force: true });
  }
}

/** VmRSS of every live daemon of the home, in KiB. */
function sampleRss(home: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const { id, pid } of readPidFiles(home)) {
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      const kib = Number(/^VmRSS:\s+(\d+) kB/m.exec(status)?.[1] ?? NaN);
      if (Number.isFinite(kib)) out.set(id, kib);
    } catch {
      // gone: reported by the liveness check
    }
  }
  return out;
}

/**
 * RSS once it settles: sampled every 500 ms until every process is within the bound of `start`
 * (or, with no start, until two samples agree within 2 %), or until the deadline.
 */
async function settledRss(
  home: string,
  start: Map<string, number>,
  deadlineMs: number,
): Promise<Map<string, number>> {
  const end = Date.now() + deadlineMs;
  let last = sampleRss(home);
  while (Date.now() < end) {
    collectGarbage(home);
    await new Promise((resolve) => setTimeout(resolve, 500));
    const now = sampleRss(home);
    const settled =
      start.size > 0
        ? [...start].every(([id, kib]) => (now.get(id) ?? 0) <= kib * (1 + RSS_GROWTH_MAX))
        : [...now].every(([id, kib]) => Math.abs(kib - (last.get(id) ?? 0)) <= kib * 0.02);
    last = now;
    if (settled) break;
  }
  return last;
}

/** Asks every daemon of the home for a full garbage collection (LAB_GC_ON_SIGUSR2, runtime/main.ts). */
function collectGarbage(home: string): void {
  for (const { pid } of readPidFiles(home)) {
    if (!isDaemonAlive(pid)) continue;
    try {
      process.kill(pid, 'SIGUSR2');
    } catch {
      // gone: reported by the liveness check
    }
  }
}

/** Paths under `scratch` outside its `home`, relative. */
function listOutside(scratch: string): string[] {
  return (fs.readdirSync(scratch, { recursive: true }) as string[])
    .filter((p) => p !== 'home' && !p.startsWith(`home${path.sep}`))
    .sort();
}

/** Entries of `dir` (one level) whose names carry the mark. */
function marksIn(dir: string): string[] {
  try {
    return fs.readdirSync(dir).filter((name) => name.includes(MARK));
  } catch {
    return [];
  }
}

function mib(kib: number): string {
  return `${(kib / 1024).toFixed(1)} MiB`;
}
