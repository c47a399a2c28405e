/**
 * Generic options and configuration as Hadoop's client takes them: GenericOptionsParser (options
 * before the command, `-Dk=v` and `-D k=v`), Configuration's deprecations (defaultDeprecations,
 * HdfsConfiguration.addDeprecatedKeys) and its XML resources.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { log4jLine } from '../../cluster/common/log4j.js';
import { canonicalSettings, deprecationLogLine } from '../../cluster/config/deprecations.js';
import { getconfOutput } from '../../cluster/config/getconf.js';
import { resolveConfig } from '../../cluster/config/config.js';
import { readConfigurationFile } from '../../cluster/config/site-files.js';
import { parseGenericOptions, toolRunnerOptions, userSettings } from '../../lab/cli/generic-options.js';
import { namenodeOfDefaultFs } from '../../lab/cli/session.js';

describe('parseGenericOptions (GenericOptionsParser, stopAtNonOption)', () => {
  it('takes -D in both spellings, -fs and -conf before the command, and stops at the command', () => {
    const g = parseGenericOptions([
      '-D',
      'dfs.blocksize=32m',
      '-Ddfs.replication=2',
      '-fs',
      'hdfs://127.0.0.1:9000',
      '-conf',
      'my.xml',
      '-put',
      '-D',
      'x=y',
    ]);
    expect(g.defines).toEqual([
      ['dfs.blocksize', '32m'],
      ['dfs.replication', '2'],
    ]);
    expect(g.fs).toBe('hdfs://127.0.0.1:9000');
    expect(g.confFiles).toEqual(['my.xml']);
    // -D after the command is the command's argument, not a generic option.
    expect(g.rest).toEqual(['-put', '-D', 'x=y']);
  });

  it('splits a -D value on its first = and ignores one without =, as processGeneralOptions', () => {
    const g = parseGenericOptions(['-D', 'a=b=c', '-D', 'novalue', '-ls']);
    expect(g.defines).toEqual([['a', 'b=c']]);
    expect(g.rest).toEqual(['-ls']);
  });

  it('refuses an option whose value is missing', () => {
    expect(() => parseGenericOptions(['-fs'])).toThrow(/Missing argument for option: fs/);
  });

  it('as ToolRunner runs a tool: a parse failure is a WARN log line, then the tool gets no arguments', () => {
    // GenericOptionsParser.parseGeneralOptions: catch (ParseException e) { LOG.warn("options parsing
    // failed: " + e.getMessage()); … } leaves commandLine null, so getRemainingArgs() is empty;
    // the logger org.apache.hadoop.util.GenericOptionsParser prints as %c{2}, with no `lab:`.
    const lines: string[] = [];
    const g = toolRunnerOptions(['-D', 'a=b', '-conf'], (l) => lines.push(l));
    expect(g).toEqual({ defines: [], fs: undefined, confFiles: [], rest: [] });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} WARN util\.GenericOptionsParser: options parsing failed: Missing argument for option: conf$/,
    );
    expect(toolRunnerOptions(['-fs', 'hdfs://h:1', '-ls'], (l) => lines.push(l)).rest).toEqual(['-ls']);
    expect(lines).toHaveLength(1);
  });
});

describe('deprecated keys (Configuration.DeprecatedKeyInfo.getWarningMessage)', () => {
  it('moves old names to current ones with the warning text', () => {
    const { settings, warnings } = canonicalSettings({
      'dfs.block.size': '32m',
      'fs.default.name': 'hdfs://h:1',
      'dfs.balance.bandwidthPerSec': '1m',
      'dfs.name.dir': '/n',
      'dfs.data.dir': '/d',
      'dfs.replication': '2',
    });
    expect(settings).toEqual({
      'dfs.blocksize': '32m',
      'fs.defaultFS': 'hdfs://h:1',
      'dfs.datanode.balance.bandwidthPerSec': '1m',
      'dfs.namenode.name.dir': '/n',
      'dfs.datanode.data.dir': '/d',
      'dfs.replication': '2',
    });
    expect(warnings[0]).toBe('dfs.block.size is deprecated. Instead, use dfs.blocksize');
    expect(warnings).toContain('fs.default.name is deprecated. Instead, use fs.defaultFS');
  });

  it('logs as log4j does with the console pattern %d{ISO8601} %p %c{2}: %m', () => {
    const line = deprecationLogLine('a is deprecated. Instead, use b', new Date(2024, 0, 2, 3, 4, 5, 6));
    expect(line).toBe(
      '2024-01-02 03:04:05,006 INFO Configuration.deprecation: a is deprecated. Instead, use b',
    );
  });

  it('-expunge and -fetchImage log with the same pattern as the deprecation line (TrashPolicyDefault, TransferFsImage)', () => {
    const at = new Date(2024, 10, 12, 13, 14, 15, 160);
    expect(log4jLine('INFO', 'fs.TrashPolicyDefault', 'Deleted trash checkpoint: /user/u/.Trash/1', at)).toBe(
      '2024-11-12 13:14:15,160 INFO fs.TrashPolicyDefault: Deleted trash checkpoint: /user/u/.Trash/1',
    );
    expect(log4jLine('WARN', 'common.Util', 'Overwriting existing file f', at)).toMatch(
      /^2024-11-12 13:14:15,160 WARN common\.Util: /,
    );
  });

  it('getconf -confKey of an old name prints the current key and the warning', () => {
    const r = getconfOutput(resolveConfig({ 'dfs.blocksize': '32m' }), ['-confKey', 'dfs.block.size']);
    expect(r.stdout).toBe('32m\n');
    expect(r.stderr).toMatch(
      /INFO Configuration\.deprecation: dfs\.block\.size is deprecated\. Instead, use dfs\.blocksize\n$/,
    );
    expect(r.exitCode).toBe(0);
  });
});

describe('site files and -conf (Configuration.loadResource)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-site-'));
  const made = [dir];
  afterAll(() => {
    for (const d of made) fs.rmSync(d, { recursive: true, force: true });
  });
  const write = (name: string, props: Record<string, string>): string => {
    const file = path.join(dir, name);
    const body = Object.entries(props)
      .map(([k, v]) => `  <property>\n    <name>${k}</name>\n    <value>${v}</value>\n  </property>`)
      .join('\n');
    fs.writeFileSync(file, `<?xml version="1.0"?>\n<configuration>\n${body}\n</configuration>\n`);
    return file;
  };

  it('reads name/value properties', () => {
    const file = write('x.xml', { 'dfs.replication': '2', 'fs.defaultFS': 'hdfs://h:8020' });
    expect(readConfigurationFile(file)).toEqual({ 'dfs.replication': '2', 'fs.defaultFS': 'hdfs://h:8020' });
  });

  it('layers HADOOP_CONF_DIR and the lab home site files, -conf files, then -D and -fs', () => {
    const conf = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-conf-dir-'));
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-conf-home-'));
    made.push(conf, home);
    fs.writeFileSync(
      path.join(conf, 'core-site.xml'),
      '<configuration><property><name>fs.default.name</name><value>hdfs://a:1</value></property></configuration>',
    );
    fs.writeFileSync(
      path.join(home, 'hdfs-site.xml'),
      '<configuration><property><name>dfs.replication</name><value>2</value></property>' +
        '<property><name>dfs.blocksize</name><value>4m</value></property></configuration>',
    );
    const extra = write('extra.xml', { 'dfs.blocksize': '8m' });
    const saved = process.env.HADOOP_CONF_DIR;
    process.env.HADOOP_CONF_DIR = conf;
    try {
      const generic = parseGenericOptions(['-conf', extra, '-D', 'dfs.replication=3', '-ls']);
      expect(userSettings(home, generic)).toEqual({
        'fs.defaultFS': 'hdfs://a:1',
        'dfs.replication': '3',
        'dfs.blocksize': '8m',
      });
      const withFs = parseGenericOptions(['-fs', 'hdfs://b:2', '-ls']);
      expect(userSettings(home, withFs)['fs.defaultFS']).toBe('hdfs://b:2');
    } finally {
      if (saved === undefined) delete process.env.HADOOP_CONF_DIR;
      else process.env.HADOOP_CONF_DIR = saved;
    }
  });
});

describe('fs.defaultFS names the NameNode', () => {
  it('takes an hdfs:// authority, port 8020 when left out (HdfsClientConfigKeys.DFS_NAMENODE_RPC_PORT_DEFAULT)', () => {
    expect(namenodeOfDefaultFs('hdfs://127.0.0.1:9000')).toEqual({ host: '127.0.0.1', port: 9000 });
    expect(namenodeOfDefaultFs('hdfs://nn.example/')).toEqual({ host: 'nn.example', port: 8020 });
  });

  it('refuses the local file system and other schemes', () => {
    expect(() => namenodeOfDefaultFs('file:///')).toThrow(/file: file system is not HDFS/);
    expect(() => namenodeOfDefaultFs('s3a://bucket/')).toThrow(/s3a: file system is not HDFS/);
  });
});
