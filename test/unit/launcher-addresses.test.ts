import net from 'node:net';
import { describe, expect, it } from 'vitest';
import { assignPorts, planAddresses, rackIndexes } from '../../cluster/launcher/addresses.js';

const twoDcs = [
  { id: 'dn1', rack: '/dc1/rack1' },
  { id: 'dn2', rack: '/dc1/rack1' },
  { id: 'dn3', rack: '/dc1/rack2' },
  { id: 'dn4', rack: '/dc2/rack1' },
];

describe('address plan', () => {
  it('gives each process its own loopback address with Hadoop default ports when aliases exist', () => {
    const plan = planAddresses({ datanodes: twoDcs, loopbackAliases: true, ephemeralPorts: false });
    expect(plan.namenode).toEqual({ id: 'nn', host: '127.0.0.1', port: 8020, httpPort: 9870 });
    expect(plan.secondary).toEqual({ id: 'snn', host: '127.0.0.2', port: 9868 });
    expect(plan.client.host).toBe('127.0.0.10');
    // 127.0.<rack index>.<K>, the same transfer port 9866 everywhere.
    expect(plan.datanodes.map((dn) => `${dn.host}:${dn.port}`)).toEqual([
      '127.0.1.1:9866',
      '127.0.1.2:9866',
      '127.0.2.3:9866',
      '127.0.3.4:9866',
    ]);
    // dfs.datanode.http.address and dfs.datanode.ipc.address: Hadoop's 9864 and 9867 on each.
    expect(plan.datanodes.map((dn) => [dn.httpPort, dn.ipcPort])).toEqual(Array(4).fill([9864, 9867]));
  });

  it('numbers racks in sorted order of their whole path, for any depth', () => {
    expect([...rackIndexes(['/rack10', '/rack2', '/rack1', '/rack2'])]).toEqual([
      ['/rack1', 1],
      ['/rack2', 2],
      ['/rack10', 3],
    ]);
    const plan = planAddresses({
      datanodes: [
        { id: 'dn1', rack: '/dc2/rackB' },
        { id: 'dn2', rack: '/dc1/rackA' },
      ],
      loopbackAliases: true,
      ephemeralPorts: false,
    });
    expect(plan.datanodes.map((dn) => dn.host)).toEqual(['127.0.2.1', '127.0.1.2']);
  });

  it('puts everyone on 127.0.0.1 with distinct ports without aliases', () => {
    const plan = planAddresses({ datanodes: twoDcs, loopbackAliases: false, ephemeralPorts: false });
    const all = [plan.namenode, plan.secondary, ...plan.datanodes];
    expect(new Set(all.map((a) => a.host))).toEqual(new Set(['127.0.0.1']));
    expect(new Set(all.map((a) => a.port)).size).toBe(all.length);
    expect(plan.datanodes[0]?.port).toBe(9866);
    expect(plan.datanodes.map((dn) => dn.ipcPort)).toEqual([9867, 9877, 9887, 9897]);
    expect(plan.client.host).toBe('127.0.0.1');
  });

  it('asks for port 0 everywhere with ephemeral ports', () => {
    const plan = planAddresses({ datanodes: twoDcs, loopbackAliases: true, ephemeralPorts: true });
    expect([plan.namenode, plan.secondary, ...plan.datanodes].every((a) => a.port === 0)).toBe(true);
  });
});

describe('assignPorts', () => {
  it('binds distinct real ports for an ephemeral plan on a shared host', async () => {
    const plan = planAddresses({ datanodes: twoDcs, loopbackAliases: false, ephemeralPorts: true });
    const assigned = await assignPorts(plan);
    const ports = [assigned.namenode, assigned.secondary, ...assigned.datanodes].map((a) => a.port);
    expect(ports.every((port) => port > 0)).toBe(true);
    expect(new Set(ports).size).toBe(ports.length);
  });

  it('falls back to a free port when the preferred one is taken', async () => {
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', () => resolve()));
    const taken = (squatter.address() as net.AddressInfo).port;
    try {
      const plan = planAddresses({ datanodes: [], loopbackAliases: false, ephemeralPorts: false });
      const assigned = await assignPorts({ ...plan, namenode: { ...plan.namenode, port: taken } });
      expect(assigned.namenode.port).not.toBe(taken);
      expect(assigned.namenode.port).toBeGreaterThan(0);
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
