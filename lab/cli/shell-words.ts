/**
 * Command lines as a student types them into a shell: the words of a line a pack prints, an
 * answers file's task or a `ran:` entry holds. shell-quote splits them (this is its one wrapper);
 * what it reads beyond words is refused or kept as the lab has always read it, below.
 */
import { parse } from 'shell-quote';

/** The longest start of a line whose quotes are closed. */
const CLOSED_PART = /^(?:'[^']*'|"(?:\\[\s\S]|[^"\\])*"|\\[\s\S]|[^'"\\])*/;

/**
 * Split a command line as a POSIX shell does for words, quotes and backslashes. Nothing is
 * expanded: `$HOME` and a glob such as `/e1/*` stay as written (`lab fs` expands globs itself, as
 * Hadoop's shell does). A comment (` # …`) ends the line. One command a line: a pipe, a
 * redirection, `;` or `&&` is refused, as is an unterminated quote.
 */
export function splitWords(text: string): string[] {
  const open = unterminatedQuote(text);
  if (open !== undefined) throw new Error(`unterminated ${open} quote`);
  const words: string[] = [];
  for (const entry of parse(text, (name) => `$${name}`)) {
    if (typeof entry === 'string') words.push(entry);
    else if ('pattern' in entry) words.push(entry.pattern);
    else if ('comment' in entry) return commentEnds(text, entry.comment, words);
    else throw new Error(`'${entry.op}': one lab command a line; pipes, redirections and ; are the shell's`);
  }
  return words;
}

/** The quote left open at the end of `text`, if any. */
function unterminatedQuote(text: string): '"' | "'" | undefined {
  const rest = text.replace(CLOSED_PART, '');
  return rest.startsWith("'") ? "'" : rest.startsWith('"') ? '"' : undefined;
}

/**
 * A shell starts a comment only where a word could start; shell-quote also inside one
 * (`a#b`), which would cut the word short without a word of warning.
 */
function commentEnds(text: string, comment: string, words: string[]): string[] {
  const hash = text.length - comment.length - 1;
  if (hash > 0 && !/\s/.test(text[hash - 1]!))
    throw new Error(`'#' inside a word starts no comment here: quote the word ('…#…')`);
  return words;
}
