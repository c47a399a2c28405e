import { describe, expect, it } from 'vitest';
import { WORKED_EXAMPLE_LEAVES } from '../../cluster/net/examples.js';
import {
  DEFAULT_RACK,
  DISTANCE_INFINITE,
  InvalidTopologyError,
  NetworkTopology,
  printTopology,
} from '../../cluster/net/topology.js';

/** A 3-level tree: dc1 (rackA: h1 h2, rackB: h3), dc2 (rackC: h4 h5). */
function workedExample(): NetworkTopology {
  return new NetworkTopology(WORKED_EXAMPLE_LEAVES);
}

describe('NetworkTopology distance', () => {
  it('gives the distances of the worked 3-level example', () => {
    const topology = workedExample();
    expect(['h1', 'h2', 'h3', 'h4', 'h5'].map((name) => topology.getDistance('h1', name))).toEqual([
      0, 2, 4, 6, 6,
    ]);
    expect(topology.getDistance('h3', 'h4')).toBe(6);
    expect(topology.getDistance('h4', 'h5')).toBe(2);
    expect(topology.getDistance('h2', 'h3')).toBe(4);
  });

  it('is symmetric', () => {
    const topology = workedExample();
    for (const a of ['h1', 'h2', 'h3', 'h4', 'h5']) {
      for (const b of ['h1', 'h2', 'h3', 'h4', 'h5']) {
        expect(topology.getDistance(a, b)).toBe(topology.getDistance(b, a));
      }
    }
  });

  it('gives 0, 2 and 4 in a 2-level tree', () => {
    const topology = new NetworkTopology([
      { name: 'dn1', location: '/rack1', address: '127.0.0.1:9866' },
      { name: 'dn2', location: '/rack1', address: '127.0.0.1:9867' },
      { name: 'dn3', location: '/rack2', address: '127.0.0.1:9868' },
    ]);
    expect(topology.getDistance('dn1', 'dn1')).toBe(0);
    expect(topology.getDistance('dn1', 'dn2')).toBe(2);
    expect(topology.getDistance('dn1', 'dn3')).toBe(4);
  });

  it('is infinite for a DataNode it does not know', () => {
    const topology = workedExample();
    expect(topology.getDistance('h1', 'h9')).toBe(DISTANCE_INFINITE);
    expect(topology.getDistance('h9', 'h9')).toBe(DISTANCE_INFINITE);
    expect(DISTANCE_INFINITE).toBeGreaterThan(1_000_000);
  });

  it('explains the route through the lowest common ancestor', () => {
    const topology = workedExample();
    expect(topology.explainDistance('h1', 'h4')).toEqual({
      distance: 6,
      up: ['/dc1/rackA/h1', '/dc1/rackA', '/dc1'],
      down: ['/dc2', '/dc2/rackC', '/dc2/rackC/h4'],
      lca: '/',
    });
    expect(topology.explainDistance('h1', 'h2')).toEqual({
      distance: 2,
      up: ['/dc1/rackA/h1'],
      down: ['/dc1/rackA/h2'],
      lca: '/dc1/rackA',
    });
    expect(topology.explainDistance('h3', 'h3')).toEqual({
      distance: 0,
      up: [],
      down: [],
      lca: '/dc1/rackB/h3',
    });
    expect(topology.explainDistance('h1', 'nope').distance).toBe(DISTANCE_INFINITE);
  });

  it('weighs an off-cluster reader by its resolved location and host', () => {
    const topology = workedExample();
    const client = { location: '/dc1/rackA', host: 'laptop' };
    expect(topology.getDistance(client, 'h1')).toBe(2);
    expect(topology.getDistance(client, 'h3')).toBe(4);
    expect(topology.getDistance('h4', client)).toBe(6);
    expect(topology.getDistance({ location: 'bad', host: 'x' }, 'h1')).toBe(DISTANCE_INFINITE);
  });

  it('treats a reader on a DataNode host as that DataNode', () => {
    const topology = workedExample();
    expect(topology.getDistance({ location: DEFAULT_RACK, host: '10.0.0.4' }, 'h4')).toBe(0);
    expect(topology.getDistance({ location: DEFAULT_RACK, host: '10.0.0.4:9866' }, 'h5')).toBe(2);
    expect(topology.getDistance({ location: DEFAULT_RACK, host: 'h3' }, 'h3')).toBe(0);
  });

  it('does not guess a DataNode from an IP that several DataNodes share', () => {
    const topology = new NetworkTopology([
      { name: 'dn1', location: '/rack1', address: '127.0.0.1:9866' },
      { name: 'dn2', location: '/rack2', address: '127.0.0.1:9867' },
    ]);
    expect(topology.getDistance({ location: '/rack1', host: '127.0.0.1' }, 'dn1')).toBe(2);
    expect(topology.getDistance({ location: '/rack1', host: '127.0.0.1:9867' }, 'dn2')).toBe(0);
  });
});

describe('NetworkTopology structure', () => {
  it('lists racks sorted and the DataNodes on each', () => {
    const topology = new NetworkTopology([
      { name: 'dn10', location: '/rack2', address: 'a:1' },
      { name: 'dn2', location: '/rack10', address: 'a:2' },
      { name: 'dn1', location: '/rack2', address: 'a:3' },
    ]);
    expect(topology.racks()).toEqual(['/rack2', '/rack10']);
    expect(topology.numOfRacks()).toBe(2);
    expect(topology.leavesOnRack('/rack2')).toEqual(['dn1', 'dn10']);
    expect(topology.leavesOnRack('/nowhere')).toEqual([]);
    expect(topology.has('dn2')).toBe(true);
    expect(topology.getLocation('dn2')).toBe('/rack10');
    expect(topology.getLocation('dn3')).toBeUndefined();
  });

  it('removes DataNodes and moves one that is added again', () => {
    const topology = workedExample();
    expect(topology.remove('h3')).toBe(true);
    expect(topology.remove('h3')).toBe(false);
    expect(topology.has('h3')).toBe(false);
    expect(topology.racks()).toEqual(['/dc1/rackA', '/dc2/rackC']);
    topology.add({ name: 'h1', location: '/dc2/rackC', address: '10.0.0.1:9866' });
    expect(topology.getLocation('h1')).toBe('/dc2/rackC');
    expect(topology.getDistance('h1', 'h4')).toBe(2);
    expect(topology.numOfLeaves()).toBe(4);
  });

  it('rejects leaves at different depths with a message naming both locations', () => {
    const topology = workedExample();
    const add = () => topology.add({ name: 'h6', location: '/rackD', address: '10.0.0.6:9866' });
    expect(add).toThrow(InvalidTopologyError);
    expect(add).toThrow(/\/rackD/);
    expect(add).toThrow(/\/dc1\/rackA/);
    expect(topology.has('h6')).toBe(false);

    const flat = new NetworkTopology([{ name: 'dn1', location: '/rack1', address: 'a:1' }]);
    expect(() => flat.add({ name: 'dn2', location: '/dc1/rack1', address: 'a:2' })).toThrow(
      /\/dc1\/rack1.*\/rack1|\/rack1.*\/dc1\/rack1/,
    );
    expect(
      () =>
        new NetworkTopology([
          { name: 'dn1', location: '/rack1', address: 'a:1' },
          { name: 'dn2', location: '/dc1/rack1', address: 'a:2' },
        ]),
    ).toThrow(/same depth/);
  });

  it('accepts a new depth once the topology is empty again', () => {
    const topology = new NetworkTopology([{ name: 'dn1', location: '/rack1', address: 'a:1' }]);
    topology.remove('dn1');
    topology.add({ name: 'dn1', location: '/dc1/rack1', address: 'a:1' });
    expect(topology.getLocation('dn1')).toBe('/dc1/rack1');
  });

  it('rejects malformed locations', () => {
    const topology = new NetworkTopology();
    for (const location of ['rack1', '', '/', '/dc1//rack1', '/rack1/']) {
      expect(() => topology.add({ name: 'dn1', location, address: 'a:1' })).toThrow(
        /Invalid network location/,
      );
    }
    expect(() => topology.add({ name: 'a/b', location: '/rack1', address: 'a:1' })).toThrow(/DataNode name/);
  });

  it('builds a tree from the root through data centres and racks to DataNodes', () => {
    const tree = workedExample().toTree();
    const shape = (node: ReturnType<NetworkTopology['toTree']>): unknown =>
      node.leaf ? node.name : { [node.name]: node.children.map(shape) };
    expect(shape(tree)).toEqual({
      '/': [{ dc1: [{ rackA: ['h1', 'h2'] }, { rackB: ['h3'] }] }, { dc2: [{ rackC: ['h4', 'h5'] }] }],
    });
    expect(tree.children[0]?.children[1]?.path).toBe('/dc1/rackB');
    expect(tree.children[0]?.children[1]?.children[0]?.leaf?.address).toBe('10.0.0.3:9866');
  });
});

describe('printTopology', () => {
  it('prints dfsadmin -printTopology text', () => {
    const topology = new NetworkTopology([
      { name: 'dn3', location: '/rack2', address: '127.0.0.1:9868' },
      { name: 'dn1', location: '/rack1', address: '127.0.0.1:9866' },
      { name: 'dn2', location: '/rack1', address: '127.0.0.1:9867' },
    ]);
    expect(printTopology(topology)).toBe(
      'Rack: /rack1\n' +
        '   127.0.0.1:9866 (dn1)\n' +
        '   127.0.0.1:9867 (dn2)\n' +
        '\n' +
        'Rack: /rack2\n' +
        '   127.0.0.1:9868 (dn3)\n' +
        '\n',
    );
  });

  it('prints nothing for an empty topology', () => {
    expect(printTopology(new NetworkTopology())).toBe('');
  });
});
