/**
 * `lab fsck <path> [-files [-blocks [-locations | -racks]]] [-openforwrite] [--json]` — HDFS's
 * fsck, as DFSck runs it: an HTTP GET of the NameNode's `/fsck` servlet, which walks the namespace
 * and writes the report; the client prints `Connecting to namenode via …` to stderr, copies the
 * report to stdout and takes its exit code from the last line (HEALTHY 0, CORRUPT 1).
 * `--json` asks the same servlet for the lab's structured form of the walk (`&format=json`).
 */
import {
  fetchFsckWalk,
  getFromNamenode,
  namenodeHttpAddress,
  NamenodeHttpError,
} from '../../cluster/client/namenode-http-client.js';
import type { Command } from '../cli/commander.js';
import { homeOf } from '../cli/context.js';
import { CommandExit, UsageError } from '../cli/errors.js';
import { parseHadoopArgs } from '../cli/hadoop-args.js';
import { parseGenericOptions, userSettings } from '../cli/generic-options.js';
import { out, err, printJson } from '../cli/output.js';
import { withSession } from '../cli/session.js';
import { dfsckStdout, fsckExitCode, fsckUrlPath } from '../format/fsck.js';
import { labUser } from '../../cluster/common/user.js';
import { qualify } from './fs.js';

const USAGE =
  'Usage: lab fsck <path> [-list-corruptfileblocks | [-move | -delete | -openforwrite] [-files [-blocks [-locations | -racks | -replicaDetails]]]] [--json]';

const FLAGS = ['files', 'blocks', 'locations', 'racks', 'openforwrite'] as const;

export function registerFsck(program: Command): void {
  program
    .command('fsck')
    .description('check the health of files: blocks, replicas, locations (hdfs fsck)')
    .allowUnknownOption()
    .allowExcessArguments()
    .helpOption(false)
    .argument('[args...]')
    .action(async (argv: string[], _opts: unknown, command: Command) => {
      if (argv[0] === '--help' || argv[0] === '-help') {
        // Help needs no cluster.
        out(USAGE);
        return;
      }
      const generic = parseGenericOptions(argv);
      const args = generic.rest;
      const settings = userSettings(homeOf(command), generic);
      const parsed = parseHadoopArgs(args, {
        command: 'fsck',
        options: FLAGS.map((name) => ({ name })),
        usage: USAGE,
      });
      const operand = parsed.operands[0];
      if (!operand || parsed.operands.length > 1)
        throw new UsageError('fsck: expects exactly one path', USAGE);
      // DFSck resolves the path as the file system does (relative to /user/<name>, scheme dropped).
      const path = qualify(operand);
      const flags = new Set(FLAGS.filter((f) => parsed.options.has(f)));
      const exitCode = await withSession(
        homeOf(command),
        async (session) => {
          const call = { selfId: 'client', journal: session.journal, op: `fsck-${process.pid}` };
          if (parsed.json) {
            const walk = await fetchFsckWalk(
              session,
              {
                path,
                files: flags.has('files'),
                blocks: flags.has('blocks'),
                locations: flags.has('locations'),
                racks: flags.has('racks'),
                openforwrite: flags.has('openforwrite'),
              },
              call,
            );
            // The report's rule: a checked file with a block that has no live replica left is corrupt.
            const checked = walk.files.filter((f) => !f.underConstruction || flags.has('openforwrite'));
            const code = checked.some((f) => f.blocks.some((b) => b.live.length === 0)) ? 1 : 0;
            printJson({ ...walk, exitCode: code });
            return code;
          }
          const urlPath = fsckUrlPath({
            args: args.filter((a) => a.startsWith('-') && a !== '--json'),
            user: labUser(),
            path,
          });
          err(`Connecting to namenode via http://${namenodeHttpAddress(session)}${urlPath}`);
          const res = await getFromNamenode(session, urlPath, call);
          const body = res.body.toString('utf8');
          if (res.status !== 200) {
            // DFSck's URLConnection throws on an error status: the servlet's text is the message.
            throw new NamenodeHttpError(
              `fsck: the NameNode answered ${res.status}: ${body.trim()}`,
              res.status,
            );
          }
          out(dfsckStdout(body));
          return fsckExitCode(body);
        },
        { settings },
      );
      if (exitCode !== 0) throw new CommandExit(exitCode);
    });
}
