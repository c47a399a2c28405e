/**
 * The NameNode calls that work on the name directory (dfsadmin -rollEdits and -saveNamespace, the
 * Secondary's rollEditLog and getEditLogManifest) are decided by the core, with FSNamesystem's
 * checks and messages, and only the file work is left to the runtime. The refusals (superuser,
 * safe mode) are in testdata/namenode-core/safemode.txt; these check what the runtime's work
 * turns into (storageDone).
 */
import { describe, expect, it } from 'vitest';
import { finalizedSegments } from '../../cluster/namenode/namenode.js';
import { SUPERUSER, testCore } from './namenode-test-core.js';

describe('storage calls decided by the NameNode core', () => {
  it('saves the namespace only in safe mode (FSNamesystem#saveNamespace)', () => {
    const { core, as } = testCore();
    expect(() => core.call('saveNamespace', {}, as(SUPERUSER))).toThrow(
      'Safe mode should be turned ON in order to create namespace image.',
    );
    core.call('setSafeMode', { action: 'SAFEMODE_ENTER' }, as(SUPERUSER));
    const out = core.call('saveNamespace', {}, as(SUPERUSER));
    expect(out.storage).toEqual({ kind: 'save' });
    expect(core.storageDone('saveNamespace', {}, { kind: 'save', imageTxid: 41, nowMs: 5_000 })).toEqual({
      txid: 41,
    });
    expect(core.lastCheckpoint).toEqual({ txid: 41, ms: 5_000 });
  });

  it('rolls for dfsadmin in safe mode but not for the Secondary ("Log not rolled")', () => {
    const { core, as } = testCore();
    core.call('setSafeMode', { action: 'SAFEMODE_ENTER' }, as(SUPERUSER));
    expect(core.call('rollEdits', {}, as(SUPERUSER)).storage).toEqual({ kind: 'roll' });
    expect(() => core.call('rollEditLog', {}, as(SUPERUSER))).toThrow(
      /^Log not rolled\. Name node is in safe mode\.\n/,
    );
    core.call('setSafeMode', { action: 'SAFEMODE_LEAVE' }, as(SUPERUSER));
    expect(core.call('rollEditLog', {}, as(SUPERUSER)).storage).toEqual({ kind: 'roll' });
    const answer = core.storageDone('rollEditLog', {}, { kind: 'roll', nextTxid: 7 });
    expect(answer.signature).toMatchObject({ curSegmentTxid: 7, mostRecentCheckpointTxid: 0 });
    expect(answer.signature.blockPoolId).toMatch(/^BP-/);
  });

  it('lists finalized segments from sinceTxid on, oldest first, without the in-progress one', () => {
    const names = [
      'edits_0000000000000000011-0000000000000000020',
      'edits_inprogress_0000000000000000021',
      'edits_0000000000000000001-0000000000000000010',
      'fsimage_0000000000000000010',
      'seen_txid',
    ];
    expect(finalizedSegments(names, 12)).toEqual([{ startTxid: 11, endTxid: 20, isInProgress: false }]);
    expect(finalizedSegments(names, 1).map((s) => s.startTxid)).toEqual([1, 11]);
  });
});
