/**
 * The NameNode core's settings from the effective configuration: Hadoop's keys (with the lab's
 * defaults) turned into the numbers the core works with. Used by the NameNode process and the
 * simulator alike, so both behave the same for the same configuration.
 */
import type { LabConfig } from '../config/config.js';
import type { NameNodeSettings } from './namenode.js';

export function namenodeSettings(
  config: LabConfig,
  identity: { superuser: string; softwareVersion: string },
): NameNodeSettings {
  return {
    defaultReplication: config.int('dfs.replication'),
    defaultBlockSizeBytes: config.bytes('dfs.blocksize'),
    minReplication: config.int('dfs.namenode.replication.min'),
    maxReplication: config.int('dfs.replication.max'),
    heartbeatIntervalMs: config.ms('dfs.heartbeat.interval'),
    recheckIntervalMs: config.ms('dfs.namenode.heartbeat.recheck-interval'),
    staleIntervalMs: Math.max(
      config.ms('dfs.namenode.stale.datanode.interval'),
      3 * config.ms('dfs.heartbeat.interval'),
    ),
    safemode: {
      thresholdPct: config.float('dfs.namenode.safemode.threshold-pct'),
      minDatanodes: config.int('dfs.namenode.safemode.min.datanodes'),
      extensionMs: config.ms('dfs.namenode.safemode.extension'),
    },
    redundancyIntervalMs: config.ms('dfs.namenode.redundancy.interval.seconds'),
    decommissionIntervalMs: config.ms('dfs.namenode.decommission.interval'),
    minMaintenanceReplication: config.int('dfs.namenode.maintenance.replication.min'),
    maxStreams: config.int('dfs.namenode.replication.max-streams'),
    maxStreamsHardLimit: config.int('dfs.namenode.replication.max-streams-hard-limit'),
    workMultiplier: config.int('dfs.namenode.replication.work.multiplier.per.iteration'),
    invalidateLimit: config.int('dfs.block.invalidate.limit'),
    pendingReconstructionTimeoutMs: config.ms('dfs.namenode.reconstruction.pending.timeout-sec'),
    accessTimePrecisionMs: config.ms('dfs.namenode.accesstime.precision'),
    considerLoad: config.bool('dfs.namenode.redundancy.considerLoad'),
    avoidReadStale: config.bool('dfs.namenode.avoid.read.stale.datanode'),
    avoidWriteStale: config.bool('dfs.namenode.avoid.write.stale.datanode'),
    superuser: identity.superuser,
    supergroup: config.get('dfs.permissions.superusergroup'),
    permissionsEnabled: config.bool('dfs.permissions.enabled'),
    aclsEnabled: config.bool('dfs.namenode.acls.enabled'),
    bytesPerChecksum: config.int('dfs.bytes-per-checksum'),
    softwareVersion: identity.softwareVersion,
    trashIntervalMinutes: config.float('fs.trash.interval'),
    trashCheckpointIntervalMinutes: config.float('fs.trash.checkpoint.interval'),
    leaseSoftLimitMs: config.ms('lab.lease.soft-limit-ms'),
    leaseHardLimitMs: config.ms('dfs.namenode.lease-hard-limit-sec'),
  };
}
