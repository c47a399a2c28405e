/**
 * A log line as Hadoop's command-line tools print it: log4j's console appender with Hadoop's
 * pattern `%d{ISO8601} %p %c{2}: %m%n` (local time `yyyy-MM-dd HH:mm:ss,SSS`, the level, the last
 * two parts of the logger's name). Pure: the time comes in.
 */
export type Log4jLevel = 'INFO' | 'WARN' | 'ERROR';

export function log4jLine(level: Log4jLevel, logger: string, message: string, now: Date): string {
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const stamp =
    `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())} ` +
    `${pad(now.getHours())}:${pad(now.getMinutes())}:${pad(now.getSeconds())},${pad(now.getMilliseconds(), 3)}`;
  return `${stamp} ${level} ${logger}: ${message}`;
}
