/**
 * The NameNode crash check: clients mutate the namespace (mkdirs, and create + complete of empty
 * files) while the NameNode is killed with SIGKILL after a random number of acknowledged
 * mutations; after each restart, every mutation whose RPC returned must be there. Used by the
 * short test in `npm test` (test/integration/crash.test.ts) and by `npm run crash-test`
 * (test/stress/crash-test.ts) for many trials.
 */
import { listAll } from '../../cluster/client/listing.js';
import { isOpenForWrite } from '../../cluster/client/open-file.js';
import { createPrng } from '../../cluster/common/prng.js';
import { killNode, startCluster, startNode, stopNodes } from '../../cluster/launcher/launcher.js';
import type { ClusterDescription } from '../../cluster/home/description.js';
import { connectNamenodeRpc as connect } from '../integration/lab-process.js';

/** Clients issuing mutations at once, so a kill lands with several RPCs in flight. */
const WORKERS = 4;
/** How long a restarted NameNode may take to answer and leave safe mode. */
const RESTART_DEADLINE_MS = 30_000;

export interface CrashOptions {
  home: string;
  trials: number;
  seed: string;
  /** The NameNode is killed after between 1 and this many acknowledged mutations. */
  killAfterMax: number;
  /** Start the cluster here (else one is already running in `home`). */
  start?: boolean;
  log?: (line: string) => void;
}

export interface TrialResult {
  trial: number;
  killAfter: number;
  acknowledged: number;
  /** Acknowledged mutations not found after the restart: must be empty. */
  missing: string[];
}

interface Ack {
  path: string;
  kind: 'DIRECTORY' | 'FILE';
}

export async function startCrashCluster(home: string, seed: string): Promise<ClusterDescription> {
  const started = await startCluster({
    home,
    datanodes: 1,
    seed,
    ephemeralPorts: true,
    // Checkpoints every few dozen edits, so kills also land during rolls and image uploads.
    defines: ['dfs.namenode.checkpoint.check.period=1', 'dfs.namenode.checkpoint.txns=40'],
  });
  return started.description;
}

export async function runCrashTrials(options: CrashOptions): Promise<TrialResult[]> {
  const log = options.log ?? (() => {});
  const prng = createPrng(options.seed).fork('crash-test');
  const description = options.start ? await startCrashCluster(options.home, options.seed) : undefined;
  const results: TrialResult[] = [];
  try {
    for (let trial = 1; trial <= options.trials; trial++) {
      const killAfter = 1 + prng.int(options.killAfterMax);
      const result = await runTrial(options.home, trial, killAfter);
      log(
        `trial ${trial}: killed the NameNode after ${killAfter} acks; ${result.acknowledged} acknowledged, ${result.missing.length} missing`,
      );
      results.push(result);
      if (result.missing.length > 0) break;
    }
  } finally {
    if (description) await stopNodes(options.home);
  }
  return results;
}

async function runTrial(home: string, trial: number, killAfter: number): Promise<TrialResult> {
  const acks: Ack[] = [];
  const { nn, close } = await connect(home);
  let killing: Promise<unknown> | null = null;
  const clientName = `DFSClient_NONMAPREDUCE_crash${trial}_1`;
  const worker = async (w: number): Promise<void> => {
    for (let n = 0; killing === null; n++) {
      const base = `/t${trial}/w${w}-${n}`;
      try {
        if (n % 2 === 0) {
          await nn.call('mkdirs', { src: `${base}.d`, permission: 0o755, createParent: true });
          acks.push({ path: `${base}.d`, kind: 'DIRECTORY' });
        } else {
          const status = await nn.call('create', {
            src: `${base}.f`,
            permission: 0o644,
            clientName,
            clientMachine: '127.0.0.1',
            overwrite: false,
            createParent: true,
            replication: 1,
            blockSize: 1_048_576,
          });
          await nn.call('complete', { src: `${base}.f`, clientName, last: null, fileId: status.fileId });
          acks.push({ path: `${base}.f`, kind: 'FILE' });
        }
      } catch {
        return; // the NameNode died under this call: not acknowledged
      }
      if (acks.length >= killAfter && killing === null) killing = killNode(home, 'nn');
    }
  };
  await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
  await killing;
  close();
  await startNode(home, 'nn', { readyTimeoutMs: RESTART_DEADLINE_MS });
  const missing = await verify(home, trial, acks);
  return { trial, killAfter, acknowledged: acks.length, missing };
}

/** Waits for safe mode to end (the next trial mutates), then checks every acknowledged path. */
async function verify(home: string, trial: number, acks: readonly Ack[]): Promise<string[]> {
  const { nn, close } = await connect(home);
  try {
    const deadline = Date.now() + RESTART_DEADLINE_MS;
    while ((await nn.call('setSafeMode', { action: 'SAFEMODE_GET' })).on) {
      if (Date.now() > deadline)
        throw new Error(`the restarted NameNode stayed in safe mode for ${RESTART_DEADLINE_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const listing = (await listAll(nn, `/t${trial}`)) ?? [];
    const found = new Map(listing.map((s) => [`/t${trial}/${s.pathSuffix}`, s]));
    const missing: string[] = [];
    for (const a of acks) {
      const s = found.get(a.path);
      const lost = s === undefined || s.type !== a.kind;
      if (lost || (a.kind === 'FILE' && (await isOpenForWrite(nn, a.path))))
        missing.push(`${a.kind} ${a.path}`);
    }
    return missing;
  } finally {
    close();
  }
}
