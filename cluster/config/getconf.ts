/**
 * `hdfs getconf` (GetConf.java) over a LabConfig: same options (matched case-insensitively), same
 * output streams, messages and exit codes (-1 is 255 as a process status).
 *
 * Lab simplifications: host names are printed as configured (Java's InetSocketAddress would
 * reverse-resolve an IP), and `-journalNodes` prints an empty line (the lab has no JournalNodes).
 */
import type { LabConfig } from './config.js';
import { currentKey, deprecationLogLine, deprecationMessage } from './deprecations.js';

export interface GetconfResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

const COMMANDS: ReadonlyArray<{ usage: string; description: string }> = [
  { usage: '-namenodes', description: 'gets list of namenodes in the cluster.' },
  { usage: '-secondaryNameNodes', description: 'gets list of secondary namenodes in the cluster.' },
  { usage: '-backupNodes', description: 'gets list of backup nodes in the cluster.' },
  { usage: '-journalNodes', description: 'gets list of journal nodes in the cluster.' },
  {
    usage: '-includeFile',
    description: 'gets the include file path that defines the datanodes that can join the cluster.',
  },
  {
    usage: '-excludeFile',
    description: 'gets the exclude file path that defines the datanodes that need to decommissioned.',
  },
  { usage: '-nnRpcAddresses', description: 'gets the namenode rpc addresses' },
  { usage: '-confKey [key]', description: 'gets a specific key from the configuration' },
];

/** GetConf.USAGE, byte for byte. */
export const GETCONF_USAGE =
  'hdfs getconf is utility for getting configuration information from the config file.\n' +
  '\nhadoop getconf \n' +
  COMMANDS.map((c) => `\t[${c.usage}]\t\t\t${c.description}\n`).join('');

const EXIT_FAILURE = 255; // Java's -1 as a process exit status

const ok = (line: string): GetconfResult => ({ stdout: `${line}\n`, stderr: '', exitCode: 0 });
const fail = (message: string): GetconfResult => ({
  stdout: '',
  stderr: `${message}\n`,
  exitCode: EXIT_FAILURE,
});

/** host:port → host and port; an `hdfs://host[:port]` URI → its authority, port 8020 by default. */
function hostPort(text: string, defaultPort: number): { host: string; port: number } | undefined {
  const authority = text.startsWith('hdfs://') ? text.slice('hdfs://'.length).split('/')[0]! : text;
  const m = /^([^\s:/]+)(?::(\d+))?$/.exec(authority);
  if (!m) return undefined;
  return { host: m[1]!, port: m[2] === undefined ? defaultPort : Number(m[2]) };
}

/** DFSUtil.getNNServiceRpcAddressesForCluster for a single, non-HA NameNode. */
function namenodeRpcAddress(config: LabConfig): { host: string; port: number } {
  for (const key of ['dfs.namenode.servicerpc-address', 'dfs.namenode.rpc-address']) {
    const value = config.has(key) ? config.get(key) : '';
    const parsed = value === '' ? undefined : hostPort(value, 8020);
    if (parsed) return parsed;
  }
  const fs = config.has('fs.defaultFS') ? config.get('fs.defaultFS') : '';
  const parsed = fs.startsWith('hdfs://') ? hostPort(fs, 8020) : undefined;
  if (parsed) return parsed;
  throw new Error(
    'Incorrect configuration: namenode address dfs.namenode.servicerpc-address ' +
      'or dfs.namenode.rpc-address is not configured.',
  );
}

function hostOf(config: LabConfig, key: string): string {
  const value = config.has(key) ? config.get(key) : '';
  return hostPort(value, 0)?.host ?? '';
}

/**
 * Whether Configuration would hold the key: a default whose XML value is empty (dfs.hosts,
 * dfs.hosts.exclude, …) is not loaded (Configuration.loadProperty), so getconf calls it missing.
 */
function isSet(config: LabConfig, key: string): boolean {
  if (!config.has(key)) return false;
  return !(config.source(key) === 'hadoop-default' && config.get(key) === '');
}

/** Configuration.getTrimmed: a deprecated name reads its replacement and logs the deprecation once. */
function printKey(config: LabConfig, key: string): GetconfResult {
  const current = currentKey(key);
  const message = deprecationMessage(key);
  const warning = message === undefined ? '' : `${deprecationLogLine(message)}\n`;
  const result = isSet(config, current) ? ok(config.get(current)) : fail(`Configuration ${key} is missing.`);
  return { ...result, stderr: warning + result.stderr };
}

type Handler = (config: LabConfig, args: string[]) => GetconfResult;

function noArgs(run: (config: LabConfig) => GetconfResult): Handler {
  return (config, args) => {
    if (args.length > 0) return fail(`Did not expect argument: ${args[0]}`);
    try {
      return run(config);
    } catch (e) {
      return fail(e instanceof Error ? e.message : String(e));
    }
  };
}

const HANDLERS: Record<string, Handler> = {
  '-namenodes': noArgs((c) => ok(namenodeRpcAddress(c).host)),
  '-secondarynamenodes': noArgs((c) => ok(hostOf(c, 'dfs.namenode.secondary.http-address'))),
  '-backupnodes': noArgs((c) => ok(hostOf(c, 'dfs.namenode.backup.address'))),
  '-journalnodes': noArgs(() => ok('')),
  '-includefile': noArgs((c) => printKey(c, 'dfs.hosts')),
  '-excludefile': noArgs((c) => printKey(c, 'dfs.hosts.exclude')),
  '-nnrpcaddresses': noArgs((c) => {
    const { host, port } = namenodeRpcAddress(c);
    return ok(`${host}:${port}`);
  }),
  '-confkey': (config, args) => {
    if (args.length !== 1) return fail('usage: -confKey [key]');
    return printKey(config, args[0]!);
  },
};

/** Runs `hdfs getconf <argv…>` against `config`. */
export function getconfOutput(config: LabConfig, argv: readonly string[]): GetconfResult {
  const first = argv[0];
  if (argv.length === 1 && (first === '-h' || first === '-help' || first === '--help')) {
    return { stdout: `${GETCONF_USAGE}\n`, stderr: '', exitCode: 0 };
  }
  const handler = first === undefined ? undefined : HANDLERS[first.toLowerCase()];
  if (!handler) return fail(GETCONF_USAGE);
  return handler(config, argv.slice(1));
}
