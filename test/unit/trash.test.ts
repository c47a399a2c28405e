/**
 * HDFS's trash in the NameNode core: a move to the trash is rename2 with TO_TRASH (logged as
 * OP_RENAME, OPTIONS TO_TRASH), and the emptier (TrashPolicyDefault.Emptier) checkpoints Current
 * under a yyMMddHHmmss name and deletes checkpoints older than fs.trash.interval.
 */
import { describe, expect, it } from 'vitest';
import {
  checkpointName,
  checkpointTime,
  containsTrash,
  emptierIntervalMs,
  isInTrash,
  nextEmptierRunMs,
  trashPathFor,
} from '../../cluster/common/trash.js';
import { SUPERUSER, testCore } from './namenode-test-core.js';

describe('trash names (TrashPolicyDefault)', () => {
  it('puts a path under Current with its absolute path kept', () => {
    expect(trashPathFor('alice', '/user/alice/a.txt')).toBe('/user/alice/.Trash/Current/user/alice/a.txt');
    expect(trashPathFor('alice', '/data/x')).toBe('/user/alice/.Trash/Current/data/x');
  });

  it('knows what is already in the trash and what contains it', () => {
    expect(isInTrash('alice', '/user/alice/.Trash/Current/f')).toBe(true);
    expect(isInTrash('alice', '/user/alice/.Trashy')).toBe(false);
    expect(containsTrash('alice', '/user')).toBe(true);
    expect(containsTrash('alice', '/user/alice')).toBe(true);
    expect(containsTrash('alice', '/user/alice/data')).toBe(false);
    expect(containsTrash('alice', '/us')).toBe(false);
  });

  it('names checkpoints yyMMddHHmmss and reads them back (also the old yyMMddHHmm form)', () => {
    const ms = Date.UTC(2026, 11, 2, 9, 5, 7);
    expect(checkpointName(ms)).toBe('261202090507');
    expect(checkpointTime('261202090507', ms)).toBe(ms);
    expect(checkpointTime('261202090507-1', ms)).toBe(ms);
    expect(checkpointTime('2612020905', ms)).toBe(Date.UTC(2026, 11, 2, 9, 5, 0));
    expect(checkpointTime('Current', ms)).toBeNull();
    // SimpleDateFormat's two-digit year: the century starting 80 years before now.
    expect(checkpointTime('450101000000', ms)).toBe(Date.UTC(2045, 0, 1));
    expect(checkpointTime('460101000000', ms)).toBe(Date.UTC(1946, 0, 1));
    expect(checkpointTime('700101000006', 18_000)).toBe(6_000);
  });

  it('uses the deletion interval when the checkpoint interval is 0 or larger (Emptier)', () => {
    expect(emptierIntervalMs({ deletionMs: 60_000, checkpointMs: 0 })).toBe(60_000);
    expect(emptierIntervalMs({ deletionMs: 60_000, checkpointMs: 120_000 })).toBe(60_000);
    expect(emptierIntervalMs({ deletionMs: 60_000, checkpointMs: 30_000 })).toBe(30_000);
    expect(nextEmptierRunMs(61_000, 30_000)).toBe(90_000);
  });
});

describe('trash in the NameNode core', () => {
  function coreWithFile(conf: Record<string, string> = {}) {
    const { core, as } = testCore({ conf: { 'fs.trash.interval': '1', ...conf } });
    const ctx = as(SUPERUSER);
    core.call('mkdirs', { src: '/user/hdfs', permission: 0o755, createParent: true }, ctx);
    core.call('mkdirs', { src: '/data/f', permission: 0o755, createParent: true }, ctx);
    core.call(
      'mkdirs',
      { src: '/user/hdfs/.Trash/Current/data', permission: 0o700, createParent: true },
      ctx,
    );
    return { core, ctx };
  }

  it('offers fs.trash.interval in whole minutes through getServerDefaults', () => {
    const { core, as } = testCore({ conf: { 'fs.trash.interval': '1440' } });
    expect(core.call('getServerDefaults', {}, as(SUPERUSER)).result.trashIntervalMinutes).toBe(1440);
  });

  it('logs a move to the trash as OP_RENAME with OPTIONS TO_TRASH', () => {
    const { core, ctx } = coreWithFile();
    const out = core.call(
      'rename2',
      { src: '/data/f', dst: '/user/hdfs/.Trash/Current/data/f', overwrite: false, toTrash: true },
      ctx,
    );
    expect(out.ops).toMatchObject([
      { op: 'OP_RENAME', src: '/data/f', dst: '/user/hdfs/.Trash/Current/data/f', options: ['TO_TRASH'] },
    ]);
    expect(core.namespace.resolve('/data/f')).toBeNull();
    expect(core.namespace.resolve('/user/hdfs/.Trash/Current/data/f')?.kind).toBe('DIRECTORY');
  });

  it('checkpoints Current at the next interval boundary, then deletes the checkpoint a deletion interval later', () => {
    const { core } = coreWithFile();
    const start = Date.UTC(2026, 11, 2, 9, 0, 10);
    expect(core.emptyTrash(start).ops).toEqual([]); // schedules the first pass at 09:01:00
    expect(core.emptyTrash(start + 30_000).ops).toEqual([]);
    const firstPass = Date.UTC(2026, 11, 2, 9, 1, 0);
    const out = core.emptyTrash(firstPass);
    expect(out.ops).toMatchObject([
      {
        op: 'OP_RENAME',
        src: '/user/hdfs/.Trash/Current',
        dst: '/user/hdfs/.Trash/261202090100',
        options: ['NONE'],
      },
    ]);
    expect(out.events).toContainEqual({
      type: 'log',
      level: 'info',
      text: 'Created trash checkpoint: /user/hdfs/.Trash/261202090100',
    });
    // At 09:02:00 the checkpoint is exactly one interval old: kept ("now - interval > time" is false).
    expect(core.emptyTrash(Date.UTC(2026, 11, 2, 9, 2, 0)).ops).toEqual([]);
    const later = core.emptyTrash(Date.UTC(2026, 11, 2, 9, 3, 0));
    expect(later.ops).toMatchObject([{ op: 'OP_DELETE', path: '/user/hdfs/.Trash/261202090100' }]);
    expect(core.namespace.resolve('/data/f')).not.toBeNull();
  });

  it('does nothing when fs.trash.interval is 0', () => {
    const { core } = coreWithFile({ 'fs.trash.interval': '0' });
    expect(core.emptyTrash(0).ops).toEqual([]);
    expect(core.emptyTrash(10 * 60_000).ops).toEqual([]);
    expect(core.namespace.resolve('/user/hdfs/.Trash/Current')).not.toBeNull();
  });
});
