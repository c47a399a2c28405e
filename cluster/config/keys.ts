/**
 * Every configuration key the lab reads, with Hadoop's default exactly as hdfs-default.xml /
 * core-default.xml write it, and the lab's own default where it differs — always with the reason.
 * The lab mostly shortens timers so that a class can watch a DataNode die, a block re-replicate or
 * a lease expire within a minute; the formulas stay Hadoop's.
 *
 * Duration keys accept Hadoop's time suffixes (`3s`, `1500ms`, `2m`) everywhere; a bare number is in
 * the key's unit. (Hadoop reads a few of these keys with getLong, which would reject a suffix.)
 */

export type ConfigType = 'bytes' | 'int' | 'float' | 'bool' | 'duration' | 'string' | 'address';

export interface LabDefault {
  value: string;
  /** One line: why the lab differs from Hadoop. */
  reason: string;
}

export interface ConfigKey {
  name: string;
  type: ConfigType;
  /** For durations: the unit of a bare number (Hadoop's TimeUnit for the key). */
  unit?: 'ms' | 's';
  /** Hadoop's default text; '' where the XML has an empty value. */
  hadoopDefault: string;
  labDefault?: LabDefault;
  /** Smallest accepted value for numeric keys (in the key's own unit, or ms for durations). */
  min?: number;
  /** Accepted values for enumerations (compared case-sensitively, as Hadoop's Enum.valueOf). */
  choices?: readonly string[];
  /** True for keys Hadoop does not have; the lab adds them and says so in the description. */
  labOnly?: boolean;
  description: string;
}

/** Loopback with an OS-chosen port: what MiniDFSCluster does; the launcher records the bound port. */
const LOOPBACK_ANY_PORT: LabDefault = {
  value: '127.0.0.1:0',
  reason:
    'bind loopback only, port chosen at start (as MiniDFSCluster); the launcher records the bound address',
};

export const CONFIG_KEYS: readonly ConfigKey[] = [
  // ---- File system and addresses (core-default.xml, hdfs-default.xml) ----
  {
    name: 'fs.defaultFS',
    type: 'string',
    hadoopDefault: 'file:///',
    description: 'Default file system URI; the launcher sets hdfs://<NameNode RPC address>.',
  },
  {
    name: 'hadoop.tmp.dir',
    type: 'string',
    hadoopDefault: '/tmp/hadoop-${user.name}',
    description: 'Base for the default name, checkpoint and data directories.',
  },
  {
    name: 'dfs.namenode.rpc-address',
    type: 'address',
    hadoopDefault: '',
    labDefault: LOOPBACK_ANY_PORT,
    description:
      'NameNode RPC (client and DataNode protocols); Hadoop falls back to fs.defaultFS, port 8020.',
  },
  {
    name: 'dfs.namenode.servicerpc-address',
    type: 'address',
    hadoopDefault: '',
    description: 'Separate RPC address for DataNodes and the Secondary NameNode; unset = rpc-address.',
  },
  {
    name: 'dfs.namenode.http-address',
    type: 'address',
    hadoopDefault: '0.0.0.0:9870',
    labDefault: LOOPBACK_ANY_PORT,
    description: 'NameNode HTTP server: web UI, WebHDFS, /fsck, /imagetransfer.',
  },
  {
    name: 'dfs.namenode.secondary.http-address',
    type: 'address',
    hadoopDefault: '0.0.0.0:9868',
    labDefault: LOOPBACK_ANY_PORT,
    description: 'Secondary NameNode HTTP server.',
  },
  {
    name: 'dfs.namenode.backup.address',
    type: 'address',
    hadoopDefault: '0.0.0.0:50100',
    description: 'BackupNode RPC address (the lab has no BackupNode; `getconf -backupNodes` reads it).',
  },
  {
    name: 'dfs.datanode.address',
    type: 'address',
    hadoopDefault: '0.0.0.0:9866',
    labDefault: LOOPBACK_ANY_PORT,
    description: 'DataNode data transfer (streaming) address.',
  },
  {
    name: 'dfs.datanode.http.address',
    type: 'address',
    hadoopDefault: '0.0.0.0:9864',
    labDefault: LOOPBACK_ANY_PORT,
    description: 'DataNode HTTP server.',
  },
  {
    name: 'dfs.datanode.ipc.address',
    type: 'address',
    hadoopDefault: '0.0.0.0:9867',
    labDefault: LOOPBACK_ANY_PORT,
    description: 'DataNode IPC (client / inter-DataNode protocol) address.',
  },
  {
    name: 'dfs.hosts',
    type: 'string',
    hadoopDefault: '',
    description: 'File listing the hosts allowed to register as DataNodes (empty = all).',
  },
  {
    name: 'dfs.hosts.exclude',
    type: 'string',
    hadoopDefault: '',
    description: 'File listing the hosts to decommission.',
  },

  // ---- Storage directories ----
  {
    name: 'dfs.namenode.name.dir',
    type: 'string',
    hadoopDefault: 'file://${hadoop.tmp.dir}/dfs/name',
    description: 'NameNode name directories (fsimage, edits, VERSION); comma-separated.',
  },
  {
    name: 'dfs.namenode.edits.dir',
    type: 'string',
    hadoopDefault: '${dfs.namenode.name.dir}',
    description: 'Where the NameNode writes edit log segments.',
  },
  {
    name: 'dfs.namenode.checkpoint.dir',
    type: 'string',
    hadoopDefault: 'file://${hadoop.tmp.dir}/dfs/namesecondary',
    description: 'Secondary NameNode checkpoint directory.',
  },
  {
    name: 'dfs.namenode.checkpoint.edits.dir',
    type: 'string',
    hadoopDefault: '${dfs.namenode.checkpoint.dir}',
    description: 'Where the Secondary NameNode keeps the edit segments it downloads.',
  },
  {
    name: 'dfs.datanode.data.dir',
    type: 'string',
    hadoopDefault: 'file://${hadoop.tmp.dir}/dfs/data',
    description: 'DataNode volumes; comma-separated.',
  },

  // ---- Blocks, replication, checksums ----
  {
    name: 'dfs.blocksize',
    type: 'bytes',
    hadoopDefault: '134217728',
    min: 1,
    description: 'Default block size for new files (bytes, or 64m, 1g …).',
  },
  {
    name: 'dfs.namenode.fs-limits.min-block-size',
    type: 'bytes',
    hadoopDefault: '1048576',
    min: 0,
    description: 'Smallest block size the NameNode accepts at create time.',
  },
  {
    name: 'dfs.replication',
    type: 'int',
    hadoopDefault: '3',
    min: 1,
    description: 'Default replication factor for new files.',
  },
  {
    name: 'dfs.replication.max',
    type: 'int',
    hadoopDefault: '512',
    min: 1,
    description: 'Largest replication a file may ask for.',
  },
  {
    name: 'dfs.namenode.replication.min',
    type: 'int',
    hadoopDefault: '1',
    min: 1,
    description: 'Replicas needed for a block to count as safe / minimally replicated.',
  },
  {
    name: 'dfs.bytes-per-checksum',
    type: 'int',
    hadoopDefault: '512',
    min: 1,
    description: 'Bytes per checksum chunk (the .meta file holds one CRC per chunk).',
  },
  {
    name: 'dfs.checksum.type',
    type: 'string',
    hadoopDefault: 'CRC32C',
    choices: ['NULL', 'CRC32', 'CRC32C'],
    description: 'Checksum algorithm for block data.',
  },
  {
    name: 'dfs.client-write-packet-size',
    type: 'int',
    hadoopDefault: '65536',
    min: 1,
    description: 'Client write packet size in bytes (whole chunks + checksums per packet).',
  },
  {
    name: 'dfs.image.compress',
    type: 'bool',
    hadoopDefault: 'false',
    description: 'Compress the fsimage sections.',
  },

  // ---- Heartbeats, block reports, liveness ----
  {
    name: 'dfs.heartbeat.interval',
    type: 'duration',
    unit: 's',
    hadoopDefault: '3s',
    labDefault: {
      value: '1s',
      reason: 'with recheck 2000 ms a silent DataNode is dead after 14 s, not 10.5 min',
    },
    min: 1,
    description: 'DataNode → NameNode heartbeat period.',
  },
  {
    name: 'dfs.namenode.heartbeat.recheck-interval',
    type: 'duration',
    unit: 'ms',
    hadoopDefault: '300000',
    labDefault: { value: '2000', reason: 'dead after 2 × 2 s + 10 × 1 s = 14 s, so a class sees it happen' },
    min: 1,
    description: 'NameNode dead-node check; dead after 2 × recheck + 10 × heartbeat without a heartbeat.',
  },
  {
    name: 'dfs.namenode.stale.datanode.interval',
    type: 'duration',
    unit: 'ms',
    hadoopDefault: '30000',
    labDefault: { value: '3000', reason: 'the minimum allowed (3 × the lab heartbeat), stale before dead' },
    min: 1,
    description: 'A DataNode is stale after this long without a heartbeat (never below 3 × heartbeat).',
  },
  {
    name: 'dfs.namenode.stale.datanode.minimum.interval',
    type: 'int',
    hadoopDefault: '3',
    min: 1,
    description: 'Stale interval floor, in heartbeats.',
  },
  {
    name: 'dfs.namenode.avoid.read.stale.datanode',
    type: 'bool',
    hadoopDefault: 'false',
    description: 'Order stale DataNodes last when answering getBlockLocations.',
  },
  {
    name: 'dfs.namenode.avoid.write.stale.datanode',
    type: 'bool',
    hadoopDefault: 'false',
    description: 'Avoid stale DataNodes as write targets.',
  },
  {
    name: 'dfs.namenode.write.stale.datanode.ratio',
    type: 'float',
    hadoopDefault: '0.5f',
    min: 0,
    description: 'Stop avoiding stale DataNodes for writes when more than this fraction is stale.',
  },
  {
    name: 'dfs.blockreport.intervalMsec',
    type: 'duration',
    unit: 'ms',
    hadoopDefault: '21600000',
    labDefault: { value: '60000', reason: 'a full block report every minute instead of every 6 h' },
    min: 1,
    description: 'Full block report period.',
  },
  {
    name: 'dfs.blockreport.initialDelay',
    type: 'duration',
    unit: 's',
    hadoopDefault: '0s',
    min: 0,
    description: 'Delay of the first full block report after registration (0 = at the next heartbeat).',
  },
  {
    name: 'dfs.blockreport.incremental.intervalMsec',
    type: 'duration',
    unit: 'ms',
    hadoopDefault: '0',
    min: 0,
    description: 'Batching of incremental block reports (0 = send received blocks at once).',
  },

  // ---- Redundancy monitor ----
  {
    name: 'dfs.namenode.redundancy.interval.seconds',
    type: 'duration',
    unit: 's',
    hadoopDefault: '3s',
    labDefault: { value: '1s', reason: 're-replication starts within a second of a block going low' },
    min: 1,
    description: 'Redundancy (re-replication) monitor period.',
  },
  {
    name: 'dfs.namenode.replication.max-streams',
    type: 'int',
    hadoopDefault: '2',
    min: 0,
    description: 'Outgoing replication streams per source DataNode.',
  },
  {
    name: 'dfs.namenode.replication.max-streams-hard-limit',
    type: 'int',
    hadoopDefault: '4',
    min: 0,
    description: 'Stream limit for highest-priority blocks.',
  },
  {
    name: 'dfs.namenode.replication.work.multiplier.per.iteration',
    type: 'int',
    hadoopDefault: '2',
    min: 1,
    description: 'Blocks scheduled per redundancy round = this × live DataNodes.',
  },
  {
    name: 'dfs.namenode.invalidate.work.pct.per.iteration',
    type: 'float',
    hadoopDefault: '0.32f',
    min: 0,
    description: 'DataNodes given deletion work per round = ceil(this × live DataNodes).',
  },
  {
    name: 'dfs.block.invalidate.limit',
    type: 'int',
    hadoopDefault: '1000',
    min: 1,
    description: 'Blocks per DNA_INVALIDATE command (at least 20 × heartbeat seconds).',
  },
  {
    name: 'dfs.namenode.reconstruction.pending.timeout-sec',
    type: 'duration',
    unit: 's',
    hadoopDefault: '300',
    labDefault: { value: '30', reason: 'a lost replication is re-scheduled after 30 s instead of 5 min' },
    min: 1,
    description: 'Re-schedule a replication whose target has not confirmed it in this time.',
  },
  {
    name: 'dfs.namenode.redundancy.considerLoad',
    type: 'bool',
    hadoopDefault: 'true',
    description: 'Avoid DataNodes whose xceiver count is well above the average when placing replicas.',
  },
  {
    name: 'dfs.namenode.decommission.interval',
    type: 'duration',
    unit: 's',
    hadoopDefault: '30s',
    labDefault: {
      value: '2s',
      reason:
        'a DataNode is seen decommissioned seconds after its last block has its copies, not half a minute',
    },
    min: 1,
    description: 'Decommission monitor period.',
  },
  {
    name: 'dfs.namenode.maintenance.replication.min',
    type: 'int',
    hadoopDefault: '1',
    min: 0,
    description:
      'Live replicas elsewhere every block of a DataNode entering maintenance needs before it is IN_MAINTENANCE.',
  },
  {
    name: 'dfs.namenode.hosts.provider.classname',
    type: 'string',
    hadoopDefault: 'org.apache.hadoop.hdfs.server.blockmanagement.HostFileManager',
    description:
      'HostFileManager reads dfs.hosts and dfs.hosts.exclude; CombinedHostFileManager reads dfs.hosts as one JSON file of DatanodeAdminProperties (maintenance too).',
  },

  // ---- Safe mode ----
  {
    name: 'dfs.namenode.safemode.threshold-pct',
    type: 'float',
    hadoopDefault: '0.999f',
    description: 'Fraction of blocks that must be safe to leave safe mode (≤ 0: do not wait; > 1: stay).',
  },
  {
    name: 'dfs.namenode.safemode.min.datanodes',
    type: 'int',
    hadoopDefault: '0',
    min: 0,
    description: 'Live DataNodes needed to leave safe mode.',
  },
  {
    name: 'dfs.namenode.safemode.extension',
    type: 'duration',
    unit: 'ms',
    hadoopDefault: '30000',
    labDefault: {
      value: '1000',
      reason: 'a restarted NameNode leaves safe mode 1 s after the thresholds hold',
    },
    min: 0,
    description: 'How long safe mode lasts after the thresholds are reached.',
  },

  // ---- Checkpointing ----
  {
    name: 'dfs.namenode.checkpoint.period',
    type: 'duration',
    unit: 's',
    hadoopDefault: '3600s',
    min: 1,
    description: 'Secondary NameNode checkpoints at least this often.',
  },
  {
    name: 'dfs.namenode.checkpoint.txns',
    type: 'int',
    hadoopDefault: '1000000',
    min: 1,
    description: 'Checkpoint once this many transactions are not in a checkpoint.',
  },
  {
    name: 'dfs.namenode.resource.du.reserved',
    type: 'bytes',
    hadoopDefault: '104857600',
    min: 0,
    description:
      'Free space the name directory volume must keep; below it the NameNode enters safe mode (resources low).',
  },
  {
    name: 'dfs.namenode.resource.check.interval',
    type: 'duration',
    unit: 'ms',
    hadoopDefault: '5000',
    min: 1,
    description: 'How often the NameNode checks the free space of its name directory volume.',
  },
  {
    name: 'dfs.namenode.checkpoint.check.period',
    type: 'duration',
    unit: 's',
    hadoopDefault: '60s',
    min: 1,
    description: 'How often the Secondary NameNode asks for the transaction count.',
  },
  {
    name: 'dfs.namenode.checkpoint.max-retries',
    type: 'int',
    hadoopDefault: '3',
    min: 0,
    description: 'Consecutive checkpoint failures before the Secondary NameNode exits.',
  },
  {
    name: 'dfs.namenode.num.checkpoints.retained',
    type: 'int',
    hadoopDefault: '2',
    min: 1,
    description: 'fsimage files kept in each name directory.',
  },
  {
    name: 'dfs.namenode.num.extra.edits.retained',
    type: 'int',
    hadoopDefault: '1000000',
    min: 0,
    description: 'Transactions kept beyond those needed to restart from the oldest retained image.',
  },
  {
    name: 'dfs.namenode.edit.log.autoroll.multiplier.threshold',
    type: 'float',
    hadoopDefault: '2.0',
    min: 0,
    description: 'The NameNode rolls its own edit log after this × checkpoint.txns edits.',
  },

  // ---- Namespace behaviour ----
  {
    name: 'dfs.namenode.accesstime.precision',
    type: 'duration',
    unit: 'ms',
    hadoopDefault: '3600000',
    min: 0,
    description: 'Access times are updated at most this often (0 disables access times).',
  },
  {
    name: 'dfs.permissions.enabled',
    type: 'bool',
    hadoopDefault: 'true',
    description: 'Check permissions.',
  },
  {
    name: 'dfs.namenode.acls.enabled',
    type: 'bool',
    hadoopDefault: 'true',
    description: 'Accept the ACL calls (setfacl/getfacl); true since Hadoop 3.',
  },
  {
    name: 'dfs.permissions.superusergroup',
    type: 'string',
    hadoopDefault: 'supergroup',
    description: 'Group of the superusers; also the group of new files under /.',
  },
  {
    name: 'fs.trash.interval',
    // Hadoop reads it with getFloat: a fraction of a minute is how the lab shows the emptier at work.
    type: 'float',
    hadoopDefault: '0',
    min: 0,
    description: 'Minutes deleted files stay in .Trash (0 = delete at once).',
  },
  {
    name: 'fs.trash.checkpoint.interval',
    type: 'float',
    hadoopDefault: '0',
    min: 0,
    description:
      "Minutes between the NameNode's trash checkpoints (0, or more than fs.trash.interval, = fs.trash.interval).",
  },
  {
    name: 'hadoop.shell.safely.delete.limit.num.files',
    type: 'int',
    hadoopDefault: '100',
    min: 0,
    description: 'Files under a path above which fs -rm -safely asks before deleting it (0 = never asks).',
  },
  {
    name: 'file.bytes-per-checksum',
    type: 'int',
    hadoopDefault: '512',
    min: 1,
    description:
      'Bytes per CRC in the .NAME.crc file fs -get -crc writes beside a local copy (ChecksumFileSystem).',
  },

  // ---- Leases ----
  {
    name: 'dfs.namenode.lease-hard-limit-sec',
    type: 'duration',
    unit: 's',
    hadoopDefault: '1200',
    labDefault: { value: '120', reason: 'the NameNode recovers an abandoned file after 2 min, not 20' },
    min: 1,
    description: 'After this the NameNode recovers the lease itself and closes the file.',
  },
  {
    name: 'lab.lease.soft-limit-ms',
    type: 'duration',
    unit: 'ms',
    hadoopDefault: '60000',
    labDefault: { value: '10000', reason: 'another client may recover the lease after 10 s, not 60 s' },
    min: 1,
    labOnly: true,
    description:
      'Lab-only key. Hadoop has no key for this: the soft limit is the constant ' +
      'HdfsConstants.LEASE_SOFTLIMIT_PERIOD = 60 s. Clients renew every min(soft, hard) / 2.',
  },
  {
    name: 'dfs.namenode.lease-recheck-interval-ms',
    type: 'duration',
    unit: 'ms',
    hadoopDefault: '2000',
    min: 1,
    description: 'Lease monitor period.',
  },

  // ---- Write pipeline ----
  {
    name: 'dfs.client.block.write.replace-datanode-on-failure.enable',
    type: 'bool',
    hadoopDefault: 'true',
    description: 'Ask the NameNode for a replacement DataNode when a pipeline member fails.',
  },
  {
    name: 'dfs.client.block.write.replace-datanode-on-failure.policy',
    type: 'string',
    hadoopDefault: 'DEFAULT',
    choices: ['NEVER', 'DEFAULT', 'ALWAYS'],
    description:
      'When to replace: DEFAULT = replication ≥ 3 and (half the pipeline lost or appending/hflushed).',
  },
  {
    name: 'dfs.client.datanode-restart.timeout',
    type: 'duration',
    unit: 's',
    hadoopDefault: '30',
    description:
      'How long a writer waits for a DataNode of its pipeline that sent OOB_RESTART (dfsadmin -shutdownDatanode … upgrade) to come back, retrying every 4 s at most, before dropping it.',
  },
  {
    name: 'dfs.client.block.write.replace-datanode-on-failure.best-effort',
    type: 'bool',
    hadoopDefault: 'false',
    description:
      'When no replacement DataNode can be added: true continues with the survivors, false fails the write.',
  },

  // ---- Block scanner ----
  {
    name: 'dfs.datanode.restart.replica.expiration',
    type: 'int',
    hadoopDefault: '50',
    description:
      'Seconds a DataNode shut down for upgrade (dfsadmin -shutdownDatanode … upgrade) has to come back and keep the replicas being written as RBW (DNConf.restartReplicaExpiry).',
  },
  {
    name: 'dfs.datanode.scan.period.hours',
    type: 'int',
    hadoopDefault: '504',
    description: 'Block scanner period in hours (0 → 504, negative disables).',
  },
  {
    name: 'lab.datanode.scan.period-ms',
    type: 'duration',
    unit: 'ms',
    hadoopDefault: '0',
    labDefault: {
      value: '60000',
      reason: 'every replica is re-verified each minute, so corruption shows up in class',
    },
    labOnly: true,
    description:
      'Lab-only key: when > 0 it replaces dfs.datanode.scan.period.hours (whole hours are too coarse ' +
      'for a class). Hadoop has a similar test-only override, internal.dfs.datanode.scan.period.ms.key.',
  },
  {
    name: 'dfs.block.scanner.volume.bytes.per.second',
    type: 'bytes',
    hadoopDefault: '1048576',
    min: 0,
    description: 'Block scanner rate per volume (0 disables the scanner).',
  },
  {
    name: 'dfs.datanode.directoryscan.interval',
    type: 'duration',
    unit: 's',
    hadoopDefault: '21600',
    labDefault: {
      value: '60s',
      reason:
        "a replica file removed or changed by hand reaches the DataNode's replica map and its next block report within a minute, not 6 h",
    },
    description:
      'DirectoryScanner period: the data directories are walked and the in-memory replica map made to match them (negative disables).',
  },

  // ---- Balancer ----
  {
    name: 'dfs.datanode.balance.bandwidthPerSec',
    type: 'bytes',
    hadoopDefault: '100m',
    min: 0,
    description: 'Balancer bandwidth per DataNode (10m in 3.0–3.2, 1 MB/s in 2.x).',
  },
  {
    name: 'dfs.datanode.balance.max.concurrent.moves',
    type: 'int',
    hadoopDefault: '100',
    min: 1,
    description: 'Concurrent balancer moves per DataNode (50 in 3.0–3.2).',
  },

  // ---- Topology ----
  {
    name: 'net.topology.node.switch.mapping.impl',
    type: 'string',
    hadoopDefault: 'org.apache.hadoop.net.ScriptBasedMapping',
    labDefault: {
      value: 'org.apache.hadoop.net.TableMapping',
      reason: 'the lab maps hosts to racks from a table file, no script to run',
    },
    description: 'Class that resolves a host to its rack.',
  },
  {
    name: 'net.topology.table.file.name',
    type: 'string',
    hadoopDefault: '',
    description: 'TableMapping file: "host rack" per line; unknown hosts are /default-rack.',
  },
];

const BY_NAME: ReadonlyMap<string, ConfigKey> = new Map(CONFIG_KEYS.map((k) => [k.name, k]));

export function configKey(name: string): ConfigKey | undefined {
  return BY_NAME.get(name);
}

/** The value the lab starts from: its own default if it has one, else Hadoop's. */
export function labDefaultValue(key: ConfigKey): string {
  return key.labDefault?.value ?? key.hadoopDefault;
}
