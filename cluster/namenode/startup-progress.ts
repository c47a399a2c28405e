/**
 * StartupProgress: the phases a NameNode goes through when it starts, with a counter per step,
 * as HDFS records them (startupprogress/Phase, StepType, StartupProgressView) and
 * StartupProgressServlet serves them at `/startupProgress`:
 *   LoadingFsImage   the fsimage file and its size; step Inodes counts the inodes loaded.
 *   LoadingEdits     one step per edit-log segment (its file and size), counting the
 *                    transactions applied out of the segment's total.
 *   SavingCheckpoint begun and ended at once when the start saves no image (FSNamesystem does so).
 *   SafeMode         step AwaitingReportedBlocks: total is the complete blocks at entry, count the
 *                    blocks that reached their minimum replication while the phase ran.
 * A core: times come in as arguments (ms on any monotonic clock).
 */

export const PHASES = [
  { name: 'LoadingFsImage', desc: 'Loading fsimage' },
  { name: 'LoadingEdits', desc: 'Loading edits' },
  { name: 'SavingCheckpoint', desc: 'Saving checkpoint' },
  { name: 'SafeMode', desc: 'Safe mode' },
] as const;

export type PhaseName = (typeof PHASES)[number]['name'];

/** StepType: the named kinds of step (an edit-log segment's step has a file instead). */
export const STEP_TYPES = {
  AwaitingReportedBlocks: 'awaiting reported blocks',
  Inodes: 'inodes',
} as const;

export type StepTypeName = keyof typeof STEP_TYPES;

/** A step: a named type, or a file with its size (an edit-log segment). */
export type StepKey = { type: StepTypeName } | { file: string; size: number };

interface Tracking {
  beginMs?: number;
  endMs?: number;
}

interface StepTracking extends Tracking {
  key: StepKey;
  count: number;
  total?: number;
}

interface PhaseTracking extends Tracking {
  file?: string;
  size?: number;
  steps: StepTracking[];
}

export interface StepView {
  name?: string;
  desc?: string;
  count: number;
  file?: string;
  size?: number;
  total: number;
  percentComplete: number;
  elapsedTime: number;
}

export interface PhaseView {
  name: PhaseName;
  desc: string;
  status: 'PENDING' | 'RUNNING' | 'COMPLETE';
  percentComplete: number;
  elapsedTime: number;
  file?: string;
  size?: number;
  steps: StepView[];
}

export interface StartupProgressView {
  elapsedTime: number;
  percentComplete: number;
  phases: PhaseView[];
}

const bounded = (p: number): number => Math.max(0, Math.min(1, p));

/** Step's order (Step.compareTo): by type, then file, then size; typed steps first. */
function compareSteps(a: StepKey, b: StepKey): number {
  const ka = 'type' in a ? `0${a.type}` : `1${a.file}\u0000${String(a.size).padStart(20, '0')}`;
  const kb = 'type' in b ? `0${b.type}` : `1${b.file}\u0000${String(b.size).padStart(20, '0')}`;
  return ka < kb ? -1 : ka > kb ? 1 : 0;
}

function sameStep(a: StepKey, b: StepKey): boolean {
  return 'type' in a ? 'type' in b && a.type === b.type : 'file' in b && a.file === b.file;
}

export class StartupProgress {
  private readonly phases = new Map<PhaseName, PhaseTracking>(PHASES.map((p) => [p.name, { steps: [] }]));

  beginPhase(phase: PhaseName, nowMs: number, file?: { file: string; size: number }): void {
    const t = this.phase(phase);
    if (t.beginMs !== undefined) return;
    t.beginMs = nowMs;
    if (file) {
      t.file = file.file;
      t.size = file.size;
    }
  }

  endPhase(phase: PhaseName, nowMs: number): void {
    const t = this.phase(phase);
    if (t.beginMs === undefined || t.endMs !== undefined) return;
    for (const s of t.steps) if (s.endMs === undefined) s.endMs = nowMs;
    t.endMs = nowMs;
  }

  isComplete(phase: PhaseName): boolean {
    return this.phase(phase).endMs !== undefined;
  }

  beginStep(phase: PhaseName, key: StepKey, nowMs: number, total?: number): void {
    const s = this.step(phase, key);
    s.beginMs ??= nowMs;
    if (total !== undefined) s.total = total;
  }

  setTotal(phase: PhaseName, key: StepKey, total: number): void {
    this.step(phase, key).total = total;
  }

  /** Sets a step's counter; ignored once its phase is complete (the view is then frozen). */
  setCount(phase: PhaseName, key: StepKey, count: number): void {
    if (this.isComplete(phase)) return;
    this.step(phase, key).count = count;
  }

  endStep(phase: PhaseName, key: StepKey, nowMs: number): void {
    this.step(phase, key).endMs ??= nowMs;
  }

  /** StartupProgressView as StartupProgressServlet writes it. */
  view(nowMs: number): StartupProgressView {
    const elapsed = (begin?: number, end?: number): number =>
      begin === undefined ? 0 : Math.max(0, (end ?? nowMs) - begin);
    const phases = PHASES.map((p): PhaseView => {
      const t = this.phase(p.name);
      const status = t.beginMs === undefined ? 'PENDING' : t.endMs === undefined ? 'RUNNING' : 'COMPLETE';
      const steps = [...t.steps].sort((a, b) => compareSteps(a.key, b.key));
      const total = steps.reduce((sum, s) => sum + (s.total ?? 0), 0);
      const count = steps.reduce((sum, s) => sum + s.count, 0);
      const stepPercent = (s: StepTracking): number =>
        status === 'COMPLETE' ? 1 : (s.total ?? 0) > 0 ? bounded(s.count / (s.total ?? 1)) : 0;
      return {
        name: p.name,
        desc: p.desc,
        status,
        percentComplete: status === 'COMPLETE' ? 1 : total > 0 ? bounded(count / total) : 0,
        elapsedTime: elapsed(t.beginMs, t.endMs),
        ...(t.file !== undefined ? { file: t.file } : {}),
        ...(t.size !== undefined ? { size: t.size } : {}),
        steps: steps.map((s) => ({
          ...('type' in s.key ? { name: s.key.type, desc: STEP_TYPES[s.key.type] } : {}),
          count: s.count,
          ...('file' in s.key ? { file: s.key.file, size: s.key.size } : {}),
          total: s.total ?? 0,
          percentComplete: stepPercent(s),
          elapsedTime: elapsed(s.beginMs, s.endMs),
        })),
      };
    });
    const first = this.phase('LoadingFsImage');
    const last = this.phase('SafeMode');
    const done = last.endMs !== undefined;
    return {
      elapsedTime: elapsed(first.beginMs, done ? last.endMs : undefined),
      percentComplete: done
        ? 1
        : bounded(phases.reduce((sum, p) => sum + p.percentComplete, 0) / phases.length),
      phases,
    };
  }

  private phase(name: PhaseName): PhaseTracking {
    const t = this.phases.get(name);
    if (!t) throw new Error(`unknown startup phase ${name}`);
    return t;
  }

  private step(phase: PhaseName, key: StepKey): StepTracking {
    const t = this.phase(phase);
    let s = t.steps.find((x) => sameStep(x.key, key));
    if (!s) {
      s = { key, count: 0 };
      t.steps.push(s);
    }
    return s;
  }
}
