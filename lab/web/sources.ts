/**
 * What the learning pages read from the lab home, and nothing else: the journal (through
 * transport/journal-reader.ts), the cluster description, and the exercise progress (through the
 * exercise store — this is the one module of lab/web that knows where progress lives). Reads only:
 * a viewer never moves or rewrites a file.
 */
import fs from 'node:fs';
import { homePaths, type ClusterDescription } from '../../cluster/home/description.js';
import { readDescription } from '../../cluster/home/home.js';
import { readNamenodeHttpAddress } from '../../cluster/home/http-address.js';
import type { JournalRecord } from '../../cluster/protocol/journal-types.js';
import { listSegments } from '../../cluster/transport/journal-segments.js';
import { readJournal } from '../../cluster/transport/journal.js';
import type { Progress } from '../runner/progress.js';
import { loadCatalog } from '../runner/catalog.js';
import { PLAIN, renderProgress } from '../runner/render.js';
import { exercisePaths, readProgress } from '../runner/store.js';

function mtimeMs(file: string): number {
  return fs.statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0;
}

/** A fingerprint of the journal: its segments and their sizes (appends change it, a read does not). */
function journalStamp(home: string): string {
  const segments = listSegments(homePaths(home).journal);
  return `${segments.length}/${segments.reduce((sum, s) => sum + s.bytes, 0)}`;
}

/**
 * A fingerprint of everything the pages show: when it changes, an open page asks for its content
 * again. A few stat calls, cheap enough to take every second.
 */
export function changeStamp(home: string): string {
  const paths = homePaths(home);
  return `${journalStamp(home)} ${mtimeMs(exercisePaths(home).progress)} ${mtimeMs(paths.description)}`;
}

export interface LabWebSources {
  home: string;
  /** The journal's records, read again only when the journal changed since the last read. */
  journal(): JournalRecord[];
  description(): ClusterDescription | undefined;
  /** The NameNode web UI's address, for the link back, while the NameNode publishes one. */
  namenodeHttpAddress(): string | undefined;
  /** The saved progress and what `lab progress` prints for it (the built-in packs' points). */
  progress(): ProgressView;
}

export interface ProgressView {
  progress: Progress;
  /** `lab progress`'s text, uncoloured. */
  summary: string;
  /** Why progress.json could not be read, if it could not. */
  problem?: string;
}

function readProgressView(home: string, builtinDir: string | undefined): ProgressView {
  const read = readProgress(home);
  // Packs are rendered with the student's seed, as `lab progress` renders them.
  const catalog = loadCatalog({
    seedOf: (packId) => read.progress.packs[packId]?.seed,
    ...(builtinDir !== undefined ? { builtinDir } : {}),
  });
  const summary = renderProgress(catalog.packs, read.progress, PLAIN);
  return { ...read, summary };
}

/** `builtinDir`: where the packs `lab progress` counts points of are (default: the shipped ones). */
export function labWebSources(home: string, builtinDir?: string): LabWebSources {
  let cached: { stamp: string; records: JournalRecord[] } | undefined;
  let progressCached: { stamp: number; view: ProgressView } | undefined;
  return {
    home,
    journal() {
      const stamp = journalStamp(home);
      if (cached?.stamp !== stamp) cached = { stamp, records: readJournal(homePaths(home).journal) };
      return cached.records;
    },
    description: () => readDescription(home),
    namenodeHttpAddress() {
      const description = readDescription(home);
      return description ? readNamenodeHttpAddress(home, description) : undefined;
    },
    progress() {
      const stamp = mtimeMs(exercisePaths(home).progress);
      if (progressCached?.stamp !== stamp)
        progressCached = { stamp, view: readProgressView(home, builtinDir) };
      return progressCached.view;
    },
  };
}
