/**
 * Issue 15 defect 2 on real processes: a mistyped request is refused and the edit log keeps
 * working; when the edit log cannot be written the NameNode stops (fail-stop), and after a
 * restart the namespace is what `-ls` showed before the failure.
 */
import { listAll } from '../../cluster/client/listing.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, startNode, stopNodes } from '../../cluster/launcher/launcher.js';
import { isDaemonAlive, readPid } from '../../cluster/home/home.js';
import { RpcClient } from '../../cluster/transport/rpc-client.js';
import { connectNamenodeRpc as connect } from './lab-process.js';
import { waitFor } from './wait-for.js';
import { BUILT } from './requirements.js';

async function listing(nn: RpcClient): Promise<string[]> {
  return ((await listAll(nn, '/')) ?? []).map((s) => s.path).sort();
}

describe.skipIf(!BUILT)('NameNode safety', () => {
  let home = '';
  let trigger = '';

  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-nnsafe-it-'));
    trigger = path.join(home, 'editlog-fails');
    process.env.LAB_FAULT_EDITLOG_FAIL_FILE = trigger;
    await startCluster({ home, datanodes: 1, seed: 'nnsafe', ephemeralPorts: true });
  }, 60_000);

  afterAll(async () => {
    delete process.env.LAB_FAULT_EDITLOG_FAIL_FILE;
    await stopNodes(home).catch(() => []);
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('refuses a bad request, then stops when the edit log fails; a restart shows what -ls showed', async () => {
    const first = await connect(home);
    try {
      await first.nn.call('mkdirs', { src: '/ok1', permission: 0o755, createParent: true });
      await expect(
        first.nn.call('mkdirs', { src: '/bad', permission: 99999, createParent: true }),
      ).rejects.toThrow(/mkdirs: permission must be a permission from 0 to 07777/);
      await first.nn.call('mkdirs', { src: '/ok2', permission: 0o755, createParent: true });
      const before = await listing(first.nn);
      expect(before).toEqual(['/ok1', '/ok2']);

      fs.writeFileSync(trigger, '');
      await expect(
        first.nn.call('mkdirs', { src: '/lost', permission: 0o755, createParent: true }),
      ).rejects.toThrow(/flush failed for required journal/);
      const pid = readPid(home, 'nn');
      expect(pid).toBeDefined();
      await waitFor('the NameNode to exit after its edit log failed', () =>
        isDaemonAlive(pid as number) ? undefined : true,
      );
      const log = fs.readFileSync(path.join(home, 'logs', 'nn.log'), 'utf8');
      expect(log).toMatch(
        /Error: (flush|write op) failed for required journal \(JournalAndStream\(mgr=FileJournalManager/,
      );
      expect(log).toContain('ExitUtil: Exiting with status 1');

      fs.rmSync(trigger);
      await startNode(home, 'nn');
      const again = await connect(home);
      try {
        expect(await listing(again.nn)).toEqual(before);
      } finally {
        again.close();
      }
    } finally {
      first.close();
    }
  }, 120_000);
});
