/**
 * Issue 10's "Done when" on the wire itself: a real `tcpdump -i lo -X port <NameNode port>` while
 * `lab fs -put` writes a file shows what seed 000 shows of HDFS — the `hrpc` preamble, the
 * ClientProtocol name, `addBlock`, and a DataNode's transfer address (its IP address and xferPort
 * in the DatanodeIDProto of the addBlock reply) — and no JSON body. Capturing needs root (or
 * CAP_NET_RAW) and tcpdump: without them the test says why and skips.
 * Runs in `npm run test:long` (LAB_LONG=1); skipped until the daemons are built.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requireDescription } from '../../cluster/home/home.js';
import { startCluster, stopNodes } from '../../cluster/launcher/launcher.js';
import { runLab } from './lab-process.js';
import { waitFor } from './wait-for.js';

const repo = path.resolve(import.meta.dirname, '../..');

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

describe.skipIf(
  !fs.existsSync(path.join(repo, 'dist/cluster/runtime/main.js')) || process.env.LAB_LONG !== '1',
)('a real capture of the NameNode port during a put', () => {
  const reason = cannotCapture();
  let home = '';
  let work = '';

  beforeAll(async () => {
    if (reason) return;
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-capture-'));
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-capture-work-'));
    await startCluster({
      home,
      datanodes: 3,
      racks: 1,
      blockSize: '1m',
      replication: 2,
      seed: 'capture',
      ephemeralPorts: true,
    });
  }, 120_000);

  afterAll(async () => {
    if (home) {
      await stopNodes(home);
      fs.rmSync(home, { recursive: true, force: true });
    }
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  it('shows hrpc, ClientProtocol, addBlock and a DataNode transfer address, and no JSON', async (ctx) => {
    if (reason) {
      console.warn(`wire-capture: skipped: ${reason}`);
      ctx.skip();
      return;
    }
    const desc = requireDescription(home);
    const file = path.join(work, 'two-blocks.bin');
    fs.writeFileSync(file, crypto.randomBytes(1_500_000));
    let stdout = '';
    let stderr = '';
    const tcpdump: ChildProcess = spawn(
      'tcpdump',
      ['-i', 'lo', '-n', '-l', '-U', '-X', '-s', '0', 'port', String(desc.namenode.port)],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) => tcpdump.once('exit', (code) => resolve(code)));
    tcpdump.stdout?.on('data', (d: Buffer) => (stdout += d.toString('latin1')));
    tcpdump.stderr?.on('data', (d: Buffer) => (stderr += d.toString('latin1')));
    try {
      await waitFor('tcpdump listening on lo', () => (/listening on lo/.test(stderr) ? true : undefined));
      const put = await runLab(home, 'fs', '-put', file, '/capture.bin');
      expect(put.code, put.stderr).toBe(0);
      // The put's last call (rename of ._COPYING_) answered: every frame of it went by.
      await waitFor('the rename in the capture', () =>
        Buffer.concat(packetsOfHexDump(stdout)).includes('rename', 0, 'latin1') ? true : undefined,
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
    // The lab once framed JSON bodies ({"callId":0,"ok":true,…}): no object key crosses the port.
    expect(all.toString('latin1')).not.toMatch(/\{"[A-Za-z]+":/);
  });
});
