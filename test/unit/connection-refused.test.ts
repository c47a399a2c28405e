/**
 * A Hadoop shell command against a NameNode that is not running: the ConnectException as
 * org.apache.hadoop.net.NetUtils.wrapException words it ("Call From <local host> to <host>:<port>
 * failed on connection exception: …; For more details see:  http://wiki.apache.org/hadoop/…"),
 * after the command's name, exit 1 (FsShell's Command.exitCodeForError).
 */
import dns from 'node:dns/promises';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ClusterDescription } from '../../cluster/home/description.js';
import { writeDescription } from '../../cluster/home/home.js';
import { connectionRefusedMessage } from '../../lab/format/connection-refused.js';
import { captureOutput, labInProcess, type CapturedOutput } from './lab-in-process.js';

describe('NetUtils.wrapException for a refused connection', () => {
  it('names the local host, the address dialled and the wiki page (two spaces before it)', () => {
    expect(
      connectionRefusedMessage({ localHost: 'vm/127.0.0.1', destHost: 'localhost', destPort: 8020 }),
    ).toBe(
      'Call From vm/127.0.0.1 to localhost:8020 failed on connection exception: ' +
        'java.net.ConnectException: Connection refused; For more details see:  ' +
        'http://wiki.apache.org/hadoop/ConnectionRefused',
    );
  });
});

describe('lab fs with the NameNode stopped', () => {
  let home = '';
  let output: CapturedOutput = { stdout: [], stderr: [] };

  async function closedPort(): Promise<number> {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as net.AddressInfo;
    await new Promise((resolve) => server.close(resolve));
    return port;
  }

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-refused-'));
    output = captureOutput();
  });

  afterEach(() => {
    vi.restoreAllMocks();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('prints FsShell\'s "ls: Call From …" line and exits 1', async () => {
    const port = await closedPort();
    const description: ClusterDescription = {
      version: 1,
      seed: '7',
      createdMs: 0,
      conf: {},
      namenode: { id: 'nn', host: '127.0.0.1', port },
      secondary: null,
      datanodes: [],
      client: { host: '127.0.0.1', rack: '/default-rack' },
      loopbackAliases: false,
    } as unknown as ClusterDescription;
    writeDescription(home, description);
    expect(await labInProcess(home, 'fs', '-ls', '/')).toBe(1);
    // Java's names for them: InetAddress.getLocalHost() and the NameNode address's host name.
    const local = `${os.hostname()}/${(await dns.lookup(os.hostname())).address}`;
    const dest = (await dns.lookupService('127.0.0.1', port)).hostname;
    expect(output.stderr.join('')).toBe(
      `ls: ${connectionRefusedMessage({ localHost: local, destHost: dest, destPort: port })}\n`,
    );
  });
});
