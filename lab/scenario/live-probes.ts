/**
 * Probes of a live cluster for the `expect` step and the `fsck-healthy` condition. Every probe is
 * answered by lab/checks/registry.ts — one implementation for exercises, `lab grade` and
 * scenarios. A scenario reads `journal.lines` from its own start: the journal as describe()
 * prints it (`nn: dn3 dead (last heartbeat 11.0 s ago)`), so it can expect a described line with
 * `matches` or its absence with `notMatches`.
 */
import type { ProbeOutcome } from '../checks/probes.js';
import { isProbeName, liveProbes, PROBE_NAMES } from '../checks/registry.js';

export interface LiveProbeContext {
  home: string;
  /** `journal.lines` leaves out records before this instant (the scenario's start). */
  sinceMs: number;
}

/** Runs one probe of the registry on the scenario's cluster. */
export async function runLiveProbe(
  ctx: LiveProbeContext,
  name: string,
  args: Record<string, unknown>,
): Promise<ProbeOutcome<unknown>> {
  if (!isProbeName(name))
    return {
      status: 'error',
      message: `there is no probe ${name}; the probes are ${PROBE_NAMES.join(', ')}`,
    };
  return liveProbes(ctx.home, { sinceMs: ctx.sinceMs }).run(name, args as never);
}
