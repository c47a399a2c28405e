/**
 * What `-get` does to the local copy after its bytes are in (CommandWithDestination with the local
 * file system as target): -p sets the source's times and mode on it (preserveAttributes), and
 * -crc writes ChecksumFileSystem's checksum file beside it, `.NAME.crc`: the version bytes
 * "crc\0", bytesPerChecksum as a big-endian int (file.bytes-per-checksum), then the CRC32 of each
 * chunk of that many bytes, big-endian.
 */
import fs from 'node:fs';
import path from 'node:path';
import { crc32 } from '../../cluster/common/crc.js';
import type { FileStatus } from '../../cluster/protocol/types.js';
import type { PreservedStatus } from './fs-preserve.js';

/** ChecksumFileSystem.CHECKSUM_VERSION. */
const CHECKSUM_VERSION = Buffer.from('crc\0', 'latin1');

/** ChecksumFileSystem.getChecksumFile: `.NAME.crc` in the same directory. */
export function localChecksumFile(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.crc`);
}

/** The checksum file's bytes for `data`, `bytesPerChecksum` bytes a CRC. */
export function localChecksums(data: Buffer, bytesPerChecksum: number): Buffer {
  const chunks = Math.ceil(data.length / bytesPerChecksum);
  const out = Buffer.alloc(CHECKSUM_VERSION.length + 4 + 4 * chunks);
  CHECKSUM_VERSION.copy(out, 0);
  out.writeInt32BE(bytesPerChecksum, CHECKSUM_VERSION.length);
  for (let i = 0; i < chunks; i++) {
    const chunk = data.subarray(i * bytesPerChecksum, (i + 1) * bytesPerChecksum);
    out.writeUInt32BE(crc32(chunk), CHECKSUM_VERSION.length + 4 + 4 * i);
  }
  return out;
}

/** -crc: the checksum file of a local copy just written. */
export function writeLocalChecksumFile(file: string, bytesPerChecksum: number): void {
  fs.writeFileSync(localChecksumFile(file), localChecksums(fs.readFileSync(file), bytesPerChecksum));
}

/**
 * -p: the source's access and modification times and its permission. Its owner and group are
 * not set: a local chown needs the superuser (README's table of differences).
 */
export function preserveLocalAttributes(file: string, source: FileStatus): void {
  fs.utimesSync(file, source.accessTime / 1000, source.modificationTime / 1000);
  fs.chmodSync(file, source.permission & 0o7777);
}

/**
 * `-put -p`: what preserveAttributes takes from a local source, its times and mode ("tp"). Its
 * owner and group are not: the names of a local uid and gid are the operating system's
 * (README's table of differences).
 */
export function localSourceStatus(file: string): { source: PreservedStatus; preserve: string } {
  const st = fs.statSync(file);
  const source = {
    path: file,
    modificationTime: Math.floor(st.mtimeMs),
    accessTime: Math.floor(st.atimeMs),
    owner: '',
    group: '',
    permission: st.mode & 0o7777,
  };
  return { source, preserve: 'tp' };
}
