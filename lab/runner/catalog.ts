/**
 * Which packs a student can work through: the built-in ones (every folder with a pack.yaml under
 * the lab's own exercises/) and any given with `--pack DIR` (a pack folder, or a folder of packs).
 * Each is loaded and validated; one that does not validate is named with its diagnostics and left
 * out, so a broken pack never hides the others.
 *
 * A pack is loaded as one student sees it (lab/pack/seeded.ts): its parameters chosen and its `{{ … }}`
 * templates rendered with that student's seed — the one their progress or their cluster names,
 * else their user name — so the setup, texts and expected answers are theirs.
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../cluster/common/package-root.js';
import { labUser } from '../../cluster/common/user.js';
import { formatDiagnostic, type Exercise, type Pack } from '../pack/pack.js';
import { loadSeededPack, type SeededPack, type SeededScope } from '../pack/seeded.js';
import { PACK_FILE } from '../pack/validate.js';

export interface CatalogPack {
  dir: string;
  hash: string;
  pack: Pack;
  builtIn: boolean;
  /** The seed the pack's parameters and templates were rendered with. */
  seed: string;
  /** The parameters chosen for that seed (to render an answers file of the pack's solutions). */
  scope?: SeededScope;
}

export interface Catalog {
  packs: CatalogPack[];
  /** Packs that could not be used, one message each (file:line:column: …). */
  problems: string[];
}

/** `<repo>/exercises`: the packs shipped with the lab. */
export function builtinPacksDir(): string {
  return path.join(packageRoot(), 'exercises');
}

/** Pack folders under `dir`: itself if it holds a pack.yaml, else its sub-folders that do. */
export function packDirsIn(dir: string): string[] {
  if (existsSync(path.join(dir, PACK_FILE))) return [dir];
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .sort()
    .map((name) => path.join(dir, name))
    .filter((sub) => existsSync(path.join(sub, PACK_FILE)));
}

/** Loads a pack for the seed `seedOf` gives its id (its parameters depend on it), else `fallback`. */
function loadForSeed(
  dir: string,
  seedOf: (packId: string) => string | undefined,
  fallback: string,
): SeededPack {
  const first = loadSeededPack(dir, fallback);
  const wanted = first.pack === undefined ? undefined : seedOf(first.pack.id);
  return wanted === undefined || wanted === fallback ? first : loadSeededPack(dir, wanted);
}

export function loadCatalog(
  options: {
    extraDirs?: readonly string[];
    builtinDir?: string;
    /** The student's seed for a pack id (saved progress, the running cluster); default their user name. */
    seedOf?: (packId: string) => string | undefined;
  } = {},
): Catalog {
  const fallback = labUser();
  const seedOf = options.seedOf ?? (() => undefined);
  const catalog: Catalog = { packs: [], problems: [] };
  const sources = [
    ...packDirsIn(options.builtinDir ?? builtinPacksDir()).map((dir) => ({ dir, builtIn: true })),
    ...(options.extraDirs ?? []).flatMap((given) => {
      const dirs = packDirsIn(path.resolve(given));
      if (dirs.length === 0) catalog.problems.push(`${given}: no ${PACK_FILE} here or in its folders`);
      return dirs.map((dir) => ({ dir, builtIn: false }));
    }),
  ];
  for (const { dir, builtIn } of sources) {
    const loaded = loadForSeed(dir, seedOf, fallback);
    const errors = loaded.diagnostics.filter((d) => d.severity === 'error');
    if (!loaded.pack || errors.length > 0) {
      catalog.problems.push(
        [`pack ${dir} is not usable:`, ...errors.map((d) => `  ${formatDiagnostic(d, dir)}`)].join('\n'),
      );
      continue;
    }
    const same = catalog.packs.find((p) => p.pack.id === loaded.pack!.id);
    if (same) {
      // A pack given with --pack replaces the built-in one of the same id (an instructor's newer copy).
      if (same.builtIn && !builtIn) catalog.packs.splice(catalog.packs.indexOf(same), 1);
      else {
        catalog.problems.push(`pack ${dir} has the id ${same.pack.id} of ${same.dir}; the first is used`);
        continue;
      }
    }
    catalog.packs.push({
      dir,
      hash: loaded.hash,
      pack: loaded.pack,
      builtIn,
      seed: loaded.seed,
      ...(loaded.scope === undefined ? {} : { scope: loaded.scope }),
    });
  }
  return catalog;
}

export interface FoundExercise {
  entry: CatalogPack;
  exercise: Exercise;
}

/**
 * `upload-blocks` or `hdfs-basics/upload-blocks`. An id in several packs must be given with its
 * pack; an unknown one is answered with the ids that exist.
 */
export function findInCatalog(
  catalog: Catalog,
  id: string,
): { ok: true; found: FoundExercise } | { ok: false; message: string } {
  const [packId, exerciseId] = id.includes('/') ? id.split('/', 2) : [undefined, id];
  const matches = catalog.packs
    .filter((entry) => packId === undefined || entry.pack.id === packId)
    .flatMap((entry) =>
      entry.pack.exercises.filter((e) => e.id === exerciseId).map((exercise) => ({ entry, exercise })),
    );
  if (matches.length === 1) return { ok: true, found: matches[0]! };
  if (matches.length > 1) {
    const names = matches.map((m) => `${m.entry.pack.id}/${m.exercise.id}`).join(', ');
    return { ok: false, message: `${id} is in several packs: ${names}; name one` };
  }
  const known = catalog.packs.flatMap((entry) =>
    entry.pack.exercises.filter((e) => !e.hidden).map((e) => `${entry.pack.id}/${e.id}`),
  );
  const packs = catalog.packs.length === 0 ? ' (no pack found: give one with --pack DIR)' : '';
  return {
    ok: false,
    message: `no exercise ${id}${packs}${known.length > 0 ? `; see \`lab exercises\` (${known.slice(0, 12).join(', ')}${known.length > 12 ? ', …' : ''})` : ''}`,
  };
}
