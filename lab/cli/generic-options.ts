/**
 * Hadoop's generic options (GenericOptionsParser, as ToolRunner runs every `hdfs` tool): `-D
 * key=value` / `-Dkey=value`, `-fs URI`, `-conf FILE`, and the MapReduce ones (`-jt`, `-files`,
 * `-libjars`, `-archives`, `-tokenCacheFile`), which take a value and change nothing here. They
 * come before the command's own arguments: parsing stops at the first argument that is not one
 * (commons-cli's stopAtNonOption), so `-D` after `-put` belongs to -put (which refuses it).
 *
 * The client configuration is then built as Hadoop's Configuration layers it: the cluster's
 * settings, core-site.xml and hdfs-site.xml from $HADOOP_CONF_DIR and the lab home, each `-conf`
 * file, then `-D` and `-fs` — deprecated names mapped to current ones with Hadoop's warning.
 */
import { log4jLine } from '../../cluster/common/log4j.js';
import { canonicalSettings, deprecationLogLine } from '../../cluster/config/deprecations.js';
import { readConfigurationFile, siteFilesIn } from '../../cluster/config/site-files.js';
import { UsageError } from './errors.js';
import { err } from './output.js';

export interface GenericOptions {
  /** `-D` settings in order (a later one wins). */
  defines: Array<[string, string]>;
  /** `-fs URI`: sets fs.defaultFS. */
  fs: string | undefined;
  /** `-conf FILE`, in order. */
  confFiles: string[];
  /** What follows the generic options: the command and its arguments. */
  rest: string[];
}

/** Generic options that take a value and only matter to MapReduce jobs. */
const IGNORED_WITH_VALUE = new Set(['-jt', '-files', '-libjars', '-archives', '-tokenCacheFile']);

/** GenericOptionsParser.printGenericCommandUsage (Hadoop 3), printed after a usage. */
export const GENERIC_USAGE = [
  'Generic options supported are:',
  '-conf <configuration file>        specify an application configuration file',
  '-D <property=value>               define a value for a given property',
  "-fs <file:///|hdfs://namenode:port> specify default filesystem URL to use, overrides 'fs.defaultFS' property from configurations.",
  '-jt <local|resourcemanager:port>  specify a ResourceManager',
  '-files <file1,...>                specify a comma-separated list of files to be copied to the map reduce cluster',
  '-libjars <jar1,...>               specify a comma-separated list of jar files to be included in the classpath',
  '-archives <archive1,...>          specify a comma-separated list of archives to be unarchived on the compute machines',
  '',
  'The general command line syntax is:',
  'command [genericOptions] [commandOptions]',
].join('\n');

/** ToolRunner.printGenericCommandUsage's bytes (it ends with an empty println). */
export const GENERIC_USAGE_PRINTED = `${GENERIC_USAGE}\n\n`;

/** commons-cli's ParseException for the generic options (GenericOptionsParser logs it). */
export class GenericOptionsParseError extends UsageError {}

function missingValue(option: string): GenericOptionsParseError {
  // commons-cli's MissingArgumentException text, which GenericOptionsParser logs before the usage.
  return new GenericOptionsParseError(
    `options parsing failed: Missing argument for option: ${option.slice(1)}`,
    GENERIC_USAGE,
  );
}

/**
 * The generic options as ToolRunner gets them: GenericOptionsParser.parseGeneralOptions catches a
 * ParseException, logs `WARN util.GenericOptionsParser: options parsing failed: …` and keeps no
 * command line, so getRemainingArgs() is empty and the tool runs with no arguments (it prints its
 * usage). `warn` prints the log line.
 */
export function toolRunnerOptions(argv: readonly string[], warn: (line: string) => void): GenericOptions {
  try {
    return parseGenericOptions(argv);
  } catch (error) {
    if (!(error instanceof GenericOptionsParseError)) throw error;
    warn(log4jLine('WARN', 'util.GenericOptionsParser', error.message, new Date()));
    return { defines: [], fs: undefined, confFiles: [], rest: [] };
  }
}

export function parseGenericOptions(argv: readonly string[]): GenericOptions {
  const result: GenericOptions = { defines: [], fs: undefined, confFiles: [], rest: [] };
  let i = 0;
  for (; i < argv.length; i++) {
    const arg = argv[i] as string;
    const takeValue = (): string => {
      const value = argv[++i];
      if (value === undefined) throw missingValue(arg);
      return value;
    };
    if (arg === '-D' || (arg.startsWith('-D') && arg.length > 2)) {
      const text = arg === '-D' ? takeValue() : arg.slice(2);
      // processGeneralOptions: split on the first '='; a value without one is ignored.
      const eq = text.indexOf('=');
      if (eq > 0) result.defines.push([text.slice(0, eq).trim(), text.slice(eq + 1)]);
    } else if (arg === '-fs') {
      result.fs = takeValue();
    } else if (arg === '-conf') {
      result.confFiles.push(takeValue());
    } else if (IGNORED_WITH_VALUE.has(arg)) {
      takeValue();
    } else {
      break;
    }
  }
  result.rest = argv.slice(i);
  return result;
}

/** Where the lab looks for site files: $HADOOP_CONF_DIR, then the lab home (later wins). */
export function siteDirs(home: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const dirs: string[] = [];
  if (env.HADOOP_CONF_DIR) dirs.push(env.HADOOP_CONF_DIR);
  dirs.push(home);
  return dirs;
}

/**
 * The settings the user gave this client, layered as Configuration does (site files, `-conf`
 * files, `-D`, `-fs`), with current key names. Prints Hadoop's deprecation line for each old name.
 */
export function userSettings(home: string, generic: GenericOptions): Record<string, string> {
  const layered: Record<string, string> = {};
  const warnings: string[] = [];
  const add = (settings: Record<string, string>): void => {
    const canonical = canonicalSettings(settings);
    for (const w of canonical.warnings) if (!warnings.includes(w)) warnings.push(w);
    Object.assign(layered, canonical.settings);
  };
  for (const file of [...siteFilesIn(siteDirs(home)), ...generic.confFiles]) add(readConfigurationFile(file));
  add(Object.fromEntries(generic.defines));
  if (generic.fs !== undefined) layered['fs.defaultFS'] = generic.fs;
  for (const w of warnings) err(deprecationLogLine(w));
  return layered;
}
