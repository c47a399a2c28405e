/**
 * The NameNode's timers. The decisions are the core's; here they are run on a clock, their events
 * journaled and logged, their ops written to the edit log like an RPC's:
 * - the monitor tick: liveness (stale, dead), safe mode, the redundancy monitor;
 * - NameNodeResourceMonitor (dfs.namenode.resource.check.interval): safe mode before the name
 *   directory's volume fills up;
 * - LeaseManager.Monitor (dfs.namenode.lease-recheck-interval-ms): expired leases recovered;
 * - TrashPolicyDefault.Emptier: the core decides when a pass is due, checked with the monitor tick.
 */
import type { LabConfig } from '../config/config.js';
import type { CoreOutput, NameNodeCore } from '../namenode/namenode.js';
import type { Journal } from '../transport/journal.js';
import type { NameNodeEdits } from './namenode-edits.js';
import { journalEvents } from './namenode-rpc.js';
import { hasResourcesAvailable } from './resource-checker.js';

/** How often the NameNode's monitors run (liveness, safe mode, redundancy); each has its own interval inside. */
const MONITOR_TICK_MS = 200;

/** NameNodeResourceMonitor's check: enters safe mode (once) when the name directory's volume is low. */
export function resourceCheck(opts: {
  core: NameNodeCore;
  nameDir: string;
  config: LabConfig;
  journal: Journal;
}): () => void {
  const { core, nameDir, journal } = opts;
  const reservedBytes = opts.config.bytes('dfs.namenode.resource.du.reserved');
  return () => {
    if (core.safemode.isResourcesLow() || hasResourcesAvailable(nameDir, reservedBytes)) return;
    core.safemode.enterForLowResources();
    const text = 'NameNode low on available disk space. Entering safe mode.';
    console.warn(text);
    journal.event({ type: 'log', level: 'warn', text });
    journal.event({ type: 'safemode', on: true, tip: core.safeModeStatus(Date.now()).tip });
  };
}

/** Starts every monitor; `stop` clears their timers. */
export function startMonitors(opts: {
  core: NameNodeCore;
  edits: NameNodeEdits;
  config: LabConfig;
  journal: Journal;
  checkResources: () => void;
}): { stop(): void } {
  const { core, edits, config, journal, checkResources } = opts;
  /** A pass that may log ops (lease recovery, trash): its events journaled (and its log lines printed), its ops made durable. */
  const runPass = (name: string, out: CoreOutput<null>): void => {
    journalEvents(journal, out.events);
    edits.log(out.ops).catch((err: unknown) => console.error(`${name}: ${(err as Error).message}`));
  };
  const timers = [
    setInterval(() => {
      const events = core.tick(Date.now());
      journalEvents(journal, events);
      for (const e of events) {
        if (e.type === 'safemode' && !e.on) console.log('STATE* Safe mode is OFF');
        if (e.type === 'datanode-dead')
          console.log(`BLOCK* removeDeadDatanode: lost heartbeat from ${e.datanode}`);
      }
    }, MONITOR_TICK_MS),
    setInterval(checkResources, config.ms('dfs.namenode.resource.check.interval')),
    setInterval(
      () => runPass('lease monitor', core.checkLeases(Date.now())),
      config.ms('dfs.namenode.lease-recheck-interval-ms'),
    ),
    setInterval(() => runPass('trash emptier', core.emptyTrash(Date.now())), MONITOR_TICK_MS),
  ];
  checkResources();
  return {
    stop: () => {
      for (const timer of timers) clearInterval(timer);
    },
  };
}
