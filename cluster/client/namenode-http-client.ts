/**
 * The lab's client of the NameNode's HTTP server (cluster/runtime/namenode-http.ts): `/fsck` as
 * DFSck asks for it, the lab's structured form of the same walk (the block map the dashboard, the
 * balancer, probes and scenarios read), and `/jmx` read back into a NameNodeStatus. Requests go
 * from the client's own loopback address, as the RPCs do; they are journaled on this side only
 * when the caller passes its journal (the NameNode journals every request it receives).
 */
import type { FsckRequest, FsckResult } from '../namenode/fsck-report.js';
import { md5Hex } from '../namenode/fsimage/md5.js';
import { statusFromBeans, type JmxBean, type NameNodeStatus } from '../namenode/jmx.js';
import {
  IMAGE_EDITS_NAME_HEADER,
  IMAGE_MD5_HEADER,
  LATEST_IMAGE,
  parseNameDirFileName,
} from '../namenode/name-dir.js';
import { httpCall, type HttpCallResult } from '../transport/http-journal.js';
import { readNamenodeHttpAddress } from '../home/http-address.js';
import { Journal } from '../transport/journal.js';
import type { ClusterDescription } from '../home/description.js';
import { LauncherError } from '../home/errors.js';
import { NAMENODE_HTTP_TIMEOUT_MS } from '../protocol/limits.js';

/** The NameNode's HTTP server did not answer, or answered with an error status. */
export class NamenodeHttpError extends LauncherError {
  constructor(
    message: string,
    /** The HTTP status of an answer; undefined when there was none (refused, timed out). */
    readonly status?: number,
  ) {
    super(message, 'operation');
  }
}

export interface NamenodeHttpTarget {
  home: string;
  description: ClusterDescription;
}

export interface NamenodeHttpCallOptions {
  /** Our lab id in the NameNode's journal: `client` for a user's command, `dashboard` for plumbing. */
  selfId: string;
  /** Journal this side's frames too (a user's command); omitted, only the NameNode journals them. */
  journal?: Journal;
  op?: string;
  timeoutMs?: number;
}

/** The NameNode's HTTP address, host:port (the description's, or the address file's). */
export function namenodeHttpAddress(target: NamenodeHttpTarget): string {
  const address = readNamenodeHttpAddress(target.home, target.description);
  if (!address) {
    throw new NamenodeHttpError(
      `the NameNode has no HTTP address yet (no httpPort in cluster.json, no nn-http.address in ${target.home}); is it running? (lab status)`,
    );
  }
  return address;
}

/** One GET to the NameNode's HTTP server; any answer is returned, its status included. */
export async function getFromNamenode(
  target: NamenodeHttpTarget,
  urlPath: string,
  options: NamenodeHttpCallOptions,
): Promise<HttpCallResult> {
  const address = namenodeHttpAddress(target);
  const [host, portText] = address.split(':') as [string, string];
  const journal = options.journal ?? new Journal(null, options.selfId);
  try {
    return await httpCall({
      journal,
      selfId: options.selfId,
      peerId: 'nn',
      host,
      port: Number(portText),
      method: 'GET',
      url: urlPath,
      op: options.op,
      timeoutMs: options.timeoutMs ?? NAMENODE_HTTP_TIMEOUT_MS,
      localAddress: target.description.loopbackAliases ? target.description.client.host : undefined,
    });
  } catch (error) {
    throw new NamenodeHttpError(
      `cannot reach the NameNode's HTTP server at http://${address}${urlPath}: ${(error as Error).message}`,
    );
  } finally {
    if (!options.journal) journal.close();
  }
}

async function getOk(
  target: NamenodeHttpTarget,
  urlPath: string,
  options: NamenodeHttpCallOptions,
): Promise<string> {
  const res = await getFromNamenode(target, urlPath, options);
  const body = res.body.toString('utf8');
  if (res.status !== 200) {
    throw new NamenodeHttpError(
      `GET ${urlPath}: the NameNode answered ${res.status}: ${body.trim()}`,
      res.status,
    );
  }
  return body;
}

/** `/fsck?…&format=json`: the NameNode's walk of `path` with each block's replicas and racks. */
export async function fetchFsckWalk(
  target: NamenodeHttpTarget,
  request: FsckRequest,
  options: NamenodeHttpCallOptions,
): Promise<FsckResult> {
  const flags = (['files', 'openforwrite', 'blocks', 'locations', 'racks'] as const)
    .filter((f) => request[f])
    .map((f) => `&${f}=1`)
    .join('');
  const body = await getOk(
    target,
    `/fsck?ugi=${encodeURIComponent(options.selfId)}${flags}&path=${encodeURIComponent(request.path)}&format=json`,
    options,
  );
  return JSON.parse(body) as FsckResult;
}

/** The block map under `path`: every file with its blocks, live and corrupt replicas and racks. */
export function fetchBlockMap(
  target: NamenodeHttpTarget,
  path: string,
  options: NamenodeHttpCallOptions,
): Promise<FsckResult> {
  return fetchFsckWalk(
    target,
    { path, files: true, blocks: true, locations: true, racks: true, openforwrite: true },
    options,
  );
}

/** `/jmx`, or `/jmx?qry=…`: the beans. */
export async function fetchBeans(
  target: NamenodeHttpTarget,
  options: NamenodeHttpCallOptions & { qry?: string },
): Promise<JmxBean[]> {
  const urlPath = options.qry === undefined ? '/jmx' : `/jmx?qry=${encodeURIComponent(options.qry)}`;
  return (JSON.parse(await getOk(target, urlPath, options)) as { beans: JmxBean[] }).beans;
}

/** The NameNode's status as /jmx publishes it (NameNodeInfo, FSNamesystem, FSNamesystemState). */
export async function fetchNamenodeStatus(
  target: NamenodeHttpTarget,
  options: NamenodeHttpCallOptions,
): Promise<NameNodeStatus> {
  return statusFromBeans(await fetchBeans(target, { ...options, qry: 'Hadoop:service=NameNode,name=*' }));
}

/**
 * TransferFsImage.downloadMostRecentImageToDirectory's GET (`dfsadmin -fetchImage`): the newest
 * fsimage, its name from X-Image-Edits-Name (checked to be an fsimage_N) and its bytes checked
 * against the MD5 header.
 */
export async function fetchNewestImage(
  target: NamenodeHttpTarget,
  options: NamenodeHttpCallOptions,
): Promise<{ url: string; name: string; bytes: Buffer }> {
  const urlPath = `/imagetransfer?getimage=1&txid=${LATEST_IMAGE}`;
  const url = `http://${namenodeHttpAddress(target)}${urlPath}`;
  const res = await getFromNamenode(target, urlPath, options);
  if (res.status !== 200) {
    throw new NamenodeHttpError(
      `GET ${urlPath}: the NameNode answered ${res.status}: ${res.body.toString('utf8').trim()}`,
      res.status,
    );
  }
  const name = res.headers[IMAGE_EDITS_NAME_HEADER];
  const parsed = typeof name === 'string' ? parseNameDirFileName(name) : null;
  if (typeof name !== 'string' || parsed?.kind !== 'fsimage') {
    throw new NamenodeHttpError(`GET ${urlPath}: the NameNode named no fsimage_N file (${String(name)})`);
  }
  const md5 = res.headers[IMAGE_MD5_HEADER];
  if (typeof md5 === 'string' && md5 !== md5Hex(res.body)) {
    throw new NamenodeHttpError(`${name} arrived with MD5 ${md5Hex(res.body)}, the NameNode sent ${md5}`);
  }
  return { url, name, bytes: res.body };
}
