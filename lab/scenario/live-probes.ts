/**
 * Probes of a live cluster for the `expect` step and the `fsck-healthy` condition. Every probe of
 * the exercise vocabulary is answered by lab/checks/live-probes.ts — one implementation for
 * exercises, `lab grade` and scenarios. A scenario adds one probe of its own, `journal.lines`: the
 * journal since the scenario began, as describe() prints it (`nn: dn3 dead (last heartbeat
 * 11.0 s ago)`), so a scenario can expect a described line with `matches` or its absence with
 * `notMatches`.
 */
import { homePaths } from '../../cluster/home/description.js';
import { describeRecord } from '../../cluster/protocol/describe.js';
import { readJournal } from '../../cluster/transport/journal.js';
import { liveProbes } from '../checks/registry.js';
import type { ProbeOutcome } from '../checks/probes.js';
import { isProbeName, PROBE_NAMES } from '../checks/registry.js';

/** The probes only a scenario answers (the exercise vocabulary is lab/checks/registry.ts). */
export const SCENARIO_PROBES = ['journal.lines'] as const;

export interface LiveProbeContext {
  home: string;
  /** `journal.lines` leaves out records before this instant (the scenario's start). */
  sinceMs: number;
}

type Args = Record<string, unknown>;

function journalLines(ctx: LiveProbeContext, args: Args): ProbeOutcome<unknown> {
  const proc = typeof args.proc === 'string' ? args.proc : undefined;
  const unknown = Object.keys(args).filter((k) => k !== 'proc');
  if (unknown.length > 0)
    return { status: 'error', message: `probe journal.lines takes only proc (not ${unknown.join(', ')})` };
  const lines = readJournal(homePaths(ctx.home).journal, { sinceMs: ctx.sinceMs })
    .filter((r) => r.k === 'event' || r.dir === 'send')
    .filter((r) => proc === undefined || r.proc === proc)
    .map((r) => describeRecord(r));
  return { status: 'ok', value: lines.join('\n') };
}

/** Runs one probe: the exercise vocabulary's live implementation, or journal.lines. */
export async function runLiveProbe(
  ctx: LiveProbeContext,
  name: string,
  args: Args,
): Promise<ProbeOutcome<unknown>> {
  if (name === 'journal.lines') return journalLines(ctx, args);
  if (!isProbeName(name)) {
    const known = [...PROBE_NAMES, ...SCENARIO_PROBES].join(', ');
    return { status: 'error', message: `there is no probe ${name}; the probes are ${known}` };
  }
  return liveProbes(ctx.home).run(name, args as never);
}
