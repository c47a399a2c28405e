/**
 * The `.md5` companion of an fsimage (MD5FileUtils): lower-case hex MD5 of the whole image file, one
 * space, `*` (binary mode), the image file name, newline. Hashing is computation, not I/O.
 */
import { createHash } from 'node:crypto';

/** Lower-case hex MD5 of `data`. */
export function md5Hex(data: Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

/** `<32 hex> *fsimage_…\n` */
export function md5FileLine(hex: string, imageFileName: string): string {
  if (!/^[0-9a-f]{32}$/.test(hex))
    throw new RangeError(`md5FileLine: ${JSON.stringify(hex)} is not 32 lower-case hex digits`);
  return `${hex} *${imageFileName}\n`;
}

/** MD5FileUtils' pattern: 32 hex digits, a space, ` ` or `*`, the file name; one trailing newline allowed. */
const MD5_LINE = /^([0-9a-f]{32}) [ *](.+)\n?$/;

/** Parses an `.md5` file's text; throws, as MD5FileUtils.readStoredMd5 does, when it is not that one line. */
export function parseMd5FileLine(text: string): { hex: string; fileName: string } {
  const m = MD5_LINE.exec(text.trim() + '\n');
  if (!m)
    throw new Error(
      `invalid MD5 file: expected "<32 lower-case hex> *<image name>", found ${JSON.stringify(text)}`,
    );
  return { hex: m[1] as string, fileName: m[2] as string };
}
