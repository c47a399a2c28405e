/**
 * HDFS's trash layout and names (TrashPolicyDefault, DistributedFileSystem.getTrashRoot): a user's
 * trash is /user/<user>/.Trash; `-rm` moves a path to .Trash/Current/<its absolute path>; a
 * checkpoint renames Current to a directory named by its date (yyMMddHHmmss), and checkpoints older
 * than fs.trash.interval are deleted. Pure names and arithmetic, shared by the client's `-rm` /
 * `-expunge` and the NameNode's emptier. Dates are UTC, as everywhere else in the lab (Hadoop uses
 * the JVM's zone).
 */

export const TRASH_DIR = '.Trash';
export const TRASH_CURRENT = 'Current';
/** TrashPolicyDefault.PERMISSION: the trash directories are rwx------. */
export const TRASH_PERMISSION = 0o700;
/** The user directories' parent: getTrashRoots(allUsers) lists /user/<u>/.Trash for every <u>. */
export const USER_HOME_PARENT = '/user';
/** createCheckpoint tries name, name-1, … name-1000 before giving up. */
export const CHECKPOINT_ATTEMPTS_MAX = 1000;
/** The Emptier is woken (in Hadoop: sleeps until) the next multiple of its interval. */
const MS_PER_MINUTE = 60_000;

export function trashRoot(user: string): string {
  return `${USER_HOME_PARENT}/${user}/${TRASH_DIR}`;
}

export function trashCurrent(user: string): string {
  return `${trashRoot(user)}/${TRASH_CURRENT}`;
}

/** Path.mergePaths(Current, path): where `path` goes in the trash (`/a/b` → …/Current/a/b). */
export function trashPathFor(user: string, path: string): string {
  return path === '/' ? trashCurrent(user) : `${trashCurrent(user)}${path}`;
}

/** Whether `path` is the trash root or inside it (moveToTrash returns false: "already in trash"). */
export function isInTrash(user: string, path: string): boolean {
  const root = trashRoot(user);
  return path === root || path.startsWith(`${root}/`);
}

/** Whether removing `path` would remove the trash itself (/user/<u> or above). */
export function containsTrash(user: string, path: string): boolean {
  const home = `${USER_HOME_PARENT}/${user}`;
  return path === '/' || home === path || home.startsWith(`${path}/`);
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** TrashPolicyDefault.CHECKPOINT: `yyMMddHHmmss`. */
export function checkpointName(epochMs: number): string {
  const d = new Date(epochMs);
  return (
    pad2(d.getUTCFullYear() % 100) +
    pad2(d.getUTCMonth() + 1) +
    pad2(d.getUTCDate()) +
    pad2(d.getUTCHours()) +
    pad2(d.getUTCMinutes()) +
    pad2(d.getUTCSeconds())
  );
}

/** SimpleDateFormat's default century: a two-digit year is read within 80 years before now and 20 after. */
const TWO_DIGIT_YEAR_PAST_YEARS = 80;

/**
 * The time a checkpoint's name stands for, or null for a name that is not one. Like SimpleDateFormat
 * parsing, the old yyMMddHHmm form is accepted, trailing text (a `-1` suffix) is ignored, and
 * the two-digit year is the one in the century that starts 80 years before `nowMs`.
 */
export function checkpointTime(name: string, nowMs: number): number | null {
  const m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?/.exec(name);
  if (!m) return null;
  const [year, month, day, hour, minute] = m.slice(1, 6).map(Number) as [
    number,
    number,
    number,
    number,
    number,
  ];
  const second = m[6] === undefined ? 0 : Number(m[6]);
  const centuryStartYear = new Date(nowMs).getUTCFullYear() - TWO_DIGIT_YEAR_PAST_YEARS;
  let fullYear = Math.floor(centuryStartYear / 100) * 100 + year;
  if (fullYear < centuryStartYear) fullYear += 100;
  return Date.UTC(fullYear, month - 1, day, hour, minute, second);
}

export interface TrashIntervals {
  /** fs.trash.interval in ms: how long a checkpoint is kept; 0 = trash off. */
  deletionMs: number;
  /** fs.trash.checkpoint.interval in ms; 0 or more than deletionMs means deletionMs (Emptier's rule). */
  checkpointMs: number;
}

export function emptierIntervalMs(intervals: TrashIntervals): number {
  const { deletionMs, checkpointMs } = intervals;
  return checkpointMs <= 0 || checkpointMs > deletionMs ? deletionMs : checkpointMs;
}

/** Emptier.ceiling: the next wake-up, at the next multiple of the interval after `nowMs`. */
export function nextEmptierRunMs(nowMs: number, intervalMs: number): number {
  return Math.floor(nowMs / intervalMs) * intervalMs + intervalMs;
}

/** Minutes (fs.trash.interval is a float of minutes) to ms. */
export function trashMinutesToMs(minutes: number): number {
  return Math.round(minutes * MS_PER_MINUTE);
}
