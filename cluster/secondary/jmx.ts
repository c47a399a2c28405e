/**
 * The Secondary NameNode's `/jmx` bean (SecondaryNameNodeInfoMXBean), on its HTTP server
 * (dfs.namenode.secondary.http-address, 9868): where it checkpoints from, when it started, when it
 * last checkpointed and how long ago. Pure: the process hands it a snapshot.
 */
import type { JmxBean } from '../namenode/jmx.js';

export const SECONDARY_INFO_BEAN = 'Hadoop:service=SecondaryNameNode,name=SecondaryNameNodeInfo';

export interface SecondaryJmxSnapshot {
  /** The NameNode's RPC address it checkpoints (getHostAndPort). */
  namenodeAddress: string;
  startedMs: number;
  /** Wall-clock end of this Secondary's last checkpoint; null before its first. */
  lastCheckpointMs: number | null;
  checkpointDirs: readonly string[];
  softwareVersion: string;
  /** VersionInfoMXBean.getCompileInfo: `<date> by <user> from <branch>`. */
  compileInfo: string;
  nowMs: number;
}

export function secondaryBeans(snap: SecondaryJmxSnapshot): JmxBean[] {
  return [
    {
      name: SECONDARY_INFO_BEAN,
      modelerType: 'org.apache.hadoop.hdfs.server.namenode.SecondaryNameNode',
      HostAndPort: snap.namenodeAddress,
      SecurityEnabled: false,
      StartTime: snap.startedMs,
      // As Hadoop: 0 and -1 until the first checkpoint this process made.
      LastCheckpointTime: snap.lastCheckpointMs ?? 0,
      LastCheckpointDeltaMs: snap.lastCheckpointMs === null ? -1 : snap.nowMs - snap.lastCheckpointMs,
      CheckpointDirectories: [...snap.checkpointDirs],
      CheckpointEditlogDirectories: [...snap.checkpointDirs],
      SoftwareVersion: snap.softwareVersion,
      CompileInfo: snap.compileInfo,
    },
  ];
}
