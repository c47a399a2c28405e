import { describe, expect, it } from 'vitest';
import type { ClusterDescription } from '../../cluster/home/description.js';
import { parseHadoopArgs } from '../../lab/cli/hadoop-args.js';
import { UsageError } from '../../lab/cli/errors.js';
import { distanceBetween, topologyOf } from '../../cluster/home/topology.js';
import { renderTree } from '../../lab/commands/topology.js';
import { describedCluster } from './cluster-description.js';

describe('parseHadoopArgs', () => {
  const spec = { command: 'fsck', options: [{ name: 'files' }, { name: 'blockId', values: 1 }] };

  it('reads single-dash long options, values, -D, --json and operands in any order', () => {
    const args = parseHadoopArgs(
      ['/a', '-files', '-Ddfs.replication=2', '-blockId', 'blk_1', '--json', '-', '-D', 'x=y'],
      spec,
    );
    expect([...args.options]).toEqual([
      ['files', []],
      ['blockId', ['blk_1']],
    ]);
    expect(args.operands).toEqual(['/a', '-']);
    expect(args.defines).toEqual(['dfs.replication=2', 'x=y']);
    expect(args.json).toBe(true);
  });

  it('matches case-insensitively when asked, as GetConf does', () => {
    const args = parseHadoopArgs(['-CONFKEY', 'k'], {
      command: 'getconf',
      options: [{ name: 'confKey', values: 1 }],
      caseInsensitive: true,
    });
    expect(args.options.get('confKey')).toEqual(['k']);
  });

  it('gives usage errors for unknown options and missing values', () => {
    expect(() => parseHadoopArgs(['-nope'], spec)).toThrow(UsageError);
    expect(() => parseHadoopArgs(['-blockId'], spec)).toThrow(/-blockId expects 1 argument/);
  });
});

const description: ClusterDescription = describedCluster(
  [
    { id: 'dn1', host: '127.0.1.1', port: 9866, rack: '/dc1/rack1' },
    { id: 'dn2', host: '127.0.1.2', port: 9866, rack: '/dc1/rack1' },
    { id: 'dn3', host: '127.0.2.3', port: 9866, rack: '/dc1/rack2' },
    { id: 'dn4', host: '127.0.3.4', port: 9866, rack: '/dc2/rack1' },
  ],
  { seed: '7' },
);

describe('lab distance', () => {
  it('prints the path through the lowest common ancestor', () => {
    expect(distanceBetween(description, 'dn1', 'dn3')).toEqual({
      a: 'dn1',
      b: 'dn3',
      distance: 4,
      path: ['dn1', '/dc1/rack1', '/dc1', '/dc1/rack2', 'dn3'],
    });
    expect(distanceBetween(description, 'dn1', '127.0.3.4').distance).toBe(6);
    expect(distanceBetween(description, '127.0.1.2:9866', 'dn1').path).toEqual(['dn2', '/dc1/rack1', 'dn1']);
    expect(distanceBetween(description, 'dn2', 'dn2')).toMatchObject({ distance: 0, path: ['dn2'] });
  });

  it('refuses an unknown endpoint, listing the DataNodes', () => {
    expect(() => distanceBetween(description, 'dn9', 'dn1')).toThrow(
      /no DataNode dn9\. DataNodes: dn1 \(127\.0\.1\.1:9866\)/,
    );
  });
});

describe('lab topology', () => {
  it('draws data centres, racks and DataNodes with addresses', () => {
    expect(renderTree(topologyOf(description).toTree())).toEqual([
      '/',
      '├── dc1',
      '│   ├── rack1',
      '│   │   ├── dn1  127.0.1.1:9866',
      '│   │   └── dn2  127.0.1.2:9866',
      '│   └── rack2',
      '│       └── dn3  127.0.2.3:9866',
      '└── dc2',
      '    └── rack1',
      '        └── dn4  127.0.3.4:9866',
    ]);
  });
});
