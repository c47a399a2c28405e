/**
 * What an administrator writes to put DataNodes in maintenance (HdfsDataNodeAdminGuide): a JSON
 * hosts file of DatanodeAdminProperties, and hdfs-site.xml in the lab home naming it as dfs.hosts
 * under CombinedHostFileManager. Written by hand, as the guide shows, so the suites check that the
 * lab reads Hadoop's own files; `lab dfsadmin -refreshNodes` then applies them.
 */
import fs from 'node:fs';
import path from 'node:path';

export interface HostsEntry {
  hostName: string;
  port: number;
  adminState: 'NORMAL' | 'DECOMMISSIONED' | 'IN_MAINTENANCE';
  maintenanceExpireTimeInMS?: number;
}

/** Writes both files; returns their paths, for a test that changes or removes them afterwards. */
export function writeCombinedHosts(
  home: string,
  entries: readonly HostsEntry[],
): { site: string; hosts: string } {
  const site = path.join(home, 'hdfs-site.xml');
  const hosts = path.join(home, 'hosts.json');
  fs.writeFileSync(hosts, JSON.stringify(entries));
  fs.writeFileSync(
    site,
    '<configuration>' +
      '<property><name>dfs.namenode.hosts.provider.classname</name>' +
      '<value>org.apache.hadoop.hdfs.server.blockmanagement.CombinedHostFileManager</value></property>' +
      '<property><name>dfs.hosts</name><value>hosts.json</value></property></configuration>\n',
  );
  return { site, hosts };
}
