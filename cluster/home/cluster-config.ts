/**
 * The effective configuration of a described cluster: defaults, the -D overrides recorded in
 * cluster.json, and what the launcher derived (the NameNode's address as fs.defaultFS, the run
 * directory as hadoop.tmp.dir) — what `lab getconf` prints and what the daemons read.
 */
import { resolveConfig, type LabConfig } from '../config/config.js';
import { homePaths, type ClusterDescription } from './description.js';

export function derivedConf(description: ClusterDescription, home: string): Record<string, string> {
  const nn = `${description.namenode.host}:${description.namenode.port}`;
  const derived: Record<string, string> = {
    'fs.defaultFS': `hdfs://${nn}`,
    'dfs.namenode.rpc-address': nn,
    'hadoop.tmp.dir': home,
    'dfs.namenode.name.dir': `file://${homePaths(home).nameDir}`,
    'dfs.namenode.checkpoint.dir': `file://${homePaths(home).checkpointDir}`,
  };
  if (description.namenode.httpPort !== undefined) {
    derived['dfs.namenode.http-address'] = `${description.namenode.host}:${description.namenode.httpPort}`;
  }
  if (description.secondary) {
    derived['dfs.namenode.secondary.http-address'] =
      `${description.secondary.host}:${description.secondary.port}`;
  }
  return derived;
}

export function clusterConfig(description: ClusterDescription, home: string): LabConfig {
  return resolveConfig(description.conf, derivedConf(description, home));
}
