/**
 * `lab start`: boot the cluster, print where everything is, and (without --detach) open the
 * dashboard on a terminal, or stay in the foreground until Ctrl-C or SIGTERM, then stop the cluster.
 */
import { formatByteDesc } from '../../cluster/common/units.js';
import { clusterConfig } from '../../cluster/home/cluster-config.js';
import type { ClusterDescription } from '../../cluster/home/description.js';
import { inspectHome } from '../../cluster/home/home.js';
import { readNamenodeHttpAddress } from '../../cluster/home/http-address.js';
import { DEFAULT_PORTS } from '../../cluster/launcher/addresses.js';
import { startCluster, stopNodes, type StartedCluster } from '../../cluster/launcher/launcher.js';
import { homeOf } from '../cli/context.js';
import type { Command } from '../cli/commander.js';
import { err, out } from '../cli/output.js';
import { UsageError } from '../cli/errors.js';
import { renderTable } from '../format/table.js';
import { collect, parseWholeNumber } from '../cli/parse.js';

/** How often the foreground `lab start` checks whether `lab stop` (elsewhere) took the cluster down. */
const FOREGROUND_CHECK_INTERVAL_MS = 500;

interface StartFlags {
  datanodes?: number;
  racks?: number;
  topology?: string;
  blockSize?: string;
  replication?: number;
  seed?: string;
  D: string[];
  detach?: boolean;
  ephemeralPorts?: boolean;
  pack?: string;
}

export function registerStart(program: Command): void {
  program
    .command('start')
    .description('boot a NameNode, a Secondary NameNode and N DataNodes as processes on this machine')
    .option(
      '--datanodes <N>',
      'number of DataNodes (default 3, or one per --topology line)',
      parseWholeNumber,
    )
    .option('--racks <R>', 'spread the DataNodes over R racks /rack1../rackR', parseWholeNumber)
    .option('--topology <FILE>', 'TableMapping file: "dn1 /dc1/rack1" or "127.0.1.1 /dc1/rack1" per line')
    .option('--block-size <SIZE>', 'dfs.blocksize: 1m, 64m, bytes (default 128m as in Hadoop)')
    .option(
      '--replication <N>',
      'dfs.replication (default 3, capped at the DataNode count)',
      parseWholeNumber,
    )
    .option('--seed <S>', 'fix ids and choices so the same cluster can be rebuilt (default: random, printed)')
    .option('-D <key=value>', 'set a Hadoop key, e.g. -D dfs.heartbeat.interval=1s (repeatable)', collect, [])
    .option(
      '--pack <DIR>',
      "the cluster an exercise pack needs, with the student's --seed choosing its variant",
    )
    .option('--detach', 'return once the cluster is ready and leave it running')
    .option('--ephemeral-ports', 'bind every process to a free ephemeral port (also LAB_PORTS=ephemeral)')
    .action(async (flags: StartFlags, command: Command) => {
      await start(homeOf(command), flags);
    });
}

async function start(home: string, flags: StartFlags): Promise<void> {
  const stopSignal = foregroundSignal();
  let cluster: StartedCluster;
  const ephemeralPorts = flags.ephemeralPorts === true || process.env.LAB_PORTS === 'ephemeral';
  try {
    cluster = await startCluster({
      ...(flags.pack
        ? await packStartOptions(flags.pack, flags.seed, home, ephemeralPorts)
        : {
            home,
            datanodes: flags.datanodes,
            racks: flags.racks,
            topologyFile: flags.topology,
            blockSize: flags.blockSize,
            replication: flags.replication,
            seed: flags.seed,
            defines: flags.D,
            ephemeralPorts,
          }),
      log: (line) => err(line),
    });
  } catch (error) {
    stopSignal.dispose();
    throw error;
  }
  out(summary(cluster, flags.detach === true));
  // Said loudly, on stderr too: a student who curls 9870 would otherwise reach another cluster.
  if (!ephemeralPorts) for (const line of busyDefaultPorts(cluster.description, cluster.home)) err(line);
  if (flags.detach === true) {
    stopSignal.dispose();
    return;
  }
  if (process.stdin.isTTY && process.stdout.isTTY && !process.env.CI) {
    // On a terminal the foreground `lab start` is the dashboard; `q` asks whether to stop.
    stopSignal.dispose();
    const { runDashboard } = await import('../tui/dashboard.js');
    const choice = await runDashboard({ home });
    if (choice === 'stop') {
      const results = await stopNodes(home);
      out(`Stopped ${results.filter((r) => r.outcome !== 'not running').length} processes.`);
    } else out('The cluster keeps running; `lab tui` attaches again, `lab stop` stops it.');
    return;
  }
  const reason = await Promise.race([stopSignal.received, clusterGone(home)]);
  stopSignal.dispose();
  if (reason === 'gone') {
    out('The cluster was stopped from elsewhere (`lab stop`); leaving.');
    return;
  }
  out(`\n${reason}: stopping the cluster…`);
  const results = await stopNodes(home);
  out(`Stopped ${results.filter((r) => r.outcome !== 'not running').length} processes.`);
}

/**
 * `--pack DIR --seed S`: the cluster the pack asks for, in the variant the student's seed picks
 * (the same options `lab exercise` and `lab grade` use, so all three build the same cluster).
 */
async function packStartOptions(
  dir: string,
  seed: string | undefined,
  home: string,
  ephemeralPorts: boolean,
): Promise<Parameters<typeof startCluster>[0]> {
  if (!seed) throw new UsageError('start --pack needs --seed S (the student id that picks the variant)');
  const { loadSeededPack, describeParams } = await import('../pack/seeded.js');
  const { startOptionsFor } = await import('../runner/cluster.js');
  const seeded = loadSeededPack(dir, seed);
  if (!seeded.pack || !seeded.variant || !seeded.scope) {
    throw new UsageError(
      `start --pack: ${dir} does not validate; run lab pack validate ${dir} --seed ${seed}`,
    );
  }
  for (const line of describeParams(seeded.scope)) err(`  ${line}`);
  return startOptionsFor(seeded.variant, { home, packDir: dir, ephemeralPorts });
}

/** Resolves with the signal name on SIGINT / SIGTERM; installed before the start so Ctrl-C during it is kept. */
function foregroundSignal(): { received: Promise<string>; dispose: () => void } {
  let resolve: (signal: string) => void = () => {};
  const received = new Promise<string>((r) => (resolve = r));
  const handler = (signal: NodeJS.Signals): void => resolve(signal);
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    received,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** Resolves 'gone' once no process of the home is running any more. */
function clusterGone(home: string): Promise<'gone'> {
  return new Promise((resolve) => {
    const timer = setInterval(() => {
      if (inspectHome(home).running.length > 0) return;
      clearInterval(timer);
      resolve('gone');
    }, FOREGROUND_CHECK_INTERVAL_MS);
  });
}

export function summary(cluster: StartedCluster, detached: boolean): string {
  const { description, home } = cluster;
  const config = clusterConfig(description, home);
  const blockSize = config.bytes('dfs.blocksize');
  const lines = [
    `hdfs-lab: cluster up with ${description.datanodes.length} DataNode(s), ready in ${cluster.readyMs} ms.`,
    '',
    ...processRows(description),
    '',
    `  fs.defaultFS     ${config.get('fs.defaultFS')}`,
    `  block size       ${formatByteDesc(blockSize)} (dfs.blocksize=${config.get('dfs.blocksize')})`,
    `  replication      ${config.get('dfs.replication')} (dfs.replication)`,
    `  seed             ${description.seed}   (lab start --seed ${description.seed} rebuilds this cluster)`,
    `  run directory    ${home}   (logs/, pids/, dfs/, journal/, cluster.json)`,
    `  web UI           http://${readNamenodeHttpAddress(home, description) ?? `${description.namenode.host}:?`}/   (WebHDFS: /webhdfs/v1)`,
    `  learning pages   lab web   (the last operation as a sequence diagram, the rack tree, your progress)`,
    `  addresses        ${description.loopbackAliases ? 'one loopback address per process' : 'all on 127.0.0.1 (no loopback aliases here), distinct ports'}`,
    '',
    detached
      ? 'Running in the background. Stop it with `lab stop`; see it with `lab status`.'
      : 'Press Ctrl-C to stop the cluster (or run `lab stop` in another terminal).',
  ];
  return lines.join('\n');
}

/**
 * Hadoop's default ports this cluster did not get because something else held them (another
 * lab, a real Hadoop): the launcher took a free port instead (cluster/launcher/addresses.ts).
 */
export function busyDefaultPorts(description: ClusterDescription, home: string): string[] {
  const taken: string[] = [];
  const check = (what: string, wanted: number, address: string | undefined) => {
    const port = address === undefined ? undefined : Number(address.slice(address.lastIndexOf(':') + 1));
    if (port !== undefined && port !== wanted)
      taken.push(`${what} is on ${address} (port ${wanted} was busy)`);
  };
  check(
    'the NameNode',
    DEFAULT_PORTS.namenodeRpc,
    `${description.namenode.host}:${description.namenode.port}`,
  );
  check('the NameNode web UI', DEFAULT_PORTS.namenodeHttp, readNamenodeHttpAddress(home, description));
  if (description.secondary)
    check(
      "the Secondary NameNode's page",
      DEFAULT_PORTS.secondaryHttp,
      `${description.secondary.host}:${description.secondary.port}`,
    );
  if (taken.length === 0) return [];
  return [
    '',
    `hdfs-lab: WARNING: a default port was busy, so this cluster uses others — ${taken.join('; ')}.`,
    '  Something else listens on the default (another cluster?): use the addresses above, not the defaults.',
  ];
}

function processRows(description: ClusterDescription): string[] {
  const rows = [
    ['NameNode', 'nn', `${description.namenode.host}:${description.namenode.port}`, '', ''],
    ...(description.secondary
      ? [['SecondaryNameNode', 'snn', `${description.secondary.host}:${description.secondary.port}`, '', '']]
      : []),
    // A DataNode's transfer address, then its IPC port (dfsadmin -getDatanodeInfo <host:ipc_port>).
    ...description.datanodes.map((dn) => [
      'DataNode',
      dn.id,
      `${dn.host}:${dn.port}`,
      dn.rack,
      dn.ipcPort === undefined ? '' : `ipc ${dn.host}:${dn.ipcPort}`,
    ]),
  ];
  return renderTable(rows)
    .trimEnd()
    .split('\n')
    .map((line) => `  ${line.trimEnd()}`);
}
