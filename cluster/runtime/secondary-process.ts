/**
 * The Secondary NameNode process (SecondaryNameNode.java). Its checkpoint directory is laid out
 * like the NameNode's name directory (in_use.lock, current/VERSION with storageType NAME_NODE,
 * fsimage_* + .md5, edits_*). Every dfs.namenode.checkpoint.check.period it asks the NameNode for
 * its transaction id and, when a checkpoint is due (cluster/secondary/checkpointer.ts), rolls the
 * edit log, fetches the image (only if it changed) and the new segments over `/imagetransfer`,
 * merges them, saves fsimage_<E> in its own directory and uploads it.
 *
 * It serves a tiny HTTP API at its own address (dfs.namenode.secondary.http-address):
 *   POST /checkpoint   run a checkpoint now (what `lab checkpoint` calls); answers a CheckpointResult
 *   GET  /status       the last checkpoint and the failure count, as JSON
 *   GET  /jmx          SecondaryNameNodeInfo, as Hadoop's JMXJsonServlet (cluster/secondary/jmx.ts)
 */
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import type { LabConfig } from '../config/config.js';
import { clusterConfig } from '../home/cluster-config.js';
import { homePaths, type ClusterDescription } from '../home/description.js';
import { requireDescription } from '../home/home.js';
import { decodeSegment } from '../namenode/editlog/codec.js';
import type { EditLogOp } from '../namenode/editlog/ops.js';
import { decodeImage, encodeImage } from '../namenode/fsimage/codec.js';
import { editsName, fsimageName, parseNameDirFileName } from '../namenode/name-dir.js';
import type { NamespaceIdentity } from '../namenode/identity.js';
import { jmxBody, queryBeans, type JmxBean } from '../namenode/jmx.js';
import { secondaryBeans } from '../secondary/jmx.js';
import {
  mergeCheckpoint,
  planCheckpoint,
  shouldCheckpoint,
  type CheckpointResult,
  type SegmentRef,
} from '../secondary/checkpointer.js';
import { readNamenodeHttpAddress } from '../home/http-address.js';
import { fsyncDir } from './edit-log-file.js';
import {
  downloadEdits,
  downloadImage,
  storageInfoText,
  uploadImage,
  type TransferClientOptions,
} from './image-transfer.js';
import { recvHttpRequest, sendHttpResponse } from '../transport/http-journal.js';
import { Journal } from '../transport/journal.js';
import { limitHttpServer, closeHttpServer } from '../transport/http-limits.js';
import { daemonPage } from './daemon-pages.js';
import { processBeans } from './process-info.js';
import { secondaryStatusPage } from './web-ui.js';
import {
  currentDir,
  installImageBytes,
  isFormatted,
  listCurrent,
  lockStorage,
  purgeOldStorage,
  readVersion,
  unlockStorage,
  writeVersion,
} from './name-storage.js';
import { COMPILE_INFO, SOFTWARE_VERSION } from './process-info.js';
import { RpcClient } from '../transport/rpc-client.js';
import { NAMENODE_PROTOCOL } from '../protocol/registry/index.js';
import { FORCED_CHECKPOINT_TIMEOUT_MS } from '../protocol/limits.js';

/** The Secondary's boot: its checkpoint directory, the check loop, then its HTTP server. */
export async function runSecondaryNameNode({
  home,
  id,
}: {
  home: string;
  id: string;
}): Promise<{ stop(): Promise<void> }> {
  const paths = homePaths(home);
  const desc = requireDescription(home);
  if (!desc.secondary) throw new Error('this cluster has no Secondary NameNode in its description');
  const config = clusterConfig(desc, home);
  const journal = new Journal(paths.journal, id);
  const checkpointDir = paths.checkpointDir;
  lockStorage(checkpointDir);
  fs.mkdirSync(currentDir(checkpointDir), { recursive: true });

  const settings = checkpointSettings(config);
  const log = (level: 'info' | 'warn' | 'error', text: string): void => {
    (level === 'info' ? console.log : console.error)(text);
    journal.event({ type: 'log', level, text });
  };
  const checkpointer = new Checkpointer({
    home,
    id,
    desc,
    journal,
    checkpointDir,
    retained: settings.retained,
    log,
  });
  const startedMs = Date.now();
  const loop = new CheckLoop({
    checkpointer,
    settings,
    startedMs,
    log,
    giveUp: () => void stop().finally(() => process.exit(1)),
  });

  const server = await startControlServer({
    host: desc.secondary.host,
    port: desc.secondary.port,
    journal,
    checkpoint: () => checkpointer.start('forced'),
    status: () => ({
      lastCheckpoint: checkpointer.lastResult,
      mergeErrors: loop.mergeErrors,
      checkPeriodMs: settings.checkPeriodMs,
    }),
    page: () =>
      secondaryStatusPage({
        namenodeAddress: `${desc.namenode.host}:${desc.namenode.port}`,
        startedMs,
        lastCheckpointMs: checkpointer.lastDoneMs,
        checkpointPeriodMs: settings.periodMs,
        checkpointTxns: settings.txns,
        checkpointDirs: [checkpointDir],
        softwareVersion: SOFTWARE_VERSION,
        compileInfo: COMPILE_INFO,
        nowMs: Date.now(),
      }),
    beans: () => [
      ...secondaryBeans({
        namenodeAddress: `${desc.namenode.host}:${desc.namenode.port}`,
        startedMs,
        lastCheckpointMs: checkpointer.lastDoneMs,
        checkpointDirs: [checkpointDir],
        softwareVersion: SOFTWARE_VERSION,
        compileInfo: COMPILE_INFO,
        nowMs: Date.now(),
      }),
      ...processBeans(startedMs, Date.now()),
    ],
    daemon: id,
    config,
  });
  journal.event({
    type: 'process-started',
    pid: process.pid,
    addresses: [`${desc.secondary.host}:${server.port}`],
  });
  console.log(
    `Secondary NameNode up at http://${desc.secondary.host}:${server.port}; checkpoint dir ${checkpointDir}; ` +
      `checking every ${settings.checkPeriodMs / 1000} s (period ${settings.periodMs / 1000} s, txns ${settings.txns})`,
  );
  loop.schedule();

  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    loop.stop();
    journal.event({ type: 'process-stopping', reason: 'stop requested' });
    await server.close();
    unlockStorage(checkpointDir);
    journal.close();
  };
  return { stop };
}

/** The dfs.namenode.checkpoint.* settings (and what a checkpoint keeps) the Secondary runs by. */
function checkpointSettings(config: LabConfig) {
  return {
    checkPeriodMs: config.ms('dfs.namenode.checkpoint.check.period'),
    periodMs: config.ms('dfs.namenode.checkpoint.period'),
    txns: config.int('dfs.namenode.checkpoint.txns'),
    maxRetries: config.int('dfs.namenode.checkpoint.max-retries'),
    retained: {
      checkpointsRetained: config.int('dfs.namenode.num.checkpoints.retained'),
      extraEditsRetained: config.int('dfs.namenode.num.extra.edits.retained'),
    },
  };
}

/**
 * SecondaryNameNode.doWork every dfs.namenode.checkpoint.check.period: a checkpoint when one is
 * due; more merge failures in a row than dfs.namenode.checkpoint.max-retries give up the process.
 */
class CheckLoop {
  /** Merge failures since the last good checkpoint (the status's mergeErrors). */
  mergeErrors = 0;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly opts: {
      checkpointer: Checkpointer;
      settings: ReturnType<typeof checkpointSettings>;
      startedMs: number;
      log: (level: 'info' | 'warn' | 'error', text: string) => void;
      giveUp: () => void;
    },
  ) {}

  schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.check().finally(() => this.schedule());
    }, this.opts.settings.checkPeriodMs);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
  }

  /**
   * One check (doWork): the NameNode's transaction id against this Secondary's own newest image
   * (HDFS's countUncheckpointedTxns); checkpoint if due. Before its first checkpoint the Secondary
   * counts from the NameNode's newest image (getMostRecentCheckpointTxId) and from its own start.
   * Failures are logged, never thrown.
   */
  private async check(): Promise<void> {
    const { checkpointer, settings, log } = this.opts;
    try {
      const own = checkpointer.newestImage();
      const tx = await checkpointer.withNamenode(async (nn) => ({
        txid: (await nn.call('getTransactionId', {})).txid,
        imageTxid: own ? own.txid : (await nn.call('getMostRecentCheckpointTxId', {})).txid,
      }));
      const due = shouldCheckpoint({
        nowMs: Date.now(),
        lastCheckpointMs: own ? own.savedMs : this.opts.startedMs,
        lastCheckpointTxid: tx.imageTxid,
        nnTxid: tx.txid,
        periodMs: settings.periodMs,
        txns: settings.txns,
      });
      if (!due.due || due.reason === null) return;
      await checkpointer.start(due.reason).done;
      this.mergeErrors = 0;
    } catch (err) {
      log('error', `Exception in doCheckpoint: ${(err as Error).message}`);
      if (err instanceof MergeError) this.countMergeError();
    }
  }

  private countMergeError(): void {
    const { maxRetries } = this.opts.settings;
    if (++this.mergeErrors <= maxRetries) return;
    this.opts.log(
      'error',
      `Merging failed ${this.mergeErrors} times; exiting (dfs.namenode.checkpoint.max-retries=${maxRetries}).`,
    );
    this.opts.giveUp();
  }
}

/** A failure while loading or merging (as opposed to talking to the NameNode): counts toward max-retries. */
class MergeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MergeError';
  }
}

interface CheckpointerOptions {
  home: string;
  id: string;
  desc: ClusterDescription;
  journal: Journal;
  checkpointDir: string;
  retained: { checkpointsRetained: number; extraEditsRetained: number };
  log: (level: 'info' | 'warn' | 'error', text: string) => void;
}

interface RunningCheckpoint {
  opId: string;
  done: Promise<CheckpointResult>;
}

/** The checkpoint itself (doCheckpoint), one at a time. */
class Checkpointer {
  lastResult: CheckpointResult | null = null;
  /** When the last checkpoint finished (SecondaryNameNodeInfo.LastCheckpointTime). */
  lastDoneMs: number | null = null;
  private running: RunningCheckpoint | null = null;
  private checkpointsStarted = 0;

  constructor(private readonly opts: CheckpointerOptions) {}

  /**
   * A checkpoint already running is joined rather than started twice. Its operation id
   * (`checkpoint-<pid>-<n>`) tags its RPCs and transfers, so a trace shows it whole.
   */
  start(reason: CheckpointResult['reason']): RunningCheckpoint {
    if (this.running) return this.running;
    const opId = `checkpoint-${process.pid}-${++this.checkpointsStarted}`;
    const done = this.doCheckpoint(reason, opId).finally(() => {
      this.running = null;
    });
    this.running = { opId, done };
    return this.running;
  }

  /** A fresh connection per conversation: the NameNode may have restarted since the last one. */
  async withNamenode<T>(talk: (nn: RpcClient) => Promise<T>): Promise<T> {
    const { desc } = this.opts;
    const nn = await RpcClient.connect({
      host: desc.namenode.host,
      port: desc.namenode.port,
      selfId: this.opts.id,
      peerId: 'nn',
      journal: this.opts.journal,
      protocol: NAMENODE_PROTOCOL,
      ...(desc.loopbackAliases && desc.secondary ? { localAddress: desc.secondary.host } : {}),
    });
    try {
      return await talk(nn);
    } finally {
      nn.close();
    }
  }

  private transferOptions(opId: string): TransferClientOptions {
    const { desc, home } = this.opts;
    const address = readNamenodeHttpAddress(home, desc);
    if (!address) throw new Error('the NameNode has not published its HTTP address (is it running?)');
    return {
      address,
      selfId: this.opts.id,
      journal: this.opts.journal,
      opId,
      ...(desc.loopbackAliases && desc.secondary ? { localAddress: desc.secondary.host } : {}),
    };
  }

  private async doCheckpoint(reason: CheckpointResult['reason'], opId: string): Promise<CheckpointResult> {
    const startedMs = Date.now();
    const { log, checkpointDir } = this.opts;
    const { sig, manifest, identity } = await this.withNamenode(async (nn) => {
      const info = await nn.call('versionRequest', {}, { opId });
      const rolled = await nn.call('rollEditLog', {}, { opId });
      const segments = await nn.call(
        'getEditLogManifest',
        { sinceTxid: rolled.signature.mostRecentCheckpointTxid + 1 },
        { opId },
      );
      return { sig: rolled.signature, manifest: segments.segments, identity: info };
    });
    this.ensureStorage(identity, startedMs);
    const have = this.holdings();
    const plan = planCheckpoint({
      nnImageTxid: sig.mostRecentCheckpointTxid,
      curSegmentTxid: sig.curSegmentTxid,
      manifest,
      haveImageTxids: have.images,
      haveSegments: have.segments,
    });
    const transfer = this.transferOptions(opId);
    if (plan.fetchImage) {
      log('info', 'Image has changed. Downloading updated image from NN.');
      const bytes = await downloadImage(transfer, plan.imageTxid);
      installImageBytes(checkpointDir, plan.imageTxid, bytes);
      log('info', `Downloaded file ${fsimageName(plan.imageTxid)} size ${bytes.length} bytes.`);
    } else {
      log('info', 'Image has not changed. Will not download image.');
    }
    const downloaded: string[] = [];
    for (const seg of plan.fetchSegments) {
      const bytes = await downloadEdits(transfer, seg.startTxid, seg.endTxid);
      const name = editsName(seg.startTxid, seg.endTxid);
      writeDurably(path.join(currentDir(checkpointDir), name), bytes);
      downloaded.push(name);
      log('info', `Downloaded file ${name} size ${bytes.length} bytes.`);
    }
    const image = this.merge(plan.imageTxid, plan.replaySegments, plan.targetTxid);
    const bytes = encodeImage(image);
    installImageBytes(checkpointDir, image.txid, bytes);
    await uploadImage(transfer, { txid: image.txid, bytes, storageInfo: storageInfoText(identity) });
    purgeOldStorage(checkpointDir, this.opts.retained);
    log('info', `Checkpoint done. New Image Size: ${bytes.length}`);
    const rolled = plan.replaySegments.at(-1) as SegmentRef;
    this.lastResult = {
      reason,
      txid: image.txid,
      imageFile: fsimageName(image.txid),
      imageBytes: bytes.length,
      fromImageTxid: plan.imageTxid,
      imageDownloaded: plan.fetchImage,
      segmentsDownloaded: downloaded,
      rolledSegment: editsName(rolled.startTxid, rolled.endTxid),
      durationMs: Date.now() - startedMs,
      opId,
    };
    this.lastDoneMs = Date.now();
    return this.lastResult;
  }

  /** Load fsimage_<imageTxid> and the segments from the checkpoint dir and merge them. */
  private merge(imageTxid: number, segments: readonly SegmentRef[], targetTxid: number) {
    const cur = currentDir(this.opts.checkpointDir);
    try {
      const image = decodeImage(fs.readFileSync(path.join(cur, fsimageName(imageTxid))));
      const ops: EditLogOp[][] = segments.map(
        (s) => decodeSegment(fs.readFileSync(path.join(cur, editsName(s.startTxid, s.endTxid)))).ops,
      );
      const merged = mergeCheckpoint(image, ops);
      if (merged.txid !== targetTxid) {
        throw new Error(`the segments end at txid ${merged.txid}, the roll ended the log at ${targetTxid}`);
      }
      return merged;
    } catch (err) {
      // Reload everything next time (HDFS sets loadImage = true after a merge error).
      fs.rmSync(path.join(cur, fsimageName(imageTxid)), { force: true });
      fs.rmSync(path.join(cur, `${fsimageName(imageTxid)}.md5`), { force: true });
      for (const s of segments) fs.rmSync(path.join(cur, editsName(s.startTxid, s.endTxid)), { force: true });
      throw new MergeError(
        `merge of ${fsimageName(imageTxid)} with ${segments.length} segments failed: ${(err as Error).message}`,
      );
    }
  }

  /** VERSION matching the NameNode's namespace; a checkpoint dir of another namespace is emptied. */
  private ensureStorage(identity: NamespaceIdentity, nowMs: number): void {
    const dir = this.opts.checkpointDir;
    if (isFormatted(dir)) {
      const ours = readVersion(dir);
      if (ours.namespaceId === identity.namespaceId && ours.clusterId === identity.clusterId) return;
      this.opts.log(
        'warn',
        `checkpoint directory ${dir} belongs to namespace ${ours.namespaceId}; emptying it`,
      );
      fs.rmSync(currentDir(dir), { recursive: true, force: true });
      fs.mkdirSync(currentDir(dir), { recursive: true });
    }
    writeVersion(dir, identity, nowMs);
  }

  /** This Secondary's newest image in its checkpoint directory, and when it was saved. */
  newestImage(): { txid: number; savedMs: number } | null {
    const txid = Math.max(-1, ...this.holdings().images);
    if (txid < 0) return null;
    const file = path.join(currentDir(this.opts.checkpointDir), fsimageName(txid));
    try {
      return { txid, savedMs: fs.statSync(file).mtimeMs };
    } catch {
      return null;
    }
  }

  private holdings(): { images: number[]; segments: SegmentRef[] } {
    const images: number[] = [];
    const segments: SegmentRef[] = [];
    for (const name of listCurrent(this.opts.checkpointDir)) {
      const p = parseNameDirFileName(name);
      if (p.kind === 'fsimage') images.push(p.txid);
      if (p.kind === 'edits') segments.push({ startTxid: p.startTxid, endTxid: p.endTxid });
    }
    return { images, segments };
  }
}

function writeDurably(file: string, data: Buffer): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDir(path.dirname(file));
}

// ---------------------------------------------------------------------------------------------
// The control endpoint
// ---------------------------------------------------------------------------------------------

interface ControlServerOptions {
  host: string;
  port: number;
  journal: Journal;
  checkpoint: () => RunningCheckpoint;
  status: () => unknown;
  /** The beans GET /jmx lists. */
  beans: () => JmxBean[];
  /** The status page GET / answers (web-ui.ts). */
  page: () => string;
  /** For /conf and /stacks (daemon-pages.ts). */
  daemon: string;
  config: LabConfig;
}

async function startControlServer(
  opts: ControlServerOptions,
): Promise<{ port: number; close(): Promise<void> }> {
  const server = http.createServer((req, res) => {
    req.resume();
    const line = `${req.method ?? '?'} ${req.url ?? ''}`;
    // A checkpoint is started (or joined) before its request is journaled, so the request carries its id.
    const running = req.method === 'POST' && req.url === '/checkpoint' ? opts.checkpoint() : null;
    const exchange = recvHttpRequest(opts.journal, req, { serverId: opts.journal.proc, op: running?.opId });
    const answer = (status: number, body: unknown): void =>
      sendHttpResponse(exchange, res, {
        status,
        headers: { 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify(body) + '\n', 'utf8'),
      });
    if (running) {
      running.done.then(
        (result) => answer(200, result),
        (err: unknown) => answer(500, { error: (err as Error).message }),
      );
      return;
    }
    if (req.method === 'GET' && req.url === '/status') return answer(200, opts.status());
    if (req.method === 'GET' && (req.url === '/' || req.url === '/status.html')) {
      return sendHttpResponse(exchange, res, {
        status: 200,
        headers: { 'content-type': 'text/html; charset=utf-8' },
        body: Buffer.from(opts.page(), 'utf8'),
      });
    }
    const url = new URL(req.url ?? '/', 'http://secondary');
    const common = daemonPage(req, url, opts);
    if (common) {
      return sendHttpResponse(exchange, res, {
        status: common.status,
        headers: { 'content-type': common.contentType },
        body: Buffer.from(common.body, 'utf8'),
      });
    }
    if (req.method === 'GET' && url.pathname === '/jmx') {
      const jmx = queryBeans(opts.beans(), url.searchParams);
      return sendHttpResponse(exchange, res, {
        status: jmx.status,
        headers: { 'content-type': 'application/json; charset=utf-8' },
        body: Buffer.from(jmxBody(jmx), 'utf8'),
      });
    }
    answer(404, {
      error: `expected GET / (the status page), POST /checkpoint, GET /status, /jmx, /conf or /stacks, got ${line}`,
    });
  });
  limitHttpServer(server, { requestTimeoutMs: FORCED_CHECKPOINT_TIMEOUT_MS });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: opts.host, port: opts.port, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as { port: number }).port;
  return {
    port,
    close: () => closeHttpServer(server),
  };
}
