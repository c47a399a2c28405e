/**
 * Issue 10's "Done when" on the wire itself: a real `tcpdump -i lo -X port <NameNode port>` while
 * `lab fs -put` writes a file shows what seed 000 shows of HDFS — the `hrpc` preamble, the
 * ClientProtocol name, `addBlock`, and a DataNode's transfer address (its IP address and xferPort
 * in the DatanodeIDProto of the addBlock reply) — and no JSON body on any port: the capture takes
 * every DataNode's transfer and IPC ports too, during the put, a get and a `dfsadmin
 * -getDatanodeInfo`, and finds DataTransferProtocol's version and op codes and ClientDatanodeProtocol
 * calls there. Capturing needs root (or CAP_NET_RAW) and tcpdump: without them the test says why and skips.
 * Runs in `npm run test:long` (LAB_LONG=1); skipped until the daemons are built.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTestCluster, startTestCluster } from './lab-process.js';
import { BUILT } from './requirements.js';
import { requireDescription } from '../../cluster/home/home.js';
import { runLab } from './lab-process.js';
import { waitFor } from './wait-for.js';

/** Why this machine cannot capture on lo, or null when it can. */
function cannotCapture(): string | null {
  if (process.platform !== 'linux') return `capturing on lo is tested on Linux only (${process.platform})`;
  if (spawnSync('tcpdump', ['--version']).error) return 'tcpdump is not installed';
  if (process.getuid?.() !== 0) return 'tcpdump needs root (or CAP_NET_RAW) to capture on lo';
  return null;
}

/** The bytes of each packet of `tcpdump -X` output (headers included), from its hex columns. */
function packetsOfHexDump(text: string): Buffer[] {
  const packets: Buffer[] = [];
  let current: string[] | null = null;
  for (const line of text.split('\n')) {
    const hexLine = /^\s+0x[0-9a-f]{4}:\s+((?:[0-9a-f]{2,4}\s)+)/.exec(line);
    if (hexLine) {
      current ??= [];
      current.push((hexLine[1] as string).replace(/\s+/g, ''));
    } else if (line.trim() !== '') {
      if (current) packets.push(Buffer.from(current.join(''), 'hex'));
      current = null;
    }
  }
  if (current) packets.push(Buffer.from(current.join(''), 'hex'));
  return packets;
}

/** A protobuf varint's bytes. */
function varint(n: number): Buffer {
  const out: number[] = [];
  for (let v = n; ; v = Math.floor(v / 128)) {
    if (v < 128) {
      out.push(v);
      break;
    }
    out.push((v % 128) | 0x80);
  }
  return Buffer.from(out);
}

describe.skipIf(!BUILT || process.env.LAB_LONG !== '1')(
  'a real capture of the NameNode and DataNode ports during a put and a get',
  () => {
    const reason = cannotCapture();
    let home = '';
    let work = '';

    beforeAll(async () => {
      if (reason) return;
      work = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-capture-work-'));
      home = await startTestCluster('lab-capture-', {
        datanodes: 3,
        racks: 1,
        blockSize: '1m',
        replication: 2,
        seed: 'capture',
      });
    }, 120_000);

    afterAll(async () => {
      await removeTestCluster(home);
      if (work) fs.rmSync(work, { recursive: true, force: true });
    });

    it('shows hrpc, ClientProtocol, addBlock, a DataNode transfer address, DataTransferProtocol ops and ClientDatanodeProtocol, and no JSON', async (ctx) => {
      if (reason) {
        console.warn(`wire-capture: skipped: ${reason}`);
        ctx.skip();
        return;
      }
      const desc = requireDescription(home);
      const file = path.join(work, 'two-blocks.bin');
      // Random bytes without `{`, so that the file's own bytes can never look like a JSON body.
      fs.writeFileSync(
        file,
        crypto.randomBytes(1_500_000).map((b) => (b === 0x7b ? 0 : b)),
      );
      // The NameNode's port, and every DataNode's transfer and IPC ports.
      const ports = [desc.namenode.port, ...desc.datanodes.flatMap((dn) => [dn.port, dn.ipcPort ?? dn.port])];
      const filter = ports.flatMap((p, i) => [...(i > 0 ? ['or'] : []), 'port', String(p)]);
      let stdout = '';
      let stderr = '';
      const tcpdump: ChildProcess = spawn(
        'tcpdump',
        ['-i', 'lo', '-n', '-l', '-U', '-X', '-s', '0', ...filter],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      const exited = new Promise<number | null>((resolve) => tcpdump.once('exit', (code) => resolve(code)));
      tcpdump.stdout?.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
      tcpdump.stderr?.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
      try {
        await waitFor('tcpdump listening on lo', () => (/listening on lo/.test(stderr) ? true : undefined));
        const put = await runLab(home, 'fs', '-put', file, '/capture.bin');
        expect(put.code, put.stderr).toBe(0);
        const get = await runLab(home, 'fs', '-get', '/capture.bin', path.join(work, 'back.bin'));
        expect(get.code, get.stderr).toBe(0);
        const dn1 = desc.datanodes[0] as { host: string; ipcPort?: number };
        const info = await runLab(home, 'dfsadmin', '-getDatanodeInfo', `${dn1.host}:${dn1.ipcPort}`);
        expect(info.code, info.stderr).toBe(0);
        // The last answer (getDatanodeInfo's DatanodeLocalInfoProto, naming its configuration version) went by.
        await waitFor('the getDatanodeInfo answer in the capture', () =>
          Buffer.concat(packetsOfHexDump(stdout)).includes('core-', 0, 'latin1') ? true : undefined,
        );
      } finally {
        tcpdump.kill('SIGINT');
        await exited;
      }
      const packets = packetsOfHexDump(stdout);
      expect(packets.length).toBeGreaterThan(0);
      const all = Buffer.concat(packets);
      expect(all.includes('hrpc\x09\x00\x00', 0, 'latin1')).toBe(true);
      expect(all.includes('org.apache.hadoop.hdfs.protocol.ClientProtocol', 0, 'latin1')).toBe(true);
      expect(all.includes('addBlock', 0, 'latin1')).toBe(true);
      // The addBlock reply names its targets: a DataNode's IP address, then (DatanodeIDProto field 4)
      // its transfer port, within one packet.
      const named = desc.datanodes.filter((dn) =>
        packets.some((p) => {
          const ip = p.indexOf(dn.host, 0, 'latin1');
          return ip >= 0 && p.indexOf(Buffer.concat([Buffer.from([0x20]), varint(dn.port)]), ip) > ip;
        }),
      );
      expect(named.length).toBeGreaterThan(0);
      // DataTransferProtocol: each op starts with the version (28, two bytes) and its op code:
      // WRITE_BLOCK 80 for the put, READ_BLOCK 81 for the get (DataTransferProtocol.proto's Op).
      expect(all.includes(Buffer.from([0x00, 0x1c, 0x50]))).toBe(true);
      expect(all.includes(Buffer.from([0x00, 0x1c, 0x51]))).toBe(true);
      // The DataNode's IPC port speaks Hadoop IPC too.
      expect(all.includes('org.apache.hadoop.hdfs.protocol.ClientDatanodeProtocol', 0, 'latin1')).toBe(true);
      expect(all.includes('getDatanodeInfo', 0, 'latin1')).toBe(true);
      // The lab once framed JSON bodies ({"callId":0,"ok":true,…}): no object key crosses any port.
      expect(all.toString('latin1')).not.toMatch(/\{"[A-Za-z]+":/);
    });
  },
);
