/**
 * A full block report's replicas that are not finalized, as BlockManager.processReportedBlock
 * judges them (checkReplicaCorrupt, isBlockUnderConstruction), and which replicas a block recovery
 * then keeps (BlockRecoveryWorker.syncBlock): an RWR replica is one a restarted DataNode found in
 * its rbw/ directory. Expected texts are checkReplicaCorrupt's.
 */
import { describe, expect, it } from 'vitest';
import { BlockManager } from '../../cluster/namenode/block-manager.js';
import { requestChecker } from '../../cluster/namenode/request-checks.js';

const BLOCK = 1073741825;
const written = { blockId: BLOCK, genStamp: 1001, numBytes: 4096 };

function beingWritten(pipeline = ['dn1']): BlockManager {
  const blocks = new BlockManager(1);
  blocks.addUnderConstruction({ ...written, numBytes: 0 }, pipeline.length, pipeline);
  return blocks;
}

function complete(): BlockManager {
  const blocks = beingWritten(['dn1', 'dn2']);
  blocks.received('dn2', written, 'RECEIVED');
  blocks.commit(written);
  expect(blocks.isComplete(BLOCK)).toBe(true);
  return blocks;
}

describe('RBW and RWR replicas in a full block report', () => {
  it('pass the NameNode request checks with their state; a state that names none is refused', () => {
    const { check } = requestChecker({ bytesPerChecksum: 512 });
    const registration = {
      datanode: {
        name: 'dn1',
        datanodeUuid: 'u',
        storageId: 'DS-1',
        ipAddr: '127.0.0.1',
        hostName: 'h',
        xferPort: 1,
        infoPort: 2,
        ipcPort: 3,
      },
      storageInfo: { layoutVersion: -57, namespaceId: 1, clusterId: 'CID-1', cTime: 0 },
      softwareVersion: '3.3.6',
    };
    const report = (blocks: unknown[]): unknown => ({
      registration,
      poolId: 'BP-1',
      storageId: 'DS-1',
      blocks,
      leaseId: 0,
      reportId: 1,
    });
    expect(() =>
      check(
        'blockReport',
        report([
          [BLOCK, 2048, 1001],
          [BLOCK + 1, 10, 1001, 'RWR'],
        ]),
      ),
    ).not.toThrow();
    expect(() => check('blockReport', report([[BLOCK, 2048, 1001, 'LOST']]))).toThrow(
      /blocks\[0\] has a state that is not RBW, RWR, RUR, TEMPORARY/,
    );
  });

  it('of a block being written: joins its under-construction list with the state reported', () => {
    const blocks = beingWritten(['dn1']);
    expect(blocks.processReport('dn3', [[BLOCK, 2048, 1001, 'RWR']])).toEqual([
      { kind: 'added', block: { blockId: BLOCK, numBytes: 2048, genStamp: 1001 }, datanode: 'dn3' },
    ]);
    const info = blocks.get(BLOCK);
    expect(info?.expectedLocations).toEqual(['dn1', 'dn3']);
    expect(info?.replicas.get('dn3')?.state).toBe('RWR');
    expect(info && blocks.liveReplicas(info, () => true)).toEqual([]); // not readable
  });

  it('of a block being written, under an older stamp: stale, deleted under that stamp', () => {
    const blocks = beingWritten(['dn1']);
    blocks.updateGenStamp(BLOCK, 1002, 0, ['dn1']);
    const stale = { blockId: BLOCK, numBytes: 2048, genStamp: 1001 };
    expect(blocks.processReport('dn3', [[BLOCK, 2048, 1001, 'RWR']])).toEqual([
      {
        kind: 'invalidate',
        block: stale,
        datanode: 'dn3',
        reason:
          "reported RWR replica with genstamp 1001 does not match Stored block's genstamp in block map 1002",
      },
    ]);
    expect(blocks.takeInvalidates('dn3', 10)).toEqual([stale]);
  });

  it('of a COMPLETE block: RBW under its stamp is a late report (ignored), RWR is corrupt', () => {
    const blocks = complete();
    expect(blocks.processReport('dn1', [[BLOCK, 4096, 1001, 'RBW']])).toEqual([]);
    expect(blocks.processReport('dn1', [[BLOCK, 4096, 1001, 'RWR']])).toEqual([
      { kind: 'corrupt', block: written, datanode: 'dn1', reason: 'reported replica has invalid state RWR' },
    ]);
    expect(blocks.get(BLOCK)?.corrupt.get('dn1')).toBe('reported replica has invalid state RWR');
  });

  it("of a COMPLETE block under another stamp: GENSTAMP_MISMATCH, deleted under the replica's stamp", () => {
    const blocks = complete();
    const old = { blockId: BLOCK, numBytes: 512, genStamp: 1000 };
    expect(blocks.processReport('dn1', [[BLOCK, 512, 1000, 'RWR']])).toEqual([
      {
        kind: 'invalidate',
        block: old,
        datanode: 'dn1',
        reason:
          "reported RWR replica with genstamp 1000 does not match COMPLETE block's genstamp in block map 1001",
      },
    ]);
    expect(blocks.takeInvalidates('dn1', 10)).toEqual([old]);
  });

  it('RUR and TEMPORARY are never reported: such a replica is corrupt', () => {
    const blocks = complete();
    const [change] = blocks.processReport('dn1', [[BLOCK, 4096, 1001, 'TEMPORARY']]);
    expect(change?.kind).toBe('corrupt');
    expect(change?.reason).toBe(
      'Unexpected replica state TEMPORARY for block: blk_1073741825_1001 on dn1 size 4096',
    );
  });

  it('an RWR replica leaves the block when it completes without it', () => {
    const blocks = beingWritten(['dn1', 'dn2']);
    blocks.processReport('dn1', [[BLOCK, 2048, 1001, 'RWR']]);
    blocks.received('dn2', written, 'RECEIVED');
    blocks.commit(written);
    expect([...(blocks.get(BLOCK)?.replicas.keys() ?? [])]).toEqual(['dn2']);
  });
});
