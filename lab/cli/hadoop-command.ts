/**
 * The one way a Hadoop-style command (fs, dfsadmin, fsck, getconf, …) is registered: commander
 * hands it its argv raw (single-dash long options are not commander's), the lab's own flags
 * (`--json`, or those the command names) are taken out wherever they stand, and the
 * generic options in front are parsed as ToolRunner's GenericOptionsParser does. The command's
 * body receives what is left and builds its configuration from the generic options on demand.
 */
import type { Command } from './commander.js';
import { homeOf } from './context.js';
import { toolRunnerOptions, userSettings, type GenericOptions } from './generic-options.js';
import { err } from './output.js';

export interface HadoopInvocation {
  /** The arguments after the generic options, the lab's flags taken out. */
  args: string[];
  /** The generic options as given (`-D`, `-fs`, `-conf`, …). */
  generic: GenericOptions;
  /** The lab's flags that were given (`--json`, `--trace`, …). */
  labFlags: ReadonlySet<string>;
  /** `--json` was given. */
  json: boolean;
  /** The lab home (`--home`, LAB_HOME, ~/.hdfs-lab). */
  home: string;
  command: Command;
  /**
   * The client settings of site files, `-conf`, `-D` and `-fs`, current key names; prints Hadoop's
   * deprecation line for each old name, so a command calls it once it knows it will run.
   */
  settings(): Record<string, string>;
}

export interface HadoopCommandSpec {
  name: string;
  aliases?: readonly string[];
  description: string;
  /** The lab's own flags, which may stand anywhere: `--json` unless the command names others. */
  labFlags?: readonly string[];
  /**
   * Whether generic options are taken in front (default true: a Tool run by ToolRunner). False for
   * a tool whose main() parses its own arguments (OfflineImageViewerPB): `-D` is then its option.
   */
  genericOptions?: boolean;
  run(invocation: HadoopInvocation): void | Promise<void>;
}

export function registerHadoopCommand(program: Command, spec: HadoopCommandSpec): void {
  const own = new Set(spec.labFlags ?? ['--json']);
  const command = program.command(spec.name);
  for (const alias of spec.aliases ?? []) command.alias(alias);
  command
    .description(spec.description)
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .argument('[args...]')
    .action(async (argv: string[], _opts: unknown, cmd: Command) => {
      const labFlags = new Set(argv.filter((a) => own.has(a)));
      const rest = argv.filter((a) => !own.has(a));
      const generic =
        spec.genericOptions === false
          ? { defines: [], fs: undefined, confFiles: [], rest }
          : toolRunnerOptions(rest, err);
      const home = homeOf(cmd);
      await spec.run({
        args: generic.rest,
        generic,
        labFlags,
        json: labFlags.has('--json'),
        home,
        command: cmd,
        settings: () => userSettings(home, generic),
      });
    });
}
