/**
 * `lab fs` as FsShell: a real cluster (one DataNode, ephemeral ports, its own run directory) and
 * the `lab` binary. Expected texts come from Hadoop's shell classes, named at each assertion;
 * the lab prints `lab fs` where Hadoop prints `hadoop fs` (docs/shell.md lists the differences).
 */
import { execa } from 'execa';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeTestCluster, startTestCluster, LAB_BIN, type LabOutcome } from './lab-process.js';
import { DFSClient } from '../../cluster/client/dfs-client.js';
import { connectDatanodeIpc } from '../../cluster/client/datanode-ipc-client.js';
import { waitFor } from './wait-for.js';
import { requireDescription } from '../../cluster/home/home.js';
import { BUILT } from './requirements.js';
import { runFile } from '../datadriven.js';
import { shellScriptHandler } from './shell-script.js';

describe.skipIf(!BUILT)('lab fs behaves as FsShell', () => {
  let home = '';
  let work = '';
  const lab = async (...args: string[]): Promise<LabOutcome> => {
    const r = await execa('node', [LAB_BIN, '--home', home, ...args], {
      reject: false,
      cwd: work,
      env: { TZ: 'UTC' },
    });
    return { code: r.exitCode ?? -1, stdout: r.stdout, stderr: r.stderr };
  };
  const ok = async (...args: string[]): Promise<string> => {
    const r = await lab(...args);
    expect(r.code, `lab ${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-fs-shell-work-'));
    home = await startTestCluster('lab-fs-shell-', {
      datanodes: 1,
      racks: 1,
      blockSize: '1m',
      replication: 1,
      seed: 'fs-shell',
    });
  }, 120_000);

  afterAll(async () => {
    await removeTestCluster(home);
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  describe('without a cluster, and what a golden file cannot show', () => {
    it('--help works on fs, dfsadmin, fsck and getconf without a running cluster', async () => {
      const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-fs-shell-nohome-'));
      try {
        for (const command of ['fs', 'dfsadmin', 'fsck', 'getconf']) {
          const r = await execa('node', [LAB_BIN, '--home', empty, command, '--help'], { reject: false });
          expect(r.exitCode, command).toBe(0);
          expect(r.stdout, command).toMatch(/^(Usage: lab |lab dfsadmin performs|hdfs getconf is utility)/);
        }
      } finally {
        fs.rmSync(empty, { recursive: true, force: true });
      }
    });

    it('dfsadmin -report takes -D before it and ignores a filter it does not know (DFSAdmin.report)', async () => {
      // DFSAdmin.report pops the filters it knows and ignores the rest (-bogus): the whole report,
      // whose sizes are the disk's (dfsadmin.txt has the rest of dfsadmin).
      const report = await lab('dfsadmin', '-D', 'dfs.replication=1', '-report', '-bogus');
      expect(report.code).toBe(0);
      expect(report.stdout).toMatch(/^Configured Capacity: /m);
      expect(report.stdout).toMatch(/^Live datanodes \(\d+\):$/m);
    });

    it('-tail -f -s prints the end of a file, then what is appended, until stopped (Tail.processPath)', async () => {
      // The file is written and appended to through the lab's client, sparing lab processes.
      const client = await DFSClient.connect({ home, warn: () => undefined });
      try {
        const created = await client.create('/tail-f.txt');
        await created.write(Buffer.from('first\n'));
        await created.close();
        const follow = execa(
          'node',
          [LAB_BIN, '--home', home, 'fs', '-tail', '-f', '-s', '100', '/tail-f.txt'],
          {
            reject: false,
            cwd: work,
          },
        );
        let printed = '';
        follow.stdout?.on('data', (chunk: Buffer) => (printed += chunk.toString()));
        try {
          await waitFor('-tail -f to print the file', () => (printed === 'first\n' ? true : undefined));
          const appended = await client.append('/tail-f.txt');
          await appended.write(Buffer.from('appended\n'));
          await appended.close();
          // Tail.dumpFromOffset every -s milliseconds: the appended bytes, once.
          await waitFor('-tail -f to print the appended line', () =>
            printed === 'first\nappended\n' ? true : undefined,
          );
        } finally {
          follow.kill('SIGINT');
          await follow;
        }
      } finally {
        await client.close();
      }
    });

    it('-df prints a row per path and names a missing one, -h in binary prefixes (FsUsage.Df)', async () => {
      const r = await lab('fs', '-df', '/', '/nope', '/');
      expect(r.code).toBe(1);
      expect(r.stderr).toBe("df: `/nope': No such file or directory");
      const lines = r.stdout.split('\n');
      // TableBuilder's header, then one row for each path that exists.
      expect(lines[0]).toMatch(/^Filesystem +Size +Used +Available +Use%$/);
      expect(lines).toHaveLength(3);
      expect(lines[1]).toBe(lines[2]);
      // -h: TraditionalBinaryPrefix.long2String(size, "", 1), "503.9 G"; a size under 1 KB as a number.
      const h = await lab('fs', '-df', '-h', '/');
      expect(h.stdout.split('\n')[1]).toMatch(
        /^hdfs:\/\/\S+ +\d+(\.\d)? [KMGTPE] +\d+(\.\d)?( [KMGTPE])? +\d+(\.\d)? [KMGTPE] +\d+%$/,
      );
    });

    it('-cp -p[topax] keeps times, permission and extended attributes, directories included (CommandWithDestination.preserveAttributes)', async () => {
      // The source is made and the copy read through the lab's client, sparing lab processes.
      const client = await DFSClient.connect({ home, warn: () => undefined });
      try {
        const call = client.call.bind(client);
        await call('mkdirs', { src: '/keep', permission: 0o750, createParent: false });
        await (await client.create('/keep/f', { permission: 0o600 })).close();
        await call('setTimes', { src: '/keep/f', mtime: Date.UTC(2020, 0, 2, 3, 4, 5), atime: -1 });
        const xattr = { namespace: 'USER' as const, name: 'k', value: Buffer.from('v1').toString('base64') };
        await call('setXAttr', { src: '/keep/f', xattr, flags: { create: true, replace: true } });
        const facts = async (p: string) => {
          const st = await call('getFileInfo', { src: p });
          return [st?.permission, st?.modificationTime];
        };
        const before = [await facts('/keep'), await facts('/keep/f')];
        // popPreserveOption takes -ptopx even after the paths.
        await ok('fs', '-cp', '/keep', '/kept', '-ptopx');
        expect([await facts('/kept'), await facts('/kept/f')]).toEqual(before);
        expect(await call('getXAttrs', { src: '/kept/f', xattrs: [] })).toEqual([xattr]);
      } finally {
        await client.close();
      }
    });

    it('dfsadmin -setBalancerBandwidth reaches the DataNode on a heartbeat reply (BalancerBandwidthCommand)', async () => {
      // DFSAdmin.setBalancerBandwidth: "Balancer bandwidth is set to " + the long string2long read.
      expect(await ok('dfsadmin', '-setBalancerBandwidth', '10m')).toBe(
        'Balancer bandwidth is set to 10485760',
      );
      // The DataNode's ClientDatanodeProtocol.getBalancerBandwidth (what -getBalancerBandwidth asks)
      // answers the new rate once a heartbeat reply has carried it.
      const client = await DFSClient.connect({ home, warn: () => undefined });
      try {
        const [dn] = await client.call('getDatanodeReport', { type: 'LIVE' });
        const ipc = await connectDatanodeIpc({
          description: requireDescription(home),
          journal: client.journal,
          host: dn!.ipAddr,
          port: dn!.ipcPort,
        });
        try {
          await waitFor('the DataNode to take the new balancer bandwidth', async () => {
            const { bytesPerSec } = await ipc.call('getBalancerBandwidth', {});
            return bytesPerSec === 10_485_760 ? true : undefined;
          });
        } finally {
          ipc.close();
        }
      } finally {
        await client.close();
      }
    });

    it("dfsadmin -metasave writes FSNamesystem.metaSave's file in the lab home's logs directory", async () => {
      // DFSAdmin.metaSave: "Created metasave file " + name + " in the log directory of namenode " +
      // the file system's URI (testHDFSConf.xml's comparator for it).
      const nn = requireDescription(home).namenode;
      expect(await ok('dfsadmin', '-metasave', 'meta.txt')).toBe(
        `Created metasave file meta.txt in the log directory of namenode hdfs://${nn.host}:${nn.port}`,
      );
      const lines = fs.readFileSync(path.join(home, 'logs', 'meta.txt'), 'utf8').split('\n');
      expect(lines[0]).toMatch(/^\d+ files and directories, \d+ blocks = \d+ total filesystem objects$/);
      expect(lines.slice(1, 3)).toEqual(['Live Datanodes: 1', 'Dead Datanodes: 0']);
      expect(lines).toContain('Metasave: Number of datanodes: 1');
      // The NameNode writes only in its log directory.
      const out = await lab('dfsadmin', '-metasave', '../escape.txt');
      expect(out.code).toBe(255);
      expect(out.stderr).toMatch(/^metasave: \.\.\/escape\.txt: not a file in the NameNode's log directory /);
      expect(fs.existsSync(path.join(home, 'escape.txt'))).toBe(false);
    });
  });

  describe('golden files, one per command (testdata/shell/*.txt, UPDATE_GOLDEN=1 rewrites them)', () => {
    // Each file works under its own directory of the one cluster, in a local folder of its own,
    // in name order; each expected text names the Hadoop class and format it comes from.
    const dir = path.join(import.meta.dirname, 'testdata/shell');
    const files = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.txt'))
      .sort();
    for (const file of files) {
      it(file, async () => {
        const folder = fs.mkdtempSync(path.join(work, `${path.basename(file, '.txt')}-`));
        await runFile(path.join(dir, file), shellScriptHandler({ home, work: folder }));
      });
    }
  });

  describe('a tutorial golden script', () => {
    it("the FileSystemShell guide's first examples and a university lab sheet print Hadoop's text, line for line", async () => {
      // testdata/tutorial.txt: each expected text names the Hadoop class and format it comes from.
      const folder = fs.mkdtempSync(path.join(work, 'tutorial-'));
      await runFile(
        path.join(import.meta.dirname, 'testdata/tutorial.txt'),
        shellScriptHandler({ home, work: folder }),
      );
    });
  });
});
