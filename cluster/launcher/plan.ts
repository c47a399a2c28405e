/**
 * The pure stage of `lab start`: from the options (and the text of a topology file, already read)
 * to a ClusterDescription with preferred ports, plus the warnings to print. No I/O, so every
 * validation is tested without processes or ports.
 */
import { canonicalSettings } from '../config/deprecations.js';
import { parseSize, UnitParseError } from '../common/units.js';
import {
  ConfigError,
  defaultConfig,
  resolveConfig,
  validateOverrides,
  type LabConfig,
} from '../config/config.js';
import { DATANODES_MAX, RACKS_MAX } from '../protocol/limits.js';
import { BYTES_PER_CHECKSUM } from '../protocol/packet.js';
import { spreadOverRacks } from '../net/racks.js';
import { parseTableMapping } from '../net/table-mapping.js';
import { DEFAULT_RACK, InvalidTopologyError, NetworkTopology } from '../net/topology.js';
import { datanodeNumber, planAddresses, rackIndexes, type AddressPlan } from './addresses.js';
import {
  DESCRIPTION_VERSION,
  type ClusterDescription,
  type DatanodeDescription,
} from '../home/description.js';
import { LauncherError } from '../home/errors.js';

export const DEFAULT_DATANODES = 3;

export interface StartOptions {
  /** --datanodes; undefined → 3, or one per topology line. */
  datanodes?: number | undefined;
  racks?: number | undefined;
  topologyFile?: string | undefined;
  /** --block-size as typed (`1m`, `64m`, `134217728`). */
  blockSize?: string | undefined;
  replication?: number | undefined;
  seed?: string | undefined;
  /** -D key=value pairs, in command-line order. */
  defines?: readonly string[] | undefined;
  ephemeralPorts?: boolean | undefined;
}

export interface PlanInput {
  options: StartOptions;
  /** The topology file's text (undefined when no --topology). */
  topologyText?: string | undefined;
  loopbackAliases: boolean;
  /** The seed to use when --seed is absent (random, or the home's previous one). */
  fallbackSeed: string;
  nowMs: number;
}

export interface ClusterPlan {
  description: ClusterDescription;
  warnings: string[];
}

function usage(message: string): LauncherError {
  return new LauncherError(message, 'usage');
}

function checkIntegerOption(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) {
    throw usage(`${name} must be a whole number from ${min} to ${max}, got ${value}`);
  }
}

/** `-D key=value` pairs into a map; a later pair wins, as in Hadoop's GenericOptionsParser. */
export function parseDefines(defines: readonly string[]): Record<string, string> {
  const conf: Record<string, string> = {};
  for (const define of defines) {
    const eq = define.indexOf('=');
    const key = eq < 0 ? '' : define.slice(0, eq).trim();
    if (eq < 0 || key === '') {
      throw usage(`-D expects key=value (e.g. -D dfs.heartbeat.interval=1s), got '${define}'`);
    }
    conf[key] = define.slice(eq + 1).trim();
  }
  return conf;
}

export function planCluster(input: PlanInput): ClusterPlan {
  const { options } = input;
  const warnings: string[] = [];
  // Hadoop's deprecated names (dfs.block.size) set their current key, with Configuration's warning.
  const { settings: conf, warnings: deprecations } = canonicalSettings(parseDefines(options.defines ?? []));
  warnings.push(...deprecations, ...validateOverrides(conf));
  const datanodes = planRacks(input, warnings);
  applyBlockSize(options, conf, warnings);
  applyReplication(options, conf, datanodes.length, warnings);
  if (options.topologyFile !== undefined) {
    conf['net.topology.node.switch.mapping.impl'] ??= 'org.apache.hadoop.net.TableMapping';
    conf['net.topology.table.file.name'] ??= options.topologyFile;
  }
  effectiveConfig(conf);
  const addresses = planAddresses({
    datanodes,
    loopbackAliases: input.loopbackAliases,
    ephemeralPorts: options.ephemeralPorts ?? false,
  });
  return { description: describe(input, conf, datanodes, addresses), warnings };
}

/**
 * The configuration the daemons will run with. A -D value that does not parse
 * (dfs.heartbeat.interval=fast) is a usage error: it stops the start before any process runs.
 */
function effectiveConfig(conf: Record<string, string>): LabConfig {
  try {
    return resolveConfig(conf);
  } catch (error) {
    if (error instanceof ConfigError) throw usage(`-D: ${error.message}`);
    throw error;
  }
}

function describe(
  input: PlanInput,
  conf: Record<string, string>,
  datanodes: readonly { id: string; rack: string }[],
  addresses: AddressPlan,
): ClusterDescription {
  const dns: DatanodeDescription[] = addresses.datanodes.map((address, index) => ({
    ...address,
    rack: (datanodes[index] as { rack: string }).rack,
  }));
  return {
    version: DESCRIPTION_VERSION,
    seed: input.options.seed ?? input.fallbackSeed,
    createdMs: input.nowMs,
    conf,
    namenode: addresses.namenode,
    secondary: addresses.secondary,
    datanodes: dns,
    // Off-cluster: an unknown host resolves to /default-rack in Hadoop's mappings.
    client: { host: addresses.client.host, rack: DEFAULT_RACK },
    loopbackAliases: addresses.loopbackAliases,
  };
}

/** DataNode ids and racks from --datanodes / --racks / --topology. */
export function planRacks(input: PlanInput, warnings: string[]): { id: string; rack: string }[] {
  const { options } = input;
  if (options.racks !== undefined && options.topologyFile !== undefined) {
    throw usage('--racks and --topology both say where DataNodes go; give one of them');
  }
  if (options.datanodes !== undefined) checkIntegerOption('--datanodes', options.datanodes, 1, DATANODES_MAX);
  if (options.topologyFile !== undefined) {
    return racksFromTopology(input.topologyText ?? '', options, input.loopbackAliases, warnings);
  }
  const count = options.datanodes ?? DEFAULT_DATANODES;
  const ids = Array.from({ length: count }, (_, index) => `dn${index + 1}`);
  if (options.racks === undefined) return ids.map((id) => ({ id, rack: DEFAULT_RACK }));
  checkIntegerOption('--racks', options.racks, 1, RACKS_MAX);
  if (options.racks > count) {
    throw usage(
      `--racks ${options.racks} is more racks than DataNodes (${count}); a rack would be empty. ` +
        `Use --racks ≤ --datanodes, e.g. --datanodes ${options.racks} --racks ${options.racks}.`,
    );
  }
  const racks = spreadOverRacks(count, options.racks);
  return ids.map((id, index) => ({ id, rack: racks[index] as string }));
}

/**
 * TableMapping lines name a DataNode by its id (`dn3 /dc1/rack2`) or by its planned address
 * (`127.0.2.3 /dc1/rack2`, the last octet being the DataNode number). The planned address depends
 * on the rack's index, so an address line is matched by its last octet and a warning says so when
 * the rest of the address differs from the plan.
 */
function racksFromTopology(
  text: string,
  options: StartOptions,
  loopbackAliases: boolean,
  warnings: string[],
): { id: string; rack: string }[] {
  const file = options.topologyFile as string;
  const parsed = parseTableMapping(text);
  for (const warning of parsed.warnings) warnings.push(`${file}: ${warning}`);
  const byNumber = new Map<number, { key: string; rack: string }>();
  for (const [key, rack] of parsed.mapping) {
    const number = datanodeNumber(key) ?? addressNumber(key);
    if (number === undefined) {
      warnings.push(`${file}: '${key}' names no DataNode (use dn1, dn2, … or 127.0.<rack>.<n>) — ignored`);
      continue;
    }
    const earlier = byNumber.get(number);
    if (earlier !== undefined)
      warnings.push(`${file}: ${key} and ${earlier.key} both map dn${number}; ${key} wins`);
    byNumber.set(number, { key, rack });
  }
  if (byNumber.size === 0) {
    throw usage(
      `${file} maps no DataNode to a rack; write lines like "dn1 /dc1/rack1" or "127.0.1.1 /dc1/rack1"`,
    );
  }
  const count = options.datanodes ?? byNumber.size;
  const beyond = [...byNumber.keys()].filter((number) => number > count).sort((a, b) => a - b);
  if (beyond.length > 0) {
    throw usage(
      `${file} maps ${beyond.map((n) => `dn${n}`).join(', ')} but the cluster has ${count} DataNode(s); ` +
        `number them from dn1 or give --datanodes ${beyond[beyond.length - 1]}`,
    );
  }
  const datanodes = Array.from({ length: count }, (_, index) => ({
    id: `dn${index + 1}`,
    rack: byNumber.get(index + 1)?.rack ?? DEFAULT_RACK,
  }));
  const unmapped = datanodes.filter((dn) => !byNumber.has(datanodeNumber(dn.id) as number));
  if (unmapped.length > 0) {
    warnings.push(
      `${file} does not map ${unmapped.map((dn) => dn.id).join(', ')}; ${unmapped.length === 1 ? 'it goes' : 'they go'} to ${DEFAULT_RACK}, as in Hadoop`,
    );
  }
  checkTopology(file, datanodes);
  warnAboutAddresses(file, byNumber, datanodes, loopbackAliases, warnings);
  return datanodes;
}

/** The DataNode number of an IPv4 address line: its last octet. */
function addressNumber(key: string): number | undefined {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(key);
  if (!match) return undefined;
  const last = Number(match[4]);
  return last >= 1 ? last : undefined;
}

function checkTopology(file: string, datanodes: readonly { id: string; rack: string }[]): void {
  try {
    new NetworkTopology(datanodes.map((dn) => ({ name: dn.id, location: dn.rack, address: dn.id })));
  } catch (error) {
    if (error instanceof InvalidTopologyError) throw usage(`${file}: ${error.message}`);
    throw error;
  }
}

function warnAboutAddresses(
  file: string,
  byNumber: ReadonlyMap<number, { key: string; rack: string }>,
  datanodes: readonly { id: string; rack: string }[],
  loopbackAliases: boolean,
  warnings: string[],
): void {
  const indexes = rackIndexes(datanodes.map((dn) => dn.rack));
  for (const [number, { key, rack }] of byNumber) {
    if (datanodeNumber(key) !== undefined) continue;
    const planned = loopbackAliases ? `127.0.${indexes.get(rack)}.${number}` : '127.0.0.1';
    if (planned !== key) {
      warnings.push(
        `${file}: ${key} was read as dn${number} (last octet); dn${number} on ${rack} gets address ${planned}` +
          (loopbackAliases
            ? ` (${rack} is rack ${indexes.get(rack)} of ${indexes.size} in sorted order)`
            : ''),
      );
    }
  }
}

function applyBlockSize(options: StartOptions, conf: Record<string, string>, warnings: string[]): void {
  if (options.blockSize !== undefined) {
    if (conf['dfs.blocksize'] !== undefined && conf['dfs.blocksize'] !== options.blockSize) {
      warnings.push(`--block-size ${options.blockSize} overrides -D dfs.blocksize=${conf['dfs.blocksize']}`);
    }
    conf['dfs.blocksize'] = options.blockSize;
  }
  const text = conf['dfs.blocksize'];
  if (text === undefined) return;
  const source = options.blockSize !== undefined ? '--block-size' : '-D dfs.blocksize';
  let bytes: number;
  try {
    bytes = parseSize(text);
  } catch (error) {
    if (error instanceof UnitParseError) throw usage(`${source}: ${error.message}`);
    throw error;
  }
  const min = effectiveConfig(conf).bytes('dfs.namenode.fs-limits.min-block-size');
  if (bytes <= 0 || bytes % BYTES_PER_CHECKSUM !== 0) {
    throw usage(
      `${source} ${text}: a block size must be a positive multiple of ${BYTES_PER_CHECKSUM} bytes (dfs.bytes-per-checksum)`,
    );
  }
  if (bytes < min) {
    throw usage(
      `${source} ${text} (${bytes} bytes) is below dfs.namenode.fs-limits.min-block-size (${min} bytes); ` +
        `the NameNode would refuse every file. Use 1m or more, or lower the limit with -D dfs.namenode.fs-limits.min-block-size=…`,
    );
  }
  // The value stays as typed (`1m`): getconf prints it as Hadoop would, and daemons parse it.
}

function applyReplication(
  options: StartOptions,
  conf: Record<string, string>,
  datanodes: number,
  warnings: string[],
): void {
  const max = effectiveConfig(conf).int('dfs.replication.max');
  if (options.replication !== undefined) {
    checkIntegerOption('--replication', options.replication, 1, max);
    if (conf['dfs.replication'] !== undefined && conf['dfs.replication'] !== String(options.replication)) {
      warnings.push(
        `--replication ${options.replication} overrides -D dfs.replication=${conf['dfs.replication']}`,
      );
    }
    conf['dfs.replication'] = String(options.replication);
  }
  const text = conf['dfs.replication'];
  const replication = text === undefined ? defaultConfig().int('dfs.replication') : Number(text);
  if (text !== undefined) checkIntegerOption('-D dfs.replication', replication, 1, max);
  if (replication > datanodes) {
    warnings.push(
      `replication ${replication} is more than the ${datanodes} DataNode(s); capped at ${datanodes} ` +
        `(dfs.replication=${datanodes}), since a DataNode holds at most one replica of a block`,
    );
    conf['dfs.replication'] = String(datanodes);
  }
}
