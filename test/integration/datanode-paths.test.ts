/**
 * Issue 15, defect 1, reproduced against a real DataNode: a local process sends crafted WRITE_BLOCK
 * ops whose block id, generation stamp or pool id is a `../` path aimed at a file outside the lab
 * home (on the JSON wire the attack put a string in blockId; on the protobuf wire the same
 * bytes go into the uint64 field as a length-delimited string, or into the pool id, which is a
 * string). The DataNode must answer ERROR_INVALID, leave every file outside its volume untouched,
 * stay up, and still take a put afterwards.
 *
 * The lab home sits inside a scratch directory of this test, and the attack aims at a "victim" file
 * in that scratch directory, so even a regression can only touch files the test owns.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILT } from './requirements.js';
import { waitFor } from './wait-for.js';
import { DFSClient } from '../../cluster/client/dfs-client.js';
import { rbwDir } from '../../cluster/datanode/layout.js';
import { homePaths, type ClusterDescription } from '../../cluster/home/description.js';
import { isDaemonAlive } from '../../cluster/home/home.js';
import { startCluster, stopNodes } from '../../cluster/launcher/launcher.js';
import { decodeBlockOpResponseBody, type BlockOpResponse } from '../../cluster/protocol/data-transfer.js';
import { encodeLastPacket, encodePacket } from '../../cluster/protocol/packet.js';
import { craftedWriteBlock, type CraftedBlock } from '../stress/proto-bytes.js';

const VICTIM_TEXT = 'the student’s own file\n';
const ATTACK_BYTES = Buffer.from('echo owned\n');

/** Every path under `dir`, relative, sorted. */
function listTree(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true }) as string[]).sort();
}

/** A varint-delimited message at the start of `buf`, or null while incomplete. */
function firstDelimited(buf: Buffer): Buffer | null {
  let length = 0;
  let shift = 0;
  for (let i = 0; i < buf.length && i < 5; i++) {
    const byte = buf[i] as number;
    length += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return buf.length >= i + 1 + length ? buf.subarray(i + 1, i + 1 + length) : null;
  }
  return null;
}

/**
 * Sends one WRITE_BLOCK as any local process could, then (if the DataNode accepted it) one packet of
 * attacker bytes and the end-of-block packet, as the attack in the issue did. Returns the
 * DataNode's BlockOpResponse.
 */
async function craftedWrite(
  target: { host: string; port: number },
  block: CraftedBlock,
): Promise<BlockOpResponse> {
  const socket = net.connect(target.port, target.host);
  socket.on('error', () => undefined);
  let received = Buffer.alloc(0);
  let closed = false;
  socket.on('data', (chunk: Buffer) => (received = Buffer.concat([received, chunk])));
  socket.on('close', () => (closed = true));
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  socket.write(craftedWriteBlock(block));
  const body = await waitFor("the DataNode's BlockOpResponse", () => firstDelimited(received) ?? undefined, {
    deadlineMs: 10_000,
    intervalMs: 20,
    stopIf: () =>
      closed && firstDelimited(received) === null ? 'the DataNode closed the connection' : undefined,
  });
  const response = decodeBlockOpResponseBody(body);
  if (response.status === 'SUCCESS') {
    socket.write(encodePacket({ offsetInBlock: 0, seqno: 0, lastPacketInBlock: false, data: ATTACK_BYTES }));
    socket.write(encodeLastPacket(ATTACK_BYTES.length, 1));
    // The DataNode ends the write and closes; one that keeps the connection open is cut below.
    await waitFor('the DataNode to close the connection', () => closed || undefined, {
      deadlineMs: 10_000,
      intervalMs: 20,
    }).catch(() => undefined);
  }
  socket.destroy();
  return response;
}

describe.skipIf(!BUILT)('a DataNode never writes outside its volume', () => {
  let scratch: string;
  let home: string;
  let victim: string;
  let client: DFSClient;
  let description: ClusterDescription;
  let poolId: string;

  beforeAll(async () => {
    scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-dnpaths-'));
    home = path.join(scratch, 'home');
    victim = path.join(scratch, 'victim');
    fs.writeFileSync(victim, VICTIM_TEXT);
    await startCluster({ home, datanodes: 1, replication: 1, seed: 'dnpaths', ephemeralPorts: true });
    client = await DFSClient.connect({ home, warn: () => undefined });
    description = JSON.parse(fs.readFileSync(homePaths(home).description, 'utf8')) as ClusterDescription;
    const local = path.join(scratch, 'small.txt');
    fs.writeFileSync(local, 'before\n');
    await client.putFile(local, '/before.txt');
    const located = await client.call('getBlockLocations', {
      src: '/before.txt',
      offset: 0,
      length: 1,
      readerHost: client.clientHost,
    });
    poolId = located?.blocks[0]?.blockPoolId ?? '';
  });

  afterAll(async () => {
    await client?.close();
    if (home) await stopNodes(home);
    if (scratch) fs.rmSync(scratch, { recursive: true, force: true });
  });

  /** `../` segments that climb from the DataNode's rbw/ directory up to the scratch directory. */
  function climbToScratch(): string {
    const rbw = rbwDir(homePaths(home).dataDir('dn1'), poolId);
    const levels = path.relative(scratch, rbw).split(path.sep).length;
    // `blk_` + `../` makes a first segment `blk_..` that the next `..` cancels: one extra level.
    return '../'.repeat(levels + 1);
  }

  it('refuses ids that are paths with ERROR_INVALID and touches nothing outside the lab home', async () => {
    expect(poolId).toMatch(/^BP-/);
    const dn = description.datanodes[0] as { host: string; port: number };
    const climb = climbToScratch();
    const outsideBefore = listTree(scratch).filter((p) => !p.startsWith('home'));
    const attacks: [CraftedBlock, RegExp][] = [
      // blk_<id> → <scratch>/victim
      [{ poolId, blockId: `${climb}victim`, genStamp: 1001n }, /WRITE_BLOCK/],
      // blk_<id>_<gs>.meta → <scratch>/victim.meta
      [{ poolId, blockId: 1073741900n, genStamp: `${climb}victim` }, /WRITE_BLOCK/],
      // current/<bpid>/… → <scratch>/victim
      [
        { poolId: `${poolId}/../../../../../../victim`, blockId: 1073741901n, genStamp: 1001n },
        /header\.block\.poolId: block pool id must be BP-/,
      ],
      // A legal uint64 the lab cannot hold in a number (an erasure-coded group id).
      [{ poolId, blockId: 9223372036854775824n, genStamp: 1001n }, /header\.block\.blockId: .*erasure-coded/],
    ];
    for (const [block, reason] of attacks) {
      const response = await craftedWrite(dn, block);
      expect(response.status, String(block.blockId)).toBe('ERROR_INVALID');
      expect(response.message).toMatch(reason);
    }
    expect(fs.readFileSync(victim, 'utf8')).toBe(VICTIM_TEXT);
    expect(listTree(scratch).filter((p) => !p.startsWith('home'))).toEqual(outsideBefore);
  });

  it('the NameNode serves no file named by a path in an image-transfer txid', async () => {
    const { host, httpPort } = description.namenode;
    for (const query of [
      'getimage=1&txid=../../../victim',
      'getimage=1&txid=1%2F..%2F..%2Fvictim',
      'getedit=1&startTxId=1&endTxId=../../victim',
    ]) {
      const res = await fetch(`http://${host}:${httpPort}/imagetransfer?${query}`);
      expect(res.status, query).toBe(400);
      expect(await res.text()).not.toContain(VICTIM_TEXT);
    }
  });

  it('stays up and still stores and serves a file afterwards', async () => {
    const pid = Number(fs.readFileSync(homePaths(home).pid('dn1'), 'utf8').trim());
    expect(isDaemonAlive(pid)).toBe(true);
    const content = crypto.randomBytes(200_000);
    const local = path.join(scratch, 'after.bin');
    fs.writeFileSync(local, content);
    await client.putFile(local, '/after.bin');
    const back = path.join(scratch, 'after.back');
    await client.getFile('/after.bin', back);
    expect(fs.readFileSync(back).equals(content)).toBe(true);
  });
});
