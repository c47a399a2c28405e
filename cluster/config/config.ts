/**
 * The effective configuration of a lab cluster: Hadoop's defaults (every key of core-default.xml
 * and hdfs-default.xml, hadoop-defaults.ts), then the lab's defaults, then
 * `-D key=value` overrides, then values the launcher derived (bound addresses, run directories —
 * they win because they describe what is actually running). Pure: no files, no environment.
 *
 * Like Hadoop, any key may be set; only registered keys are type-checked. Values are stored as
 * text (what `hdfs getconf -confKey` prints) and parsed by the typed getters.
 */
import { parseDuration, parseSize, UnitParseError } from '../common/units.js';
import { HADOOP_DEFAULTS } from './hadoop-defaults.js';
import { CONFIG_KEYS, configKey, labDefaultValue, type ConfigKey } from './keys.js';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export type ConfigSource = 'hadoop-default' | 'lab-default' | 'override' | 'derived';

export interface ConfigEntry {
  key: string;
  /** Effective text, variables expanded. */
  value: string;
  source: ConfigSource;
  registered: boolean;
}

export interface LabConfig {
  /** Effective text with ${var} expanded; throws ConfigError for a key that is neither known nor set. */
  get(key: string): string;
  has(key: string): boolean;
  /** Which layer the key's value comes from; undefined for a key neither known nor set. */
  source(key: string): ConfigSource | undefined;
  bytes(key: string): number;
  int(key: string): number;
  float(key: string): number;
  bool(key: string): boolean;
  /** A duration key in milliseconds, whatever unit the key is written in. */
  ms(key: string): number;
  /** Every key with a default (Hadoop's or the lab's) and every set key, sorted by name. */
  entries(): ConfigEntry[];
}

const EXPECTED_FORM: Record<ConfigKey['type'], string> = {
  bytes: 'a size such as 134217728, 128m, 1g or 128 MB',
  int: 'a whole number',
  float: 'a number such as 0.999 or 0.32f',
  bool: 'true or false',
  duration: 'a whole number with an optional unit (ns, us, ms, s, m, h, d)',
  string: 'text',
  address: 'host:port, e.g. 127.0.0.1:9866',
};

/** Java Float.parseFloat's accepted shapes (decimal only), including the `f`/`d` type suffix. */
const FLOAT_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?[fFdD]?$/;

function parseIntText(text: string): number | undefined {
  const s = text.trim();
  if (/^[+-]?\d+$/.test(s)) return Number(s);
  if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(s)) {
    const negative = s.startsWith('-');
    const magnitude = Number.parseInt(s.replace(/^[+-]?0[xX]/, ''), 16);
    return negative ? -magnitude : magnitude;
  }
  return undefined;
}

function badValue(key: ConfigKey, value: string, detail?: string): ConfigError {
  const extra = detail ? ` (${detail})` : '';
  return new ConfigError(
    `Bad value for ${key.name}: '${value}'${extra}; expected ${EXPECTED_FORM[key.type]}. ` +
      `Hadoop's default is '${key.hadoopDefault}'.`,
  );
}

/** Parses a registered key's text to a number (ms for durations) or boolean; throws on bad text. */
function parseTyped(key: ConfigKey, value: string): number | boolean | string {
  const s = value.trim();
  switch (key.type) {
    case 'bytes':
      try {
        return parseSize(s);
      } catch (e) {
        throw badValue(key, value, e instanceof UnitParseError ? undefined : String(e));
      }
    case 'int': {
      const n = parseIntText(s);
      if (n === undefined || !Number.isSafeInteger(n)) throw badValue(key, value);
      return n;
    }
    case 'float':
      if (!FLOAT_TEXT.test(s)) throw badValue(key, value);
      return Number(s.replace(/[fFdD]$/, ''));
    case 'bool': {
      const lower = s.toLowerCase();
      if (lower !== 'true' && lower !== 'false') throw badValue(key, value);
      return lower === 'true';
    }
    case 'duration':
      try {
        return parseDuration(s, key.unit ?? 'ms');
      } catch {
        throw badValue(key, value, `a bare number is in ${key.unit ?? 'ms'}`);
      }
    case 'address': {
      if (s === '') return s;
      const m = /^([^\s:]+):(\d+)$/.exec(s);
      if (!m || Number(m[2]) > 65535) throw badValue(key, value);
      return s;
    }
    case 'string':
      return s;
  }
}

function validate(key: ConfigKey, value: string): void {
  const parsed = parseTyped(key, value);
  if (key.choices && !key.choices.includes(String(parsed))) {
    throw new ConfigError(
      `Bad value for ${key.name}: '${value}'; expected one of ${key.choices.join(', ')}.`,
    );
  }
  if (key.min !== undefined && typeof parsed === 'number' && parsed < key.min) {
    const unit = key.type === 'duration' ? ' ms' : '';
    throw new ConfigError(`Bad value for ${key.name}: '${value}'; must be at least ${key.min}${unit}.`);
  }
}

/** Expands ${name} from the configuration; unresolvable variables stay as written (as Hadoop). */
function expand(text: string, lookup: (name: string) => string | undefined): string {
  let out = text;
  // Bounded like Hadoop's MAX_SUBST (20) so a self-reference cannot loop forever.
  for (let depth = 0; depth < 20; depth++) {
    let changed = false;
    out = out.replace(/\$\{([^}$\s]+)\}/g, (whole, name: string) => {
      const v = lookup(name);
      if (v === undefined) return whole;
      changed = true;
      return v;
    });
    if (!changed) break;
  }
  return out;
}

/**
 * Builds the effective configuration. Throws ConfigError naming key, value and the expected form
 * when an override or derived value of a registered key does not parse.
 */
export function resolveConfig(
  overrides: Record<string, string>,
  derived: Record<string, string> = {},
): LabConfig {
  const values = new Map<string, { value: string; source: ConfigSource }>();
  // Every default of core-default.xml and hdfs-default.xml, then the keys the lab reads: their
  // Hadoop 3.3 default or the lab's own (keys.ts), which win.
  for (const [name, value] of HADOOP_DEFAULTS) values.set(name, { value, source: 'hadoop-default' });
  for (const key of CONFIG_KEYS) {
    values.set(key.name, {
      value: labDefaultValue(key),
      source: key.labDefault ? 'lab-default' : 'hadoop-default',
    });
  }
  const layers: Array<[Record<string, string>, ConfigSource]> = [
    [overrides, 'override'],
    [derived, 'derived'],
  ];
  for (const [layer, source] of layers) {
    for (const [name, value] of Object.entries(layer)) {
      const key = configKey(name);
      if (key) validate(key, value);
      values.set(name, { value, source });
    }
  }

  const raw = (name: string): string | undefined => values.get(name)?.value;
  const get = (name: string): string => {
    const v = raw(name);
    if (v === undefined) throw new ConfigError(`Configuration ${name} is missing.`);
    return expand(v, raw).trim();
  };
  const typed = (name: string, type: ConfigKey['type']): number | boolean => {
    const key = configKey(name);
    if (!key) throw new ConfigError(`${name} is not a registered key; add it to cluster/config/keys.ts`);
    if (key.type !== type) throw new ConfigError(`${name} is a ${key.type} key, not ${type}`);
    return parseTyped(key, get(name)) as number | boolean;
  };

  return {
    get,
    has: (name) => values.has(name),
    source: (name) => values.get(name)?.source,
    bytes: (name) => typed(name, 'bytes') as number,
    int: (name) => typed(name, 'int') as number,
    float: (name) => typed(name, 'float') as number,
    bool: (name) => typed(name, 'bool') as boolean,
    ms: (name) => typed(name, 'duration') as number,
    entries: () =>
      [...values.entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([key, { source }]) => ({
          key,
          value: get(key),
          source,
          registered: configKey(key) !== undefined,
        })),
  };
}

let defaults: LabConfig | undefined;

/**
 * The configuration with nothing set: every key at the default a lab cluster starts from (keys.ts,
 * hadoop-defaults.ts). Code that needs a default where no configuration reaches it (`lab start`'s
 * checks before a cluster exists, a core built without settings) reads it here, so each default's
 * value is written once.
 */
export function defaultConfig(): LabConfig {
  return (defaults ??= resolveConfig({}));
}

/** Levenshtein distance, for "did you mean" hints. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j]! + 1, current[j - 1]! + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length]!;
}

/** Every key Hadoop's default files or the lab define. */
const KNOWN_KEYS: ReadonlySet<string> = new Set([
  ...HADOOP_DEFAULTS.map(([name]) => name),
  ...CONFIG_KEYS.map((key) => key.name),
]);

/**
 * Warnings for `-D` keys the lab does not know that look like typos of a known key (edit distance
 * ≤ 2). Unknown keys are still kept: Hadoop accepts any key.
 */
export function validateOverrides(overrides: Record<string, string>): string[] {
  const warnings: string[] = [];
  for (const name of Object.keys(overrides)) {
    if (KNOWN_KEYS.has(name)) continue;
    let best: { name: string; distance: number } | undefined;
    for (const known of KNOWN_KEYS) {
      if (Math.abs(known.length - name.length) > 2) continue;
      const distance = editDistance(name, known);
      if (distance <= 2 && (!best || distance < best.distance)) best = { name: known, distance };
    }
    if (best) warnings.push(`Unknown key ${name}: did you mean ${best.name}? (kept as given)`);
  }
  return warnings;
}

/**
 * Time without a heartbeat after which the NameNode declares a DataNode dead
 * (DatanodeManager.heartbeatExpireInterval = 2 × recheck + 10 × heartbeat).
 */
export function deadIntervalMs(config: LabConfig): number {
  return 2 * config.ms('dfs.namenode.heartbeat.recheck-interval') + 10 * config.ms('dfs.heartbeat.interval');
}

/** Stale interval, raised to the floor of minimum.interval (3) heartbeats as DatanodeManager does. */
export function staleIntervalMs(config: LabConfig): number {
  const floorMs =
    config.int('dfs.namenode.stale.datanode.minimum.interval') * config.ms('dfs.heartbeat.interval');
  return Math.max(config.ms('dfs.namenode.stale.datanode.interval'), floorMs);
}

/**
 * Block scanner period in ms, or -1 when disabled: the lab's ms key when > 0, else
 * dfs.datanode.scan.period.hours (0 → 504 h, negative → disabled), as BlockScanner.Conf.
 */
export function scanPeriodMs(config: LabConfig): number {
  const labMs = config.ms('lab.datanode.scan.period-ms');
  if (labMs > 0) return labMs;
  const hours = config.int('dfs.datanode.scan.period.hours');
  if (hours < 0) return -1;
  return (hours === 0 ? 504 : hours) * 3_600_000;
}
