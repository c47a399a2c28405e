/**
 * ToolRunner.confirmPrompt, which `fs -rm -safely` asks with: `<prompt> (Y or N) ` on stderr, one
 * line from standard input (up to `\r` or `\n`), y/yes or n/no in any case, `Invalid input: …` and
 * the question again otherwise. Java asks for ever once standard input has ended; the lab takes
 * the end of input as "no", so a script without an answer does not hang.
 */
import type { Readable } from 'node:stream';

/** One line of `input` without its end, or null when the input has ended; the rest stays unread. */
export function readLine(input: Readable): Promise<string | null> {
  if (input.readableEnded) return Promise.resolve(null);
  return new Promise((resolve) => {
    let text = '';
    const finish = (line: string | null): void => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.pause();
      resolve(line);
    };
    const onData = (chunk: Buffer | string): void => {
      text += chunk.toString();
      const end = text.search(/[\r\n]/);
      if (end < 0) return;
      // Stop listening first: unshift into a flowing stream would hand the rest straight back.
      finish(text.slice(0, end));
      const rest = text.slice(end + 1);
      if (rest !== '') input.unshift(Buffer.from(rest));
    };
    const onEnd = (): void => finish(text === '' ? null : text);
    input.on('data', onData);
    input.on('end', onEnd);
    input.resume();
  });
}

export async function confirmPrompt(
  prompt: string,
  io: { input: Readable; write: (text: string) => void },
): Promise<boolean> {
  for (;;) {
    io.write(`${prompt} (Y or N) `);
    const answer = await readLine(io.input);
    if (answer === null) return false;
    if (/^(y|yes)$/i.test(answer)) return true;
    if (/^(n|no)$/i.test(answer)) return false;
    io.write(`Invalid input: ${answer}\n`);
  }
}
