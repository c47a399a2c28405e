/**
 * The cluster description (`<home>/cluster.json`): everything a command needs to find and talk to a
 * running cluster — addresses, ports, racks, the seed and the -D overrides. Written by `lab start`,
 * read by every process and every command.
 */
import path from 'node:path';

export const DESCRIPTION_VERSION = 1;

export interface NodeAddress {
  id: string;
  host: string;
  port: number;
  /** The HTTP port: the NameNode's (dfs.namenode.http-address: web UI, WebHDFS, /imagetransfer) or a DataNode's (dfs.datanode.http.address). */
  httpPort?: number;
}

export interface DatanodeDescription extends NodeAddress {
  /** Network location, e.g. /rack1 or /dc1/rack2. */
  rack: string;
  /** The IPC port (dfs.datanode.ipc.address: ClientDatanodeProtocol); absent in a home from before it, then planned as 9867 or any. */
  ipcPort?: number;
}

export interface ClusterDescription {
  version: number;
  seed: string;
  createdMs: number;
  /** Hadoop keys given with -D (and the ones --block-size / --replication set). */
  conf: Record<string, string>;
  namenode: NodeAddress;
  secondary: NodeAddress | null;
  datanodes: DatanodeDescription[];
  /** The address `lab` commands bind as the HDFS client (off-cluster by default). */
  client: { host: string; rack: string };
  /** Whether each process has its own 127.0.x.y address (Linux) or all share 127.0.0.1. */
  loopbackAliases: boolean;
}

/** Paths inside a lab home, laid out like ${hadoop.tmp.dir}. */
export function homePaths(home: string) {
  return {
    home,
    description: path.join(home, 'cluster.json'),
    /** The journal directory: one segment file per writing process at a time (runtime/journal.ts). */
    journal: path.join(home, 'journal'),
    logs: path.join(home, 'logs'),
    pids: path.join(home, 'pids'),
    nameDir: path.join(home, 'dfs', 'name'),
    checkpointDir: path.join(home, 'dfs', 'namesecondary'),
    dataDir: (id: string) => path.join(home, 'dfs', 'data', id),
    log: (id: string) => path.join(home, 'logs', `${id}.log`),
    pid: (id: string) => path.join(home, 'pids', `${id}.pid`),
    startLock: path.join(home, 'start.lock'),
  };
}

export type HomePaths = ReturnType<typeof homePaths>;

export function datanodeById(desc: ClusterDescription, id: string): DatanodeDescription | undefined {
  return desc.datanodes.find((d) => d.id === id);
}

/**
 * Where the client runs: off-cluster (its own address, the default) or on a DataNode's host
 * (`--on dn3`, a setup's `put: { on: dn3 }`), which makes it a local writer (first replica on that
 * DataNode) and a local reader (that replica first, distance 0). The problem in words when the
 * DataNode does not exist or the machine has no loopback address per process.
 */
export function clientOn(
  desc: ClusterDescription,
  on: string,
): { ok: true; description: ClusterDescription } | { ok: false; problem: string } {
  const dn = datanodeById(desc, on);
  if (!dn) {
    const ids = desc.datanodes.map((d) => d.id).join(', ');
    return { ok: false, problem: `this cluster has no DataNode ${on}; it has ${ids}` };
  }
  if (!desc.loopbackAliases)
    return {
      ok: false,
      problem: 'needs one loopback address per process, which this machine does not offer',
    };
  return { ok: true, description: { ...desc, client: { host: dn.host, rack: dn.rack } } };
}
