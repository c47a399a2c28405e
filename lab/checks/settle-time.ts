/**
 * How long a check or a setup may wait for the cluster, from the cluster's own intervals, never a
 * wall-clock guess: a student's cluster with Hadoop's 3 s heartbeats and 5 min recheck needs
 * minutes to declare a DataNode dead, the pack's 1 s / 2 s cluster seconds, and a busy 2-core
 * machine delays both. Pure: the `-D` overrides in, milliseconds out.
 */
import { deadIntervalMs, resolveConfig } from '../../cluster/config/config.js';

export const SETTLE_LIMITS = {
  /** The floor of every wait: a check never gives up sooner, whatever the intervals. */
  floorMs: 15_000,
  /**
   * Slack for a loaded machine: daemons sharing two cores with a grader, a compiler and other
   * clusters run their timers late, so every wait is three times what an idle cluster needs. A
   * stated margin, not a measurement: raise it if a correct solution is ever seen failing on load.
   */
  loadSlack: 3,
} as const;

export interface SettleTimes {
  /**
   * A check of what a command changed (a restarted DataNode live again, a replica reported bad,
   * re-replication done): the news rides a few heartbeats (registration, incremental block
   * report, the command on the reply) and the NameNode's redundancy monitor acts once per
   * interval.
   */
  checkMs: number;
  /** A DataNode declared dead: the heartbeat expiry (2 × recheck + 10 × heartbeat) and one more recheck. */
  deadMs: number;
  /** A DataNode live again: it registers, sends its block report and heartbeats. */
  liveMs: number;
}

/** The waits for a cluster started with these `-D` overrides (a bad value: Hadoop's defaults). */
export function settleTimes(conf: Readonly<Record<string, string>> = {}): SettleTimes {
  let config;
  try {
    config = resolveConfig({ ...conf });
  } catch {
    config = resolveConfig({});
  }
  const heartbeatMs = config.ms('dfs.heartbeat.interval');
  const recheckMs = config.ms('dfs.namenode.heartbeat.recheck-interval');
  const redundancyMs = config.ms('dfs.namenode.redundancy.interval.seconds');
  const slack = SETTLE_LIMITS.loadSlack;
  const floor = SETTLE_LIMITS.floorMs;
  return {
    checkMs: Math.max(floor, slack * (3 * heartbeatMs + redundancyMs)),
    deadMs: Math.max(floor, slack * (deadIntervalMs(config) + recheckMs)),
    liveMs: Math.max(floor, slack * 3 * heartbeatMs),
  };
}
