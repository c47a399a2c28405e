/**
 * DFSck's side of `hdfs fsck` (`lab fsck`): the URL it asks the NameNode's `/fsck` servlet for,
 * the `Connecting to namenode via …` line it prints to stderr, and the exit code it reads from the
 * report's last line. The report text itself is the NameNode's (cluster/namenode/fsck-report.ts).
 */
import {
  FSCK_CORRUPT_STATUS,
  FSCK_HEALTHY_STATUS,
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
};

/** Java's URLEncoder.encode(text, "UTF-8"): form encoding, space as '+'. */
export function javaUrlEncode(text: string): string {
  return encodeURIComponent(text)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** The path and query DFSck asks for: `/fsck?ugi=USER&files=1&…&path=P`. */
export function fsckUrlPath(request: { args: readonly string[]; user: string; path: string }): string {
  const params = request.args.map((a) => {
    const p = FSCK_URL_PARAMS[a];
    if (!p) throw new Error(`fsck: Illegal option '${a}'`);
    return `&${p}`;
  });
  return `/fsck?ugi=${request.user}${params.join('')}&path=${javaUrlEncode(request.path)}`;
}

/** The line DFSck prints (to stderr) before it connects. */
export function fsckConnectingLine(
  report: Pick<FsckReport, 'args' | 'user' | 'nnHttpAddress' | 'path'>,
): string {
  return `Connecting to namenode via http://${report.nnHttpAddress}${fsckUrlPath(report)}`;
}

/**
 * DFSck's exit code from the last line of the report: 0 healthy or no such path, 1 corrupt, -1
 * (exit status 255) for anything else, such as an error the servlet wrote instead of a report.
 */
export function fsckExitCode(body: string): number {
  const lines = body.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const last = lines.at(-1) ?? '';
  if (last.endsWith(FSCK_HEALTHY_STATUS)) return 0;
  if (last.endsWith(FSCK_CORRUPT_STATUS)) return 1;
  if (last.endsWith(FSCK_NONEXISTENT_STATUS)) return 0;
  return 255;
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
