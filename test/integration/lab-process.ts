/**
 * What real-process tests share: running the built `lab` command against a run directory, and an
 * RPC connection to that cluster's NameNode as the lab's client makes it.
 */
import { execFile, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { requireDescription } from '../../cluster/home/home.js';
import { startCluster, stopNodes, type StartClusterOptions } from '../../cluster/launcher/launcher.js';
import { Journal } from '../../cluster/transport/journal.js';
import { RpcClient } from '../../cluster/transport/rpc-client.js';

const run = promisify(execFile);
export const REPO = path.resolve(import.meta.dirname, '../..');
export const LAB_BIN = path.join(REPO, 'bin/lab.js');

/** The most output a `runLab` keeps of a command. */
const RUN_LAB_OUTPUT_BYTES_MAX = 16 * 1024 * 1024;

export interface LabOutcome {
  code: number;
  stdout: string;
  stderr: string;
}

/** `lab ARGS` with LAB_HOME=home and ephemeral ports; never throws, the exit code is in the outcome. */
export async function runLab(home: string, ...args: string[]): Promise<LabOutcome> {
  try {
    const { stdout, stderr } = await run(process.execPath, [LAB_BIN, ...args], {
      cwd: REPO,
      env: { ...process.env, LAB_HOME: home, LAB_PORTS: 'ephemeral' },
      timeout: 60_000,
      // A `-cat` of a few blocks (execFile's default stops at 1 MiB of output).
      maxBuffer: RUN_LAB_OUTPUT_BYTES_MAX,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** `lab ARGS` as runLab, with `input` on its stdin, waiting for it synchronously. */
export function runLabWithInput(home: string, input: Buffer | string, ...args: string[]): LabOutcome {
  const r = spawnSync(process.execPath, [LAB_BIN, ...args], {
    cwd: REPO,
    env: { ...process.env, LAB_HOME: home, LAB_PORTS: 'ephemeral' },
    input,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/**
 * A cluster of a suite's own: a fresh run directory under the system's temp directory (named
 * `prefix…`) with `cluster` started in it on ephemeral ports. A start that fails removes it.
 */
export async function startTestCluster(
  prefix: string,
  cluster: Omit<StartClusterOptions, 'home' | 'ephemeralPorts'>,
): Promise<string> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  try {
    await startCluster({ ...cluster, home, ephemeralPorts: true });
  } catch (error) {
    await stopNodes(home).catch(() => []);
    fs.rmSync(home, { recursive: true, force: true });
    throw error;
  }
  return home;
}

/** Stops the cluster startTestCluster started and removes its run directory (none yet: nothing). */
export async function removeTestCluster(home: string | undefined): Promise<void> {
  if (!home) return;
  await stopNodes(home);
  fs.rmSync(home, { recursive: true, force: true });
}

/** An RPC client on the NameNode of the cluster in `home`, journaling as `client`. */
export async function connectNamenodeRpc(home: string): Promise<{ nn: RpcClient; close(): void }> {
  const desc = requireDescription(home);
  const journal = new Journal(null, 'client');
  const nn = await RpcClient.connect({
    host: desc.namenode.host,
    port: desc.namenode.port,
    selfId: 'client',
    peerId: 'nn',
    journal,
    timeoutMs: 10_000,
  });
  return {
    nn,
    close: () => {
      nn.close();
      journal.close();
    },
  };
}

/**
 * Stops every cluster whose run directory lies under `dir` (a few levels down), so a test that
 * timed out mid-way does not leave its daemons running after its directory is removed.
 */
export async function stopClustersUnder(dir: string, depth = 4): Promise<void> {
  const homes: string[] = [];
  const visit = (d: string, left: number): void => {
    if (fs.existsSync(path.join(d, 'cluster.json'))) homes.push(d);
    if (left === 0) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) if (e.isDirectory()) visit(path.join(d, e.name), left - 1);
  };
  visit(dir, depth);
  await Promise.all(homes.map((home) => stopNodes(home).catch(() => [])));
}
