/**
 * Java `Properties.store` / `Properties.load` text, the format of HDFS's VERSION files
 * (StorageInfo.writeProperties): a `#<Date.toString()>` line, then `key=value` lines. Java writes keys
 * in hash order; the lab writes them in the order given, so callers pass the observed order.
 */
import { javaDateString } from './java-date.js';

/** `#<date>\nkey=value\n…` exactly as Properties.store(OutputStream, null) writes it. */
export function formatProperties(entries: readonly (readonly [string, string])[], dateMs: number): string {
  let text = `#${javaDateString(dateMs)}\n`;
  for (const [key, value] of entries) text += `${escape(key, true)}=${escape(value, false)}\n`;
  return text;
}

/** Java's saveConvert: spaces are escaped everywhere in keys and only leading in values. */
function escape(text: string, isKey: boolean): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    const code = ch.charCodeAt(0);
    if (ch === ' ') out += i === 0 || isKey ? '\\ ' : ' ';
    else if (ch in CONTROL_ESCAPES) out += CONTROL_ESCAPES[ch];
    else if ('\\=:#!'.includes(ch)) out += `\\${ch}`;
    else if (code < 0x20 || code > 0x7e) out += `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
    else out += ch;
  }
  return out;
}

const CONTROL_ESCAPES: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\f': '\\f' };
const UNESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

/**
 * Parses Properties text: skips blank lines and `#`/`!` comments, splits each entry at the first
 * unescaped `=`, `:` or whitespace, joins `\`-continued lines and undoes escapes. Later keys win.
 */
export function parseProperties(text: string): Map<string, string> {
  const result = new Map<string, string>();
  for (const line of logicalLines(text)) {
    const { key, value } = splitEntry(line);
    result.set(unescape(key), unescape(value));
  }
  return result;
}

function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let pending: string | null = null;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line: string =
      pending === null ? raw.replace(/^[ \t\f]+/, '') : pending + raw.replace(/^[ \t\f]+/, '');
    if (pending === null && (line === '' || line.startsWith('#') || line.startsWith('!'))) continue;
    const trailing = /\\*$/.exec(line)?.[0].length ?? 0;
    if (trailing % 2 === 1) {
      pending = line.slice(0, -1);
      continue;
    }
    pending = null;
    lines.push(line);
  }
  if (pending !== null) lines.push(pending);
  return lines;
}

function splitEntry(line: string): { key: string; value: string } {
  let i = 0;
  while (i < line.length) {
    const ch = line[i] as string;
    if (ch === '\\') i += 2;
    else if (ch === '=' || ch === ':' || /[ \t\f]/.test(ch)) break;
    else i++;
  }
  const key = line.slice(0, i);
  let rest = line.slice(i).replace(/^[ \t\f]+/, '');
  if (rest.startsWith('=') || rest.startsWith(':')) rest = rest.slice(1).replace(/^[ \t\f]+/, '');
  return { key, value: rest };
}

function unescape(text: string): string {
  return text.replace(/\\(u[0-9a-fA-F]{4}|.?)/g, (_match, esc: string) => {
    if (esc.length === 5) return String.fromCharCode(parseInt(esc.slice(1), 16));
    return UNESCAPES[esc] ?? esc;
  });
}
