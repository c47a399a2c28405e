import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { LauncherError } from '../../cluster/home/errors.js';
import { startCluster } from '../../cluster/launcher/launcher.js';
import { planCluster, type PlanInput, type StartOptions } from '../../cluster/launcher/plan.js';

function plan(options: StartOptions, extra: Partial<PlanInput> = {}) {
  return planCluster({
    options,
    loopbackAliases: true,
    fallbackSeed: '42',
    nowMs: 1_700_000_000_000,
    ...extra,
  });
}

function usageMessage(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(LauncherError);
    expect((error as LauncherError).kind).toBe('usage');
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
}

describe('planCluster options', () => {
  it('defaults to 3 DataNodes on /default-rack, Hadoop defaults for block size and replication', () => {
    const { description, warnings } = plan({});
    expect(description.datanodes.map((dn) => [dn.id, dn.rack, dn.host])).toEqual([
      ['dn1', '/default-rack', '127.0.1.1'],
      ['dn2', '/default-rack', '127.0.1.2'],
      ['dn3', '/default-rack', '127.0.1.3'],
    ]);
    expect(description.conf).toEqual({});
    expect(description.seed).toBe('42');
    expect(warnings).toEqual([]);
  });

  it('rejects a bad --datanodes', () => {
    expect(usageMessage(() => plan({ datanodes: 0 }))).toContain(
      '--datanodes must be a whole number from 1 to 64',
    );
    expect(usageMessage(() => plan({ datanodes: 65 }))).toContain('--datanodes');
    expect(usageMessage(() => plan({ datanodes: 2.5 }))).toContain('got 2.5');
  });

  it('rejects more racks than DataNodes, and --racks with --topology', () => {
    expect(usageMessage(() => plan({ datanodes: 2, racks: 3 }))).toContain('more racks than DataNodes');
    expect(
      usageMessage(() => plan({ racks: 2, topologyFile: 't.txt' }, { topologyText: 'dn1 /r1' })),
    ).toContain('give one of them');
  });

  it('spreads DataNodes over racks', () => {
    const { description } = plan({ datanodes: 4, racks: 2 });
    expect(description.datanodes.map((dn) => `${dn.id} ${dn.rack} ${dn.host}`)).toEqual([
      'dn1 /rack1 127.0.1.1',
      'dn2 /rack1 127.0.1.2',
      'dn3 /rack2 127.0.2.3',
      'dn4 /rack2 127.0.2.4',
    ]);
  });

  it('caps replication at the DataNode count with a warning', () => {
    const { description, warnings } = plan({ datanodes: 2, replication: 3 });
    expect(description.conf['dfs.replication']).toBe('2');
    expect(warnings.join('\n')).toMatch(/replication 3 is more than the 2 DataNode\(s\); capped at 2/);
    // The default replication (3) is capped too.
    expect(plan({ datanodes: 1 }).description.conf['dfs.replication']).toBe('1');
  });

  it('bounds --replication by dfs.replication.max: 512 (hdfs-default.xml) unless -D sets it', () => {
    expect(usageMessage(() => plan({ replication: 513 }))).toContain(
      '--replication must be a whole number from 1 to 512, got 513',
    );
    expect(usageMessage(() => plan({ replication: 3, defines: ['dfs.replication.max=2'] }))).toContain(
      '--replication must be a whole number from 1 to 2, got 3',
    );
  });

  it('refuses a block size below dfs.namenode.fs-limits.min-block-size, 1 MiB unless -D lowers it', () => {
    expect(usageMessage(() => plan({ blockSize: '512k' }))).toContain(
      'below dfs.namenode.fs-limits.min-block-size (1048576 bytes)',
    );
    const lowered = plan({ blockSize: '512k', defines: ['dfs.namenode.fs-limits.min-block-size=4k'] });
    expect(lowered.description.conf['dfs.blocksize']).toBe('512k');
  });

  it('maps --block-size and --replication to Hadoop keys, and merges -D', () => {
    const { description } = plan({ blockSize: '1m', replication: 2, defines: ['dfs.heartbeat.interval=1s'] });
    expect(description.conf).toEqual({
      'dfs.blocksize': '1m',
      'dfs.replication': '2',
      'dfs.heartbeat.interval': '1s',
    });
  });

  it('rejects bad sizes, tiny blocks and malformed -D', () => {
    expect(usageMessage(() => plan({ blockSize: 'lots' }))).toContain('--block-size');
    expect(usageMessage(() => plan({ blockSize: '4k' }))).toContain('min-block-size');
    expect(usageMessage(() => plan({ defines: ['dfs.replication'] }))).toContain('key=value');
    expect(usageMessage(() => plan({ defines: ['dfs.heartbeat.interval=soon'] }))).toContain(
      'dfs.heartbeat.interval',
    );
  });

  it('warns about a -D key that looks like a typo', () => {
    const { warnings } = plan({ defines: ['dfs.replicaton=2'] });
    expect(warnings.join('\n')).toContain('dfs.replication');
  });
});

describe('planCluster --topology', () => {
  const text = ['# two data centres', 'dn1 /dc1/rack1', 'dn2 /dc1/rack2', '127.0.3.3 /dc2/rack1', ''].join(
    '\n',
  );

  it('maps DataNode ids and planned addresses to racks; one DataNode per line', () => {
    const { description, warnings } = plan({ topologyFile: 'racks.txt' }, { topologyText: text });
    expect(description.datanodes.map((dn) => `${dn.id} ${dn.rack} ${dn.host}`)).toEqual([
      'dn1 /dc1/rack1 127.0.1.1',
      'dn2 /dc1/rack2 127.0.2.2',
      'dn3 /dc2/rack1 127.0.3.3',
    ]);
    expect(warnings).toEqual([]);
    expect(description.conf['net.topology.table.file.name']).toBe('racks.txt');
  });

  it('sends unmapped DataNodes to /default-rack with a warning, and rejects mixed depths', () => {
    const flat = plan({ topologyFile: 'r.txt', datanodes: 3 }, { topologyText: 'dn1 /rackA\ndn2 /rackB' });
    expect(flat.description.datanodes[2]?.rack).toBe('/default-rack');
    expect(flat.warnings.join('\n')).toContain('does not map dn3');
    expect(
      usageMessage(() =>
        plan({ topologyFile: 'r.txt', datanodes: 3 }, { topologyText: text.replace('127.0.3.3', '#') }),
      ),
    ).toMatch(/same depth|same level/);
  });

  it('rejects a file naming DataNodes beyond --datanodes, or none at all', () => {
    expect(
      usageMessage(() => plan({ topologyFile: 'r.txt', datanodes: 2 }, { topologyText: text })),
    ).toContain('dn3');
    expect(usageMessage(() => plan({ topologyFile: 'r.txt' }, { topologyText: '# empty\n' }))).toContain(
      'maps no DataNode',
    );
  });
});

describe('startCluster validation (no process is started)', () => {
  it('refuses an unknown topology file with a usage error', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-plan-'));
    try {
      const error = await startCluster({
        home,
        topologyFile: path.join(home, 'missing.txt'),
        daemonScript: process.execPath,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LauncherError);
      expect((error as LauncherError).kind).toBe('usage');
      expect((error as Error).message).toContain('cannot read topology file');
      // Nothing was started, and the failed start took its empty skeleton away again.
      expect(fs.readdirSync(home)).toEqual([]);
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});
