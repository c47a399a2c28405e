import { describe, expect, it } from 'vitest';
import {
  deadIntervalMs,
  resolveConfig,
  scanPeriodMs,
  staleIntervalMs,
  validateOverrides,
} from '../../cluster/config/config.js';
import { getconfOutput, GETCONF_USAGE } from '../../cluster/config/getconf.js';
import { HADOOP_DEFAULTS } from '../../cluster/config/hadoop-defaults.js';
import { CONFIG_KEYS, configKey } from '../../cluster/config/keys.js';

describe('registry', () => {
  it('keeps hdfs-default.xml text for Hadoop defaults and a reason for every lab default', () => {
    expect(configKey('dfs.blocksize')?.hadoopDefault).toBe('134217728');
    expect(configKey('dfs.heartbeat.interval')?.hadoopDefault).toBe('3s');
    expect(configKey('dfs.namenode.heartbeat.recheck-interval')?.hadoopDefault).toBe('300000');
    expect(configKey('dfs.namenode.checkpoint.period')?.hadoopDefault).toBe('3600s');
    expect(configKey('dfs.namenode.safemode.threshold-pct')?.hadoopDefault).toBe('0.999f');
    expect(configKey('dfs.datanode.balance.bandwidthPerSec')?.hadoopDefault).toBe('100m');
    for (const key of CONFIG_KEYS) {
      if (key.labDefault) expect(key.labDefault.reason.length, key.name).toBeGreaterThan(10);
      if (key.labOnly) expect(key.name.startsWith('lab.'), key.name).toBe(true);
    }
  });
  it("registered keys keep the default of core-default.xml / hdfs-default.xml, Hadoop 3.3's where trunk moved", () => {
    // hadoop-defaults.ts is Hadoop trunk (3.5.0-SNAPSHOT); keys.ts holds the 3.3 line's text where
    // they differ (3.3's hdfs-default.xml writes time suffixes; HDFS-16523 lowered the autoroll
    // multiplier to 0.5). Keys whose XML value is empty are not in the generated file.
    const trunkDiffers: Record<string, string> = {
      'dfs.heartbeat.interval': '3',
      'dfs.blockreport.initialDelay': '0',
      'dfs.namenode.redundancy.interval.seconds': '3',
      'dfs.namenode.decommission.interval': '30',
      'dfs.namenode.checkpoint.period': '3600',
      'dfs.namenode.checkpoint.check.period': '60',
      'dfs.namenode.edit.log.autoroll.multiplier.threshold': '0.5',
    };
    const xml = new Map(HADOOP_DEFAULTS);
    for (const key of CONFIG_KEYS) {
      if (key.labOnly) continue;
      const expected = key.hadoopDefault === '' ? undefined : (trunkDiffers[key.name] ?? key.hadoopDefault);
      expect(xml.get(key.name), key.name).toBe(expected);
    }
  });
  it('every default parses with its own type', () => {
    expect(() =>
      resolveConfig(Object.fromEntries(CONFIG_KEYS.map((k) => [k.name, k.hadoopDefault]))),
    ).not.toThrow();
  });
});

describe('resolveConfig', () => {
  it('layers Hadoop defaults, lab defaults, overrides and derived values', () => {
    const config = resolveConfig(
      { 'dfs.replication': '2', 'my.own.key': 'x' },
      { 'dfs.namenode.rpc-address': '127.0.0.1:40123' },
    );
    expect(config.int('dfs.replication')).toBe(2);
    expect(config.get('my.own.key')).toBe('x');
    expect(config.get('dfs.namenode.rpc-address')).toBe('127.0.0.1:40123');
    expect(config.bytes('dfs.blocksize')).toBe(134217728);
    expect(config.ms('dfs.heartbeat.interval')).toBe(1000);
    expect(config.ms('dfs.namenode.checkpoint.period')).toBe(3_600_000);
    expect(config.float('dfs.namenode.safemode.threshold-pct')).toBeCloseTo(0.999);
    expect(config.bool('dfs.permissions.enabled')).toBe(true);
    const sources = Object.fromEntries(config.entries().map((e) => [e.key, e.source]));
    expect(sources).toMatchObject({
      'dfs.replication': 'override',
      'dfs.heartbeat.interval': 'lab-default',
      'dfs.blocksize': 'hadoop-default',
      'dfs.namenode.rpc-address': 'derived',
      'my.own.key': 'override',
    });
  });
  it('expands ${var} references like Hadoop', () => {
    const config = resolveConfig({ 'hadoop.tmp.dir': '/tmp/lab' });
    expect(config.get('dfs.namenode.name.dir')).toBe('file:///tmp/lab/dfs/name');
    expect(config.get('dfs.namenode.edits.dir')).toBe('file:///tmp/lab/dfs/name');
  });
  it('rejects bad values of known keys naming key, value and expected form', () => {
    expect(() => resolveConfig({ 'dfs.replication': 'three' })).toThrow(
      /Bad value for dfs.replication: 'three'; expected a whole number/,
    );
    expect(() => resolveConfig({ 'dfs.blocksize': '12 parsecs' })).toThrow(
      /dfs.blocksize: '12 parsecs'.*128m/,
    );
    expect(() => resolveConfig({ 'dfs.heartbeat.interval': '1.5s' })).toThrow(/bare number is in s/);
    expect(() => resolveConfig({ 'dfs.permissions.enabled': 'yes' })).toThrow(/true or false/);
    expect(() => resolveConfig({ 'dfs.checksum.type': 'MD5' })).toThrow(/NULL, CRC32, CRC32C/);
    expect(() => resolveConfig({ 'dfs.replication': '0' })).toThrow(/at least 1/);
    expect(() => resolveConfig({ 'dfs.datanode.address': 'localhost' })).toThrow(/host:port/);
  });
  it('warns about likely typos but keeps unknown keys', () => {
    expect(validateOverrides({ 'dfs.replicaton': '2', 'my.key': '1', 'dfs.replication': '2' })).toEqual([
      'Unknown key dfs.replicaton: did you mean dfs.replication? (kept as given)',
    ]);
  });
});

describe('liveness formulas', () => {
  it('dead after 2 × recheck + 10 × heartbeat: 14 s in the lab, 630 s in Hadoop', () => {
    expect(deadIntervalMs(resolveConfig({}))).toBe(14_000);
    const hadoop = resolveConfig({
      'dfs.heartbeat.interval': '3s',
      'dfs.namenode.heartbeat.recheck-interval': '300000',
    });
    expect(deadIntervalMs(hadoop)).toBe(630_000);
  });
  it('stale interval never below 3 heartbeats', () => {
    expect(staleIntervalMs(resolveConfig({}))).toBe(3000);
    expect(staleIntervalMs(resolveConfig({ 'dfs.namenode.stale.datanode.interval': '1000' }))).toBe(3000);
    expect(staleIntervalMs(resolveConfig({ 'dfs.heartbeat.interval': '3' }))).toBe(9000);
  });
  it('scan period: lab key, else hours (0 → 504 h, negative → disabled)', () => {
    expect(scanPeriodMs(resolveConfig({}))).toBe(60_000);
    expect(scanPeriodMs(resolveConfig({ 'lab.datanode.scan.period-ms': '0' }))).toBe(504 * 3_600_000);
    const disabled = { 'lab.datanode.scan.period-ms': '0', 'dfs.datanode.scan.period.hours': '-1' };
    expect(scanPeriodMs(resolveConfig(disabled))).toBe(-1);
  });
});

describe('hdfs getconf', () => {
  const config = resolveConfig(
    {},
    { 'dfs.namenode.rpc-address': '127.0.0.1:8020', 'dfs.namenode.secondary.http-address': '127.0.0.1:9868' },
  );
  it('-confKey prints the effective value', () => {
    expect(getconfOutput(config, ['-confKey', 'dfs.blocksize'])).toEqual({
      stdout: '134217728\n',
      stderr: '',
      exitCode: 0,
    });
    expect(getconfOutput(config, ['-confkey', 'dfs.heartbeat.interval']).stdout).toBe('1s\n');
  });
  it("-confKey knows every key of core-default.xml and hdfs-default.xml with Hadoop's default", () => {
    // core-default.xml: io.file.buffer.size 4096, fs.trash.interval 0, hadoop.tmp.dir expanded
    // (Configuration.substituteVars; user.name is a JVM property, left as written here).
    expect(getconfOutput(config, ['-confKey', 'io.file.buffer.size']).stdout).toBe('4096\n');
    expect(getconfOutput(config, ['-confKey', 'ipc.client.connect.max.retries']).stdout).toBe('10\n');
    // hdfs-default.xml: dfs.namenode.edits.dir is ${dfs.namenode.name.dir}.
    expect(getconfOutput(config, ['-confKey', 'dfs.datanode.handler.count']).stdout).toBe('10\n');
    expect(getconfOutput(config, ['-confKey', 'dfs.namenode.fs-limits.max-blocks-per-file']).stdout).toBe(
      '10000\n',
    );
    // GetConf prints getTrimmed(key): a multi-line XML value loses its outer whitespace.
    expect(getconfOutput(config, ['-confKey', 'io.serializations']).stdout).toMatch(
      /^org\.apache\.hadoop\.io\.serializer\.WritableSerialization,/,
    );
    expect(HADOOP_DEFAULTS.length).toBeGreaterThan(850);
  });
  it("a key whose XML value is empty is missing, as Configuration does not load it (GetConf's message)", () => {
    for (const [option, key] of [
      ['-includeFile', 'dfs.hosts'],
      ['-excludeFile', 'dfs.hosts.exclude'],
    ]) {
      expect(getconfOutput(config, [option as string])).toEqual({
        stdout: '',
        stderr: `Configuration ${key} is missing.\n`,
        exitCode: 255,
      });
    }
    expect(getconfOutput(config, ['-confKey', 'dfs.namenode.rpc-bind-host']).exitCode).toBe(255);
    const withHosts = resolveConfig({ 'dfs.hosts.exclude': '/etc/hadoop/dfs.exclude' });
    expect(getconfOutput(withHosts, ['-excludeFile']).stdout).toBe('/etc/hadoop/dfs.exclude\n');
  });
  it('a missing key goes to stderr with exit code 255', () => {
    expect(getconfOutput(config, ['-confKey', 'no.such.key'])).toEqual({
      stdout: '',
      stderr: 'Configuration no.such.key is missing.\n',
      exitCode: 255,
    });
    expect(getconfOutput(config, ['-confKey'])).toEqual({
      stdout: '',
      stderr: 'usage: -confKey [key]\n',
      exitCode: 255,
    });
  });
  it('lists NameNodes, secondaries, backup nodes and RPC addresses', () => {
    expect(getconfOutput(config, ['-namenodes']).stdout).toBe('127.0.0.1\n');
    expect(getconfOutput(config, ['-NNRPCADDRESSES']).stdout).toBe('127.0.0.1:8020\n');
    expect(getconfOutput(config, ['-secondaryNameNodes']).stdout).toBe('127.0.0.1\n');
    expect(getconfOutput(config, ['-backupNodes']).stdout).toBe('0.0.0.0\n');
    const viaDefaultFs = resolveConfig({
      'fs.defaultFS': 'hdfs://nn.example:9000',
      'dfs.namenode.rpc-address': '',
    });
    expect(getconfOutput(viaDefaultFs, ['-nnRpcAddresses']).stdout).toBe('nn.example:9000\n');
  });
  it('prints usage for an unknown option, and an error for extra arguments', () => {
    expect(getconfOutput(config, ['-bogus'])).toEqual({
      stdout: '',
      stderr: `${GETCONF_USAGE}\n`,
      exitCode: 255,
    });
    expect(GETCONF_USAGE).toContain('\t[-confKey [key]]\t\t\tgets a specific key from the configuration\n');
    expect(getconfOutput(config, ['-namenodes', 'x']).stderr).toBe('Did not expect argument: x\n');
  });
});
