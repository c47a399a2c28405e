/**
 * The NameNode's start-up on its name directory, as HDFS does it: lock the directory, format it
 * when it is new, load the newest fsimage, finalize a crashed in-progress segment, replay the
 * edits after the image. What comes out is the namespace the core starts from.
 */
import fs from 'node:fs';
import type { ClusterDescription } from '../home/description.js';
import type { LabConfig } from '../config/config.js';
import type { NameNodeSettings } from '../namenode/namenode.js';
import { identityFromSeed, type NamespaceIdentity } from '../namenode/identity.js';
import { Namespace } from '../namenode/namespace.js';
import { fsimageName } from '../namenode/name-dir.js';
import type { Journal } from '../transport/journal.js';
import { currentDir, formatNameDir, isFormatted, loadNameDir, lockStorage } from './name-storage.js';

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
}): BootedNameDir {
  const { nameDir, desc, config, settings, journal } = opts;
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
  const loaded = loadNameDir(nameDir);
  for (const note of loaded.notes) {
    console.log(note);
    journal.event({ type: 'log', level: 'warn', text: note });
  }
  const namespace = Namespace.fromImage(loaded.image, {
    leaseSoftLimitMs: settings.leaseSoftLimitMs,
    minBlockSizeBytes: config.bytes('dfs.namenode.fs-limits.min-block-size'),
    maxReplication: settings.maxReplication,
  });
  for (const op of loaded.editsToReplay) namespace.applyOp(op);
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

function imageMtime(nameDir: string, txid: number): number {
  try {
    return fs.statSync(`${currentDir(nameDir)}/${fsimageName(txid)}`).mtimeMs;
  } catch {
    return 0;
  }
}
