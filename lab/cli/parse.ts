/**
 * Parsers for commander option values, so a bad value is a usage error naming the option.
 */
import { InvalidArgumentError } from './commander.js';

export function parseWholeNumber(text: string): number {
  if (!/^\d+$/.test(text.trim())) throw new InvalidArgumentError(`expected a whole number, got '${text}'.`);
  return Number(text.trim());
}

/** Commander accumulator for repeatable options (`-D a=b -D c=d`). */
export function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}

/** A comma-separated list of ids (`--exercises upload,replicas`), blanks dropped. */
export function parseIdList(text: string): string[] {
  return text
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}
