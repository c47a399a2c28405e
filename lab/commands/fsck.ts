/**
 * `lab fsck [<path>] [-list-corruptfileblocks | [-move | -delete | -openforwrite] [-files [-blocks [-locations |
 * -racks | -replicaDetails]]]] [-includeSnapshots] [-maintenance] [-blockId <blk_Id> …] [--json]` — HDFS's fsck,
 * as DFSck runs it: an HTTP GET of the NameNode's `/fsck` servlet, which walks the namespace and
 * writes the report; the client prints `Connecting to namenode via …` to stderr, copies the report
 * to stdout and takes its exit code from the last line (HEALTHY 0, CORRUPT 1). With
 * -list-corruptfileblocks DFSck asks again with the servlet's cookie until it says there are no
 * more, and prints the list itself. `-move` and `-delete` are done by the NameNode during the walk
 * (cluster/runtime/fsck-repair.ts). `--json` asks the same servlet for the lab's structured form
 * of the walk (`&format=json`).
 */
import {
  fetchFsckWalk,
  getFromNamenode,
  namenodeHttpAddress,
  NamenodeHttpError,
} from '../../cluster/client/namenode-http-client.js';
import type { Command } from '../cli/commander.js';
import { CommandExit } from '../cli/errors.js';
import { GENERIC_USAGE_PRINTED } from '../cli/generic-options.js';
import { registerHadoopCommand } from '../cli/hadoop-command.js';
import { out, err, printJson } from '../cli/output.js';
import { withSession, type ClusterSession } from '../cli/session.js';
import {
  corruptFileBlocksPage,
  corruptFileBlocksStdout,
  dfsckStdout,
  fsckConnectingLine,
  fsckExitCode,
  fsckUrlPath,
  parseDfsckArgs,
} from '../format/fsck.js';
import { labUser } from '../../cluster/common/user.js';
import { qualify } from './fs.js';

const USAGE =
  'Usage: lab fsck <path> [-list-corruptfileblocks | [-move | -delete | -openforwrite] [-files [-blocks [-locations | -racks | -replicaDetails]]]] [-includeSnapshots] [-storagepolicies] [-maintenance] [-blockId <blk_Id>] [--json]';

/** DFSck exits -1 (255) on a usage error. */
const USAGE_EXIT = 255;

/** The repairs: `--json` reads the walk only, so it refuses them rather than ignore them. */
const REPAIRS = ['-move', '-delete'];

/**
 * DFSck's usage error: its message (none for no arguments), then printUsage on stderr — the usage,
 * an empty line and the generic options — without the lab's `lab:` prefix; exit -1.
 */
function usageExit(message?: string): never {
  if (message !== undefined) err(message);
  process.stderr.write(`${USAGE}\n\n${GENERIC_USAGE_PRINTED}`);
  throw new CommandExit(USAGE_EXIT);
}

type Call = { selfId: string; journal: ClusterSession['journal']; op: string };

export function registerFsck(program: Command): void {
  registerHadoopCommand(program, {
    name: 'fsck',
    description: 'check the health of files: blocks, replicas, locations (hdfs fsck)',
    run: async ({ args, json, home, settings }) => {
      if (args[0] === '--help' || args[0] === '-help') {
        // Help needs no cluster.
        out(USAGE);
        return;
      }
      // DFSck.main: no arguments, or -files first (GenericOptionsParser's own -files), is a usage error.
      if (args.length === 0 || args[0] === '-files') usageExit();
      const parsed = parseDfsckArgs(args);
      if (parsed.error !== undefined) usageExit(parsed.error);
      const repair = args.find((a) => REPAIRS.includes(a));
      if (json && repair !== undefined) {
        usageExit(`fsck: --json prints the walk and repairs nothing; run fsck ${repair} without --json`);
      }
      // DFSck resolves the path as the file system does (relative to /user/<name>, scheme dropped).
      const dir = parsed.dir ?? '/';
      const path = qualify(dir);
      const exitCode = await withSession(
        home,
        async (session) => {
          const call = { selfId: 'client', journal: session.journal, op: `fsck-${process.pid}` };
          if (json) return printWalk(session, path, new Set(args), call);
          const request = { args, user: labUser(), path };
          const urlPath = fsckUrlPath(request);
          err(fsckConnectingLine({ ...request, nnHttpAddress: namenodeHttpAddress(session) }));
          if (parsed.listCorruptFileBlocks) return listCorruptFileBlocks(session, dir, urlPath, call);
          const body = await fetchText(session, urlPath, call);
          out(dfsckStdout(body));
          return fsckExitCode(body);
        },
        { settings: settings() },
      );
      if (exitCode !== 0) throw new CommandExit(exitCode);
    },
  });
}

/** GET a /fsck URL; DFSck's URLConnection throws on an error status: the servlet's text is the message. */
async function fetchText(session: ClusterSession, urlPath: string, call: Call): Promise<string> {
  const res = await getFromNamenode(session, urlPath, call);
  const body = res.body.toString('utf8');
  if (res.status !== 200) {
    throw new NamenodeHttpError(`fsck: the NameNode answered ${res.status}: ${body.trim()}`, res.status);
  }
  return body;
}

/**
 * DFSck.listCorruptFileBlocks: ask with `startblockafter=<cookie>` until the answer has no more;
 * exit 0 when there are none, -1 (255) when there are.
 */
async function listCorruptFileBlocks(
  session: ClusterSession,
  dir: string,
  urlPath: string,
  call: Call,
): Promise<number> {
  const lines: string[] = [];
  let cookie: number | null = 0;
  while (cookie !== null) {
    const url: string = cookie > 0 ? `${urlPath}&startblockafter=${cookie}` : urlPath;
    const page = corruptFileBlocksPage(await fetchText(session, url, call));
    lines.push(...page.lines);
    cookie = page.cookie;
  }
  out(corruptFileBlocksStdout(dir, lines));
  return lines.length === 0 ? 0 : 255;
}

/** `--json`: the walk, with the report's rule for the exit code. */
async function printWalk(
  session: ClusterSession,
  path: string,
  flags: ReadonlySet<string>,
  call: Call,
): Promise<number> {
  const walk = await fetchFsckWalk(
    session,
    {
      path,
      files: flags.has('-files'),
      blocks: flags.has('-blocks'),
      locations: flags.has('-locations'),
      racks: flags.has('-racks'),
      openforwrite: flags.has('-openforwrite'),
    },
    call,
  );
  // A checked file with a complete block that has no live replica left is corrupt.
  const checked = walk.files.filter((f) => !f.underConstruction || flags.has('-openforwrite'));
  const code = checked.some((f) => f.blocks.some((b) => !b.expected && b.live.length === 0)) ? 1 : 0;
  printJson({ ...walk, exitCode: code });
  return code;
}
