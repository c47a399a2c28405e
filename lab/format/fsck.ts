/**
 * DFSck's side of `hdfs fsck` (`lab fsck`): the URL it asks the NameNode's `/fsck` servlet for,
 * the `Connecting to namenode via …` line it prints to stderr, and the exit code it reads from the
 * report's last line. The report text itself is the NameNode's (cluster/namenode/fsck-report.ts).
 */
import {
  FSCK_CORRUPT_STATUS,
  FSCK_DECOMMISSIONED_STATUS,
  FSCK_DECOMMISSIONING_STATUS,
  FSCK_HEALTHY_STATUS,
  FSCK_INCORRECT_BLOCK_ID,
  FSCK_NONEXISTENT_STATUS,
  fsckReportText,
  type FsckReport,
} from '../../cluster/namenode/fsck-report.js';

export type { FsckBlock, FsckEntry, FsckReplica, FsckReport } from '../../cluster/namenode/fsck-report.js';

export interface FsckOutput {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/** DFSck's URL parameter for each flag, in the order DFSck knows them. */
export const FSCK_URL_PARAMS: Readonly<Record<string, string>> = {
  '-move': 'move=1',
  '-delete': 'delete=1',
  '-files': 'files=1',
  '-openforwrite': 'openforwrite=1',
  '-blocks': 'blocks=1',
  '-locations': 'locations=1',
  '-racks': 'racks=1',
  '-replicaDetails': 'replicadetails=1',
  '-storagepolicies': 'storagepolicies=1',
  '-includeSnapshots': 'includeSnapshots=1',
  '-list-corruptfileblocks': 'listcorruptfileblocks=1',
  '-maintenance': 'maintenance=1',
};

/** DFSck.doWork's reading of its arguments: the query it sends and the path, or what is wrong. */
export interface DfsckArgs {
  /** `&files=1&blockId=blk_1+…`, in the order typed. */
  query: string;
  /** The path typed, or undefined (DFSck then checks `/`). */
  dir: string | undefined;
  listCorruptFileBlocks: boolean;
  /** DFSck's message for a bad argument (it then prints its usage and exits -1). */
  error?: string;
}

/** DFSck.doWork's loop over its arguments: flags, `-blockId` and the ids after it, one path. */
export function parseDfsckArgs(args: readonly string[]): DfsckArgs {
  const parsed: DfsckArgs = { query: '', dir: undefined, listCorruptFileBlocks: false };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    const param = FSCK_URL_PARAMS[arg];
    if (param !== undefined) {
      parsed.query += `&${param}`;
      if (arg === '-list-corruptfileblocks') parsed.listCorruptFileBlocks = true;
    } else if (arg === '-blockId') {
      let ids = '';
      while (i + 1 < args.length && !(args[i + 1] as string).startsWith('-')) ids += `${args[++i]} `;
      parsed.query += `&blockId=${javaUrlEncode(ids)}`;
    } else if (!arg.startsWith('-')) {
      if (parsed.dir !== undefined) {
        return { ...parsed, error: `fsck: can only operate on one path at a time '${arg}'` };
      }
      parsed.dir = arg;
    } else {
      return { ...parsed, error: `fsck: Illegal option '${arg}'` };
    }
  }
  return parsed;
}

/** Java's URLEncoder.encode(text, "UTF-8"): form encoding, space as '+'. */
export function javaUrlEncode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** The path and query DFSck asks for: `/fsck?ugi=USER&files=1&…&path=P`. */
export function fsckUrlPath(request: { args: readonly string[]; user: string; path: string }): string {
  const parsed = parseDfsckArgs(request.args);
  if (parsed.error !== undefined) throw new Error(parsed.error);
  return `/fsck?ugi=${request.user}${parsed.query}&path=${javaUrlEncode(request.path)}`;
}

/** The line DFSck prints (to stderr) before it connects. */
export function fsckConnectingLine(
  report: Pick<FsckReport, 'args' | 'user' | 'nnHttpAddress' | 'path'>,
): string {
  return `Connecting to namenode via http://${report.nnHttpAddress}${fsckUrlPath(report)}`;
}

/**
 * DFSck's exit code from the last line of the report: 0 healthy, no such path or block, or an
 * ill-formed block id; 1 corrupt; 2 / 3 a `-blockId` replica last listed on a decommissioned /
 * decommissioning DataNode; -1 (exit status 255) for anything else, such as a corrupt replica's
 * `ReasonCode` line or an error the servlet wrote instead of a report.
 */
export function fsckExitCode(body: string): number {
  const lines = body.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const last = lines.at(-1) ?? '';
  if (last.endsWith(FSCK_HEALTHY_STATUS)) return 0;
  if (last.endsWith(FSCK_CORRUPT_STATUS)) return 1;
  if (last.endsWith(FSCK_NONEXISTENT_STATUS)) return 0;
  if (last.includes(FSCK_INCORRECT_BLOCK_ID)) return 0;
  if (last.endsWith(FSCK_DECOMMISSIONED_STATUS)) return 2;
  if (last.endsWith(FSCK_DECOMMISSIONING_STATUS)) return 3;
  return 255;
}

/**
 * DFSck.listCorruptFileBlocks' reading of one answer: the cookie to ask with next (null when the
 * answer says there are no more), and the corrupt-file lines it prints.
 */
export function corruptFileBlocksPage(body: string): { cookie: number | null; lines: string[] } {
  let cookie: number | null = 0;
  const lines: string[] = [];
  for (const line of body.split('\n')) {
    if (line.startsWith('Cookie:')) {
      const value = Number.parseInt(line.split('\t')[1] ?? '', 10);
      if (Number.isNaN(value)) return { cookie: null, lines };
      cookie = value;
      continue;
    }
    if (/has no (more )?CORRUPT files$/.test(line) || line.endsWith(FSCK_NONEXISTENT_STATUS)) {
      return { cookie: null, lines };
    }
    if (line === '' || line.startsWith('FSCK started by') || line.startsWith('The filesystem under path'))
      continue;
    lines.push(line);
  }
  return { cookie, lines };
}

/** What DFSck prints after the corrupt-file lines it collected from every answer. */
export function corruptFileBlocksStdout(dir: string, lines: readonly string[]): string {
  const head = lines.length > 0 ? [`The list of corrupt files under path '${dir}' are:`] : [];
  return [...head, ...lines, `The filesystem under path '${dir}' has ${lines.length} CORRUPT files`]
    .map((l) => `${l}\n`)
    .join('');
}

/** DFSck copies the servlet's body line by line with println: every line ends in a newline. */
export function dfsckStdout(body: string): string {
  return body === '' || body.endsWith('\n') ? body : `${body}\n`;
}

/** `hdfs fsck` as the user sees it for a report: the NameNode's text through DFSck. */
export function formatFsck(report: FsckReport): FsckOutput {
  const { text } = fsckReportText(report);
  return {
    stdout: dfsckStdout(text),
    stderr: `${fsckConnectingLine(report)}\n`,
    exitCode: fsckExitCode(text),
  };
}
