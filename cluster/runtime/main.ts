/**
 * The entry point of every daemon process: `node dist/cluster/runtime/main.js --role nn|snn|dn
 * --home <home> --id <id>`, and of a setup's lease holder (`--role writer --path <file>`). One error boundary per process: an operating error is logged with a
 * clear message and the process exits non-zero; SIGTERM/SIGINT stop it cleanly.
 */
import { parseArgs } from 'node:util';
import { installSafeLogging } from './safe-log.js';

type Role = 'nn' | 'snn' | 'dn' | 'writer';

interface Stoppable {
  stop(): Promise<void>;
}

async function main(): Promise<void> {
  // Everything a daemon creates in the lab home is its owner's only, whatever the umask
  // (dfs.namenode.storage.dir.perm and dfs.datanode.data.dir.perm are 700 in HDFS).
  process.umask(0o077);
  installSafeLogging();
  const { values } = parseArgs({
    options: {
      role: { type: 'string' },
      home: { type: 'string' },
      id: { type: 'string' },
      path: { type: 'string' },
    },
  });
  const role = values.role as Role | undefined;
  const home = values.home;
  const id = values.id;
  if (
    !role ||
    !home ||
    !id ||
    !['nn', 'snn', 'dn', 'writer'].includes(role) ||
    (role === 'writer') !== (values.path !== undefined)
  ) {
    throw new Error(
      'usage: main.js --role nn|snn|dn --home <lab home> --id <process id>, or --role writer … --path <HDFS file>',
    );
  }
  const profiler = await maybeStartProfiler(id);
  await maybeCollectOnSignal();
  let daemon: Stoppable | undefined;
  let stopping = false;
  const stop = (why: string): void => {
    if (stopping || !daemon) return;
    stopping = true;
    console.log(`${id}: ${why}, shutting down`);
    daemon
      .stop()
      .then(() => profiler?.())
      .then(() => process.exit(0))
      .catch((err: unknown) => {
        console.error(`${id}: error during shutdown: ${(err as Error).stack ?? String(err)}`);
        process.exit(1);
      });
  };
  if (role === 'nn') {
    const { runNameNode } = await import('./namenode-process.js');
    daemon = await runNameNode({ home, id });
  } else if (role === 'dn') {
    const { runDataNode } = await import('./datanode-process.js');
    // DataNode.secureMain: once no block pool service is left, "Exiting Datanode" with status 0.
    daemon = await runDataNode({
      home,
      id,
      onNoServiceLeft: () => stop('Exiting Datanode'),
      onShutdownRequested: (reason) => stop(reason),
    });
  } else if (role === 'writer') {
    const { runLeaseHolder } = await import('./lease-holder-process.js');
    daemon = await runLeaseHolder({ home, id, path: values.path! });
  } else {
    const { runSecondaryNameNode } = await import('./secondary-process.js');
    daemon = await runSecondaryNameNode({ home, id });
  }
  process.on('SIGTERM', () => stop('received SIGTERM'));
  process.on('SIGINT', () => stop('received SIGINT'));
}

/**
 * LAB_CPU_PROF_DIR=<dir>: profile this daemon with the inspector and write <id>.cpuprofile there
 * on a clean stop (Node refuses --cpu-prof in NODE_OPTIONS). For finding where time goes.
 */
async function maybeStartProfiler(id: string): Promise<(() => Promise<void>) | null> {
  const dir = process.env.LAB_CPU_PROF_DIR;
  if (!dir) return null;
  const inspector = await import('node:inspector');
  const fs = await import('node:fs');
  const path = await import('node:path');
  const session = new inspector.Session();
  session.connect();
  const post = (method: string, params?: object): Promise<unknown> =>
    new Promise((resolve, reject) =>
      session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result))),
    );
  await post('Profiler.enable');
  await post('Profiler.start');
  return async () => {
    const { profile } = (await post('Profiler.stop')) as { profile: unknown };
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${id}.cpuprofile`), JSON.stringify(profile));
  };
}

/**
 * LAB_GC_ON_SIGUSR2=1: a full garbage collection on SIGUSR2. The all-ports fuzz (test/stress/
 * port-fuzz.ts) asks for one before it reads each daemon's resident memory, so what it compares
 * is memory still held, not garbage V8 has not yet had a reason to collect. Off otherwise.
 */
async function maybeCollectOnSignal(): Promise<void> {
  if (process.env.LAB_GC_ON_SIGUSR2 !== '1') return;
  const v8 = await import('node:v8');
  const vm = await import('node:vm');
  v8.setFlagsFromString('--expose-gc');
  const gc = vm.runInNewContext('gc') as () => void;
  process.on('SIGUSR2', () => gc());
}

main().catch((err: unknown) => {
  console.error(`FATAL: ${(err as Error).stack ?? String(err)}`);
  process.exit(1);
});
