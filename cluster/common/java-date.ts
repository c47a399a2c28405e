/**
 * Java's Date.toString() ("EEE MMM dd HH:mm:ss zzz yyyy"), which HDFS prints in VERSION files,
 * fsck headers and dfsadmin reports. The lab prints UTC so outputs are reproducible.
 */
const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad2 = (n: number): string => String(n).padStart(2, '0');

export function javaDateString(epochMs: number): string {
  const d = new Date(epochMs);
  return (
    `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad2(d.getUTCDate())} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())} UTC ${d.getUTCFullYear()}`
  );
}

/** `yyyy-MM-dd HH:mm:ss` in UTC, as `hdfs dfs -stat %y` prints. */
export function isoSecondsUtc(epochMs: number): string {
  const d = new Date(epochMs);
  return (
    `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())} ` +
    `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`
  );
}

/** `yyyy-MM-dd HH:mm` in UTC, as `hdfs dfs -ls` prints (Hadoop uses the local zone; the lab pins UTC). */
export function isoMinutesUtc(epochMs: number): string {
  return isoSecondsUtc(epochMs).slice(0, 16);
}

/**
 * `yyyy-MM-dd HH:mm` in the local time zone, as Ls's SimpleDateFormat prints it: the JVM's
 * default zone, which follows TZ; Node's local time follows TZ the same way.
 */
export function isoMinutesLocal(epochMs: number): string {
  const d = new Date(epochMs);
  return (
    `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())} ` +
    `${pad2(d.getHours())}:${pad2(d.getMinutes())}`
  );
}
