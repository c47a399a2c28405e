/**
 * The pack's cluster in the student's lab home. `clusterMismatches` (pure) says why a described
 * cluster is not the one a pack and seed ask for; `startOptionsFor` turns a variant into the
 * launcher's options (the same ones `lab start` takes, so `lab grade` can boot the same cluster);
 * `prepareCluster` starts, restarts or replaces the cluster, asking before anything is wiped.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatByteDesc } from '../../cluster/common/units.js';
import { clusterConfig } from '../../cluster/home/cluster-config.js';
import { homePaths, type ClusterDescription } from '../../cluster/home/description.js';
import { inspectHome, readDescription } from '../../cluster/home/home.js';
import { startCluster, stopNodes, type StartClusterOptions } from '../../cluster/launcher/launcher.js';
import { exercisePaths } from './store.js';
import type { ClusterVariant } from '../pack/variant.js';

/** Reasons the described cluster is not the variant's; empty when it is. */
export function clusterMismatches(
  description: ClusterDescription,
  home: string,
  variant: ClusterVariant,
): string[] {
  const reasons: string[] = [];
  if (description.seed !== variant.seed)
    reasons.push(`its seed is ${description.seed}, yours is ${variant.seed}`);
  // More is the pack's cluster grown by an exercise (the balancer's add-datanode) or by the
  // student's own `lab add-datanode`: still theirs.
  if (description.datanodes.length < variant.datanodes)
    reasons.push(`it has ${description.datanodes.length} DataNodes, the pack wants ${variant.datanodes}`);
  const config = clusterConfig(description, home);
  if (variant.blockSizeBytes !== undefined && config.bytes('dfs.blocksize') !== variant.blockSizeBytes)
    reasons.push(
      `its block size is ${formatByteDesc(config.bytes('dfs.blocksize'))}, the pack wants ${formatByteDesc(variant.blockSizeBytes)}`,
    );
  if (variant.replication !== undefined && config.int('dfs.replication') !== variant.replication)
    reasons.push(
      `its replication is ${config.int('dfs.replication')}, the pack wants ${variant.replication}`,
    );
  if (typeof variant.topology === 'object') {
    const moved = description.datanodes.filter((d) => {
      const wanted = (variant.topology as Record<string, string>)[d.id];
      return wanted !== undefined && wanted !== d.rack;
    });
    if (moved.length > 0) reasons.push(`${moved.map((d) => `${d.id} is on ${d.rack}`).join(', ')}`);
  }
  for (const [key, value] of Object.entries(variant.conf)) {
    if (description.conf[key] !== value)
      reasons.push(`${key} is ${description.conf[key] ?? 'unset'}, not ${value}`);
  }
  return reasons;
}

/** `lab start` options for a variant; an inline topology is written to the lab home first. */
export function startOptionsFor(
  variant: ClusterVariant,
  options: { home: string; packDir: string; ephemeralPorts?: boolean },
): StartClusterOptions {
  let topologyFile: string | undefined;
  if (typeof variant.topology === 'string') topologyFile = path.resolve(options.packDir, variant.topology);
  else if (variant.topology !== undefined) {
    topologyFile = path.join(exercisePaths(options.home).dir, 'topology.table');
    mkdirSync(path.dirname(topologyFile), { recursive: true });
    const lines = Object.entries(variant.topology).map(([dn, rack]) => `${dn} ${rack}`);
    writeFileSync(topologyFile, `${lines.join('\n')}\n`);
  }
  return {
    home: options.home,
    datanodes: variant.datanodes,
    racks: topologyFile === undefined ? variant.racks : undefined,
    topologyFile,
    blockSize: variant.blockSizeBytes === undefined ? undefined : String(variant.blockSizeBytes),
    replication: variant.replication,
    seed: variant.seed,
    defines: Object.entries(variant.conf).map(([k, v]) => `${k}=${v}`),
    ephemeralPorts: options.ephemeralPorts ?? process.env.LAB_PORTS === 'ephemeral',
  };
}

export type ClusterState =
  | { kind: 'none' }
  | { kind: 'pack'; running: boolean; description: ClusterDescription }
  | { kind: 'other'; running: boolean; description: ClusterDescription; reasons: string[] };

export function clusterState(home: string, variant: ClusterVariant): ClusterState {
  const description = readDescription(home);
  if (!description) return { kind: 'none' };
  const running = inspectHome(home).running.length > 0;
  const reasons = clusterMismatches(description, home, variant);
  return reasons.length === 0
    ? { kind: 'pack', running, description }
    : { kind: 'other', running, description, reasons };
}

/** Stop whatever runs in the home and remove its HDFS data and journal (the student agreed). */
export async function wipeCluster(home: string): Promise<void> {
  await stopNodes(home);
  const paths = homePaths(home);
  rmSync(path.join(home, 'dfs'), { recursive: true, force: true });
  rmSync(paths.journal, { recursive: true, force: true });
}

export async function bootCluster(
  variant: ClusterVariant,
  options: { home: string; packDir: string; log: (line: string) => void; ephemeralPorts?: boolean },
): Promise<ClusterDescription> {
  const started = await startCluster({ ...startOptionsFor(variant, options), log: options.log });
  return started.description;
}
