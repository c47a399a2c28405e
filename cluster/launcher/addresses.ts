/**
 * The address plan: which loopback address and port each process of a lab cluster binds.
 *
 * On Linux every 127.x.y.z address is loopback, so each process gets its own address and the
 * traffic shows who is who: the NameNode on 127.0.0.1:8020, the Secondary NameNode on
 * 127.0.0.2:9868, DataNode dnK on 127.0.<rack index>.<K>:9866 (the same port on every DataNode,
 * as on a real cluster, because their addresses differ), and `lab` commands as the HDFS client
 * from 127.0.0.10. Where aliases are not available (macOS without `ifconfig lo0 alias`), everyone
 * shares 127.0.0.1 and the ports differ.
 *
 * Two stages, as everywhere in the launcher: `planAddresses` is pure (the preferred addresses and
 * Hadoop's default ports), `assignPorts` does the I/O (binds each preferred port to see whether it
 * is free, falling back to a free ephemeral port). Every socket binds loopback only.
 */
import net from 'node:net';
import { compareNames } from '../net/topology.js';

/** Hadoop 3.x default ports (DFSConfigKeys). */
export const DEFAULT_PORTS = {
  namenodeRpc: 8020,
  namenodeHttp: 9870,
  secondaryHttp: 9868,
  datanodeXfer: 9866,
  datanodeHttp: 9864,
  datanodeIpc: 9867,
} as const;

/** The address every process shares when loopback aliases are not available. */
export const LOOPBACK = '127.0.0.1';

/** With aliases: the off-cluster HDFS client (`lab fs …`) binds this address. */
export const CLIENT_ALIAS_HOST = '127.0.0.10';

/** Without aliases, DataNode K prefers 9866 + STEP × (K−1), so the ports still read as "DataNode ports". */
const SHARED_HOST_DATANODE_PORT_STEP = 10;

export interface PlannedAddress {
  id: string;
  host: string;
  /** The port wanted: Hadoop's default (or a per-DataNode offset of it); 0 = any free port. */
  port: number;
  /** A second, HTTP port (the NameNode's web UI and WebHDFS, a DataNode's), chosen the same way. */
  httpPort?: number;
  /** A DataNode's IPC port (ClientDatanodeProtocol), chosen the same way. */
  ipcPort?: number;
}

export interface AddressPlan {
  namenode: PlannedAddress;
  secondary: PlannedAddress;
  datanodes: PlannedAddress[];
  client: { host: string };
  loopbackAliases: boolean;
}

export interface AddressPlanInput {
  /** DataNodes dn1…dnN in order, each with its rack path. */
  datanodes: readonly { id: string; rack: string }[];
  loopbackAliases: boolean;
  /** Every port ephemeral (tests; two clusters side by side). */
  ephemeralPorts: boolean;
}

/**
 * 1-based index of each rack among the sorted distinct racks: the third octet of its DataNodes'
 * addresses. Works for any depth (/rack2, /dc1/rack2): the whole path is the key.
 */
export function rackIndexes(racks: readonly string[]): Map<string, number> {
  const distinct = [...new Set(racks)].sort(compareNames);
  return new Map(distinct.map((rack, index) => [rack, index + 1]));
}

/** The DataNode number K of `dnK`, or undefined for anything else. */
export function datanodeNumber(id: string): number | undefined {
  const match = /^dn([1-9]\d*)$/.exec(id);
  return match ? Number(match[1]) : undefined;
}

/** The address DataNode K on rack index R gets with aliases. */
export function datanodeAliasHost(rackIndex: number, datanodeNumber: number): string {
  return `127.0.${rackIndex}.${datanodeNumber}`;
}

export function planAddresses(input: AddressPlanInput): AddressPlan {
  const port = (preferred: number): number => (input.ephemeralPorts ? 0 : preferred);
  const indexes = rackIndexes(input.datanodes.map((dn) => dn.rack));
  const datanodes = input.datanodes.map((dn, index): PlannedAddress => {
    const number = datanodeNumber(dn.id) ?? index + 1;
    if (!input.loopbackAliases) {
      const step = SHARED_HOST_DATANODE_PORT_STEP * (number - 1);
      return {
        id: dn.id,
        host: LOOPBACK,
        port: port(DEFAULT_PORTS.datanodeXfer + step),
        httpPort: port(DEFAULT_PORTS.datanodeHttp + step),
        ipcPort: port(DEFAULT_PORTS.datanodeIpc + step),
      };
    }
    const rackIndex = indexes.get(dn.rack) as number;
    return {
      id: dn.id,
      host: datanodeAliasHost(rackIndex, number),
      port: port(DEFAULT_PORTS.datanodeXfer),
      httpPort: port(DEFAULT_PORTS.datanodeHttp),
      ipcPort: port(DEFAULT_PORTS.datanodeIpc),
    };
  });
  return {
    namenode: {
      id: 'nn',
      host: LOOPBACK,
      port: port(DEFAULT_PORTS.namenodeRpc),
      httpPort: port(DEFAULT_PORTS.namenodeHttp),
    },
    secondary: {
      id: 'snn',
      host: input.loopbackAliases ? '127.0.0.2' : LOOPBACK,
      port: port(DEFAULT_PORTS.secondaryHttp),
    },
    datanodes,
    client: { host: input.loopbackAliases ? CLIENT_ALIAS_HOST : LOOPBACK },
    loopbackAliases: input.loopbackAliases,
  };
}

/** Whether 127.x.y.z other than 127.0.0.1 can be bound here (Linux: yes; macOS by default: no). */
export async function detectLoopbackAliases(): Promise<boolean> {
  try {
    const server = await listen('127.0.1.1', 0);
    await close(server);
    return true;
  } catch {
    return false;
  }
}

/**
 * Give every planned address a real port: the preferred one if it can be bound, else a free
 * ephemeral one. All sockets are held open until every port is chosen, so two processes of the
 * plan never receive the same ephemeral port; they are closed before the daemons start (a port
 * stolen in between makes the daemon fail, and the launcher shows its log).
 */
export async function assignPorts(plan: AddressPlan): Promise<AddressPlan> {
  const held: net.Server[] = [];
  const assign = async (address: PlannedAddress): Promise<PlannedAddress> => {
    const server = await listenPreferred(address.host, address.port);
    held.push(server);
    const assigned = { ...address, port: (server.address() as net.AddressInfo).port };
    for (const key of ['httpPort', 'ipcPort'] as const) {
      const wanted = address[key];
      if (wanted === undefined) continue;
      const extra = await listenPreferred(address.host, wanted);
      held.push(extra);
      assigned[key] = (extra.address() as net.AddressInfo).port;
    }
    return assigned;
  };
  try {
    const namenode = await assign(plan.namenode);
    const secondary = await assign(plan.secondary);
    const datanodes: PlannedAddress[] = [];
    for (const dn of plan.datanodes) datanodes.push(await assign(dn));
    return { ...plan, namenode, secondary, datanodes };
  } finally {
    await Promise.all(held.map(close));
  }
}

/** The HTTP and IPC ports an assigned address carries, to record beside its main port. */
export function extraPorts(address: PlannedAddress): { httpPort?: number; ipcPort?: number } {
  return {
    ...(address.httpPort !== undefined ? { httpPort: address.httpPort } : {}),
    ...(address.ipcPort !== undefined ? { ipcPort: address.ipcPort } : {}),
  };
}

async function listenPreferred(host: string, port: number): Promise<net.Server> {
  if (port !== 0) {
    try {
      return await listen(host, port);
    } catch {
      // Taken (another lab, a real Hadoop, anything): any free port will do, the plan records it.
    }
  }
  return listen(host, 0);
}

function listen(host: string, port: number): Promise<net.Server> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve(server);
    });
  });
}

function close(server: net.Server): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}
