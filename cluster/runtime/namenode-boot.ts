/**
 * The NameNode's start-up on its name directory, as HDFS does it: lock the directory, format it
 * when it is new, load the newest fsimage, finalize a crashed in-progress segment, replay the
 * edits after the image, recording each phase as HDFS's StartupProgress does. What comes out is
 * the namespace the core starts from.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { ClusterDescription } from '../home/description.js';
import type { LabConfig } from '../config/config.js';
import type { NameNodeSettings } from '../namenode/namenode.js';
import { identityFromSeed, type NamespaceIdentity } from '../namenode/identity.js';
import { Namespace } from '../namenode/namespace.js';
import { fsimageName } from '../namenode/name-dir.js';
import type { Journal } from '../transport/journal.js';
import type { StartupProgress } from '../namenode/startup-progress.js';
import {
  currentDir,
  formatNameDir,
  isFormatted,
  loadNameDir,
  lockStorage,
  type LoadedNameDir,
} from './name-storage.js';

export interface BootedNameDir {
  identity: NamespaceIdentity;
  namespace: Namespace;
  /** The txid of the last op in memory: the image's or the last replayed edit's. */
  lastTxid: number;
  /** The loaded image's txid and when it was saved (its file's mtime). */
  lastCheckpoint: { txid: number; ms: number };
}

/** Locks, formats if needed and loads `nameDir`; its notes go to the log and the journal. */
export function bootNameDir(opts: {
  nameDir: string;
  desc: ClusterDescription;
  config: LabConfig;
  settings: NameNodeSettings;
  journal: Journal;
  /** Where the load's phases are recorded (Startup Progress). */
  progress: StartupProgress;
}): BootedNameDir {
  const { nameDir, desc, config, settings, journal, progress } = opts;
  lockStorage(nameDir);
  if (!isFormatted(nameDir)) {
    const identity = identityFromSeed(desc.seed, desc.namenode.host);
    const fresh = new Namespace({
      superuser: settings.superuser,
      supergroup: settings.supergroup,
      namespaceId: identity.namespaceId,
    });
    formatNameDir(nameDir, identity, fresh.toImage(0), Date.now());
    console.log(`Storage directory ${nameDir} has been successfully formatted.`);
  }
  const loadStartMs = Date.now();
  const loaded = loadNameDir(nameDir);
  for (const note of loaded.notes) {
    console.log(note);
    journal.event({ type: 'log', level: 'warn', text: note });
  }
  const inodes = { type: 'Inodes' } as const;
  progress.beginPhase('LoadingFsImage', loadStartMs, {
    file: path.join(currentDir(nameDir), loaded.imageFile),
    size: loaded.imageBytes,
  });
  progress.beginStep('LoadingFsImage', inodes, loadStartMs, loaded.image.inodes.length);
  const namespace = Namespace.fromImage(loaded.image, {
    leaseSoftLimitMs: settings.leaseSoftLimitMs,
    minBlockSizeBytes: config.bytes('dfs.namenode.fs-limits.min-block-size'),
    maxReplication: settings.maxReplication,
  });
  progress.setCount('LoadingFsImage', inodes, loaded.image.inodes.length);
  progress.endPhase('LoadingFsImage', Date.now());
  replayEdits(namespace, loaded.segments, progress);
  // Lease renewal times are not logged: every lease restarts its clock now, as in HDFS.
  namespace.leases.renewAll(Date.now());
  const lastTxid = loaded.editsToReplay.at(-1)?.txid ?? loaded.image.txid;
  console.log(
    `Loaded image ${loaded.imageFile} and replayed ${loaded.editsToReplay.length} edits; last txid ${lastTxid}`,
  );
  return {
    identity: loaded.identity,
    namespace,
    lastTxid,
    lastCheckpoint: { txid: loaded.image.txid, ms: imageMtime(nameDir, loaded.image.txid) },
  };
}

/**
 * LoadingEdits: each segment is a step with its file and size, counting the transactions applied;
 * then SavingCheckpoint, begun and ended at once since the start saves no image (as FSNamesystem).
 */
function replayEdits(
  namespace: Namespace,
  segments: LoadedNameDir['segments'],
  progress: StartupProgress,
): void {
  progress.beginPhase('LoadingEdits', Date.now());
  for (const segment of segments) {
    const step = { file: segment.file, size: segment.size };
    progress.beginStep('LoadingEdits', step, Date.now(), segment.ops.length);
    for (const op of segment.ops) namespace.applyOp(op);
    progress.setCount('LoadingEdits', step, segment.ops.length);
    progress.endStep('LoadingEdits', step, Date.now());
  }
  progress.endPhase('LoadingEdits', Date.now());
  progress.beginPhase('SavingCheckpoint', Date.now());
  progress.endPhase('SavingCheckpoint', Date.now());
}

function imageMtime(nameDir: string, txid: number): number {
  try {
    return fs.statSync(`${currentDir(nameDir)}/${fsimageName(txid)}`).mtimeMs;
  } catch {
    return 0;
  }
}
