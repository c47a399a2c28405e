/**
 * ToolRunner.confirmPrompt as `fs -rm -safely` asks it: "<prompt> (Y or N) ", y/yes/n/no in any
 * case, "Invalid input: <line>" and the question again otherwise; the lab reads the end of input
 * as "no" (Java would ask for ever).
 */
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { confirmPrompt, readLine } from '../../lab/cli/confirm.js';

async function ask(input: string, end = true): Promise<{ answer: boolean; written: string }> {
  const stream = new PassThrough();
  let written = '';
  stream.write(input);
  if (end) stream.end();
  const answer = await confirmPrompt('Proceed deleting 3 files?', {
    input: stream,
    write: (t) => void (written += t),
  });
  return { answer, written };
}

describe('confirmPrompt', () => {
  it('takes y, YES, n and No, and asks again after anything else', async () => {
    expect((await ask('y\n', false)).answer).toBe(true);
    expect((await ask('YES\n', false)).answer).toBe(true);
    expect((await ask('No\n', false)).answer).toBe(false);
    expect(await ask('sure\nn\n', false)).toEqual({
      answer: false,
      written: 'Proceed deleting 3 files? (Y or N) Invalid input: sure\nProceed deleting 3 files? (Y or N) ',
    });
  });

  it('reads one line at a time and leaves the rest; the end of input is "no"', async () => {
    const stream = new PassThrough();
    stream.end('first\r\nsecond');
    expect(await readLine(stream)).toBe('first');
    expect(await readLine(stream)).toBe('');
    expect(await readLine(stream)).toBe('second');
    expect(await readLine(stream)).toBeNull();
    expect((await ask('')).answer).toBe(false);
  });
});
