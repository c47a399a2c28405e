/**
 * The NameNode's name directory on disk (NNStorage): format, lock, VERSION, seen_txid, saving
 * and loading fsimages (written as fsimage.ckpt_<txid>, then renamed with its .md5), finding the
 * edits to replay, and purging old images and segments.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { formatProperties, parseProperties } from '../common/properties.js';
import { isDaemonAlive } from '../home/home.js';
import { decodeSegment } from '../namenode/editlog/codec.js';
import type { EditLogOp } from '../namenode/editlog/ops.js';
import { decodeImage, encodeImage } from '../namenode/fsimage/codec.js';
import { NAMENODE_LAYOUT_VERSION, type FsImage } from '../namenode/fsimage/image.js';
import { md5FileLine, md5Hex, parseMd5FileLine } from '../namenode/fsimage/md5.js';
import type { NamespaceIdentity } from '../namenode/identity.js';
import { fsimageName, parseNameDirFileName, planPurge } from '../namenode/name-dir.js';
import { fsyncDir, recoverInProgress } from './edit-log-file.js';

export function currentDir(nameDir: string): string {
  return path.join(nameDir, 'current');
}

export function isFormatted(nameDir: string): boolean {
  return fs.existsSync(path.join(currentDir(nameDir), 'VERSION'));
}

/** `hdfs namenode -format`: VERSION, seen_txid 0 and the image of the empty namespace at txid 0. */
export function formatNameDir(
  nameDir: string,
  identity: NamespaceIdentity,
  image: FsImage,
  nowMs: number,
): void {
  const cur = currentDir(nameDir);
  fs.mkdirSync(cur, { recursive: true });
  writeVersion(nameDir, identity, nowMs);
  saveImage(nameDir, image);
  writeSeenTxid(nameDir, 0);
}

export function writeVersion(dir: string, identity: NamespaceIdentity, nowMs: number): void {
  const text = formatProperties(
    [
      ['namespaceID', String(identity.namespaceId)],
      ['clusterID', identity.clusterId],
      ['cTime', String(identity.cTime)],
      ['storageType', 'NAME_NODE'],
      ['blockpoolID', identity.blockPoolId],
      ['layoutVersion', String(NAMENODE_LAYOUT_VERSION)],
    ],
    nowMs,
  );
  writeFileDurably(path.join(currentDir(dir), 'VERSION'), text);
}

export function readVersion(nameDir: string): NamespaceIdentity {
  const file = path.join(currentDir(nameDir), 'VERSION');
  const props = parseProperties(fs.readFileSync(file, 'utf8'));
  const need = (key: string): string => {
    const v = props.get(key);
    if (v === undefined) throw new Error(`${file} has no ${key}; the name directory is damaged`);
    return v;
  };
  const layout = Number(need('layoutVersion'));
  if (layout !== NAMENODE_LAYOUT_VERSION) {
    throw new Error(`${file} has layoutVersion ${layout}; this lab reads ${NAMENODE_LAYOUT_VERSION}`);
  }
  return {
    namespaceId: Number(need('namespaceID')),
    clusterId: need('clusterID'),
    blockPoolId: need('blockpoolID'),
    cTime: Number(need('cTime')),
  };
}

/**
 * in_use.lock holds `<pid>@<hostname>`; a live lab daemon holding it means another NameNode uses this
 * directory. HDFS's lock dies with its process; here a holder that is gone, a zombie not yet reaped
 * (`lab kill nn` then `lab restart nn` at once) or a pid reused by another program does not hold it.
 */
export function lockStorage(dir: string): void {
  const lock = path.join(dir, 'in_use.lock');
  if (fs.existsSync(lock)) {
    const text = fs.readFileSync(lock, 'utf8').trim();
    const pid = Number(text.split('@')[0]);
    if (pid && pid !== process.pid && isDaemonAlive(pid)) {
      throw new Error(`Cannot lock storage ${dir}. The directory is already locked by ${text}`);
    }
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(lock, `${process.pid}@${os.hostname()}`);
}

export function unlockStorage(dir: string): void {
  fs.rmSync(path.join(dir, 'in_use.lock'), { force: true });
}

export function writeSeenTxid(nameDir: string, txid: number): void {
  writeFileDurably(path.join(currentDir(nameDir), 'seen_txid'), `${txid}\n`);
}

export function readSeenTxid(nameDir: string): number {
  return Number(fs.readFileSync(path.join(currentDir(nameDir), 'seen_txid'), 'utf8').trim());
}

/** Writes fsimage.ckpt_<txid>, its .md5, and renames both into place. Returns the image size. */
export function saveImage(nameDir: string, image: FsImage): number {
  const bytes = encodeImage(image);
  installImageBytes(nameDir, image.txid, bytes);
  return bytes.length;
}

/** Installs image bytes (from saveNamespace or a checkpoint upload) after verifying them. */
export function installImageBytes(nameDir: string, txid: number, bytes: Buffer, expectedMd5?: string): void {
  const cur = currentDir(nameDir);
  const finalName = fsimageName(txid);
  const hex = md5Hex(bytes);
  if (expectedMd5 && expectedMd5 !== hex) {
    throw new Error(`image for txid ${txid} has MD5 ${hex}, expected ${expectedMd5}; upload rejected`);
  }
  decodeImage(bytes); // refuse to install what we could not load
  const ckpt = path.join(cur, `fsimage.ckpt_${finalName.slice('fsimage_'.length)}`);
  writeFileDurably(ckpt, bytes);
  writeFileDurably(path.join(cur, `${finalName}.md5`), md5FileLine(hex, finalName));
  fs.renameSync(ckpt, path.join(cur, finalName));
  fsyncDir(cur);
}

export interface LoadedNameDir {
  identity: NamespaceIdentity;
  image: FsImage;
  imageFile: string;
  /** Ops after the image, in txid order. */
  editsToReplay: EditLogOp[];
  /** The same ops by the segment they were read from (its path and size): Startup Progress's steps. */
  segments: { file: string; size: number; ops: EditLogOp[] }[];
  /** The image's size in bytes. */
  imageBytes: number;
  /** Messages about what recovery did (a finalized in-progress segment, a torn record). */
  notes: string[];
}

export function listCurrent(nameDir: string): string[] {
  return fs.readdirSync(currentDir(nameDir)).sort();
}

/** Loads the newest image (MD5-checked), finalizes a crashed in-progress segment, collects the edits after the image. */
export function loadNameDir(nameDir: string): LoadedNameDir {
  const cur = currentDir(nameDir);
  const identity = readVersion(nameDir);
  const notes: string[] = [];
  for (const name of listCurrent(nameDir)) {
    const parsed = parseNameDirFileName(name);
    if (parsed.kind === 'edits_inprogress') {
      const recovered = recoverInProgress(cur, name, parsed.startTxid);
      notes.push(`finalized in-progress segment ${name} as ${recovered.finalName}`);
      if (recovered.torn) notes.push(`ignored a torn last record in ${name}: ${recovered.torn}`);
    }
  }
  const files = listCurrent(nameDir).map((n) => ({ name: n, parsed: parseNameDirFileName(n) }));
  const images = files
    .flatMap((f) => (f.parsed.kind === 'fsimage' ? [{ name: f.name, txid: f.parsed.txid }] : []))
    .sort((a, b) => b.txid - a.txid);
  const newest = images[0];
  if (!newest) throw new Error(`no fsimage in ${cur}; the name directory is damaged`);
  const imageBytes = fs.readFileSync(path.join(cur, newest.name));
  const md5File = path.join(cur, `${newest.name}.md5`);
  if (fs.existsSync(md5File)) {
    const expected = parseMd5FileLine(fs.readFileSync(md5File, 'utf8')).hex;
    const actual = md5Hex(imageBytes);
    if (expected !== actual)
      throw new Error(`${newest.name} has MD5 ${actual} but ${newest.name}.md5 says ${expected}`);
  }
  const image = decodeImage(imageBytes);
  const editsToReplay: EditLogOp[] = [];
  const segments = files
    .flatMap((f) => (f.parsed.kind === 'edits' ? [{ name: f.name, p: f.parsed }] : []))
    .filter((s) => s.p.endTxid > image.txid)
    .sort((a, b) => a.p.startTxid - b.p.startTxid);
  let expectedTxid = image.txid + 1;
  const replayed: LoadedNameDir['segments'] = [];
  for (const seg of segments) {
    const bytes = fs.readFileSync(path.join(cur, seg.name));
    const decoded = decodeSegment(bytes);
    const ops: EditLogOp[] = [];
    replayed.push({ file: path.join(cur, seg.name), size: bytes.length, ops });
    for (const op of decoded.ops) {
      if (op.txid < expectedTxid) continue;
      if (op.txid !== expectedTxid) {
        throw new Error(
          `gap in the edit log: expected txid ${expectedTxid}, found ${op.txid} in ${seg.name}`,
        );
      }
      editsToReplay.push(op);
      ops.push(op);
      expectedTxid++;
    }
  }
  return {
    identity,
    image,
    imageFile: newest.name,
    imageBytes: imageBytes.length,
    editsToReplay,
    segments: replayed.filter((s) => s.ops.length > 0),
    notes,
  };
}

/** Deletes images beyond the retained count and segments no retained image needs. */
export function purgeOldStorage(
  nameDir: string,
  opts: { checkpointsRetained: number; extraEditsRetained: number },
): string[] {
  const cur = currentDir(nameDir);
  const doomed = planPurge(listCurrent(nameDir), opts);
  for (const name of doomed) fs.rmSync(path.join(cur, name), { force: true });
  return doomed;
}

function writeFileDurably(file: string, data: string | Buffer): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
