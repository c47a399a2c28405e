/**
 * The BlockMap through a block recovery whose DataNode reports arrive out of step: the RECEIVING
 * a DataNode queued when the write began can reach the NameNode after the recovery's new
 * generation stamp, even after that DataNode's recovered replica (one heartbeat carries both the
 * DNA_RECOVERBLOCK and the stale report). The recovered replica must stay where readers find it.
 */
import { describe, expect, it } from 'vitest';
import { BlockManager } from '../../cluster/namenode/block-manager.js';

const BLOCK = 1073741825;
const old = { blockId: BLOCK, genStamp: 1001, numBytes: 0 };
const recovered = { blockId: BLOCK, genStamp: 1002, numBytes: 64_512 };

function recovering(): BlockManager {
  const blocks = new BlockManager(1);
  blocks.addUnderConstruction(old, 2, ['dn1', 'dn3']);
  blocks.updateGenStamp(BLOCK, recovered.genStamp, 0, ['dn1', 'dn3']);
  return blocks;
}

const live = (blocks: BlockManager): string[] => {
  const info = blocks.get(BLOCK);
  return info ? blocks.liveReplicas(info, () => true) : [];
};

describe('a stale report during block recovery', () => {
  it('keeps a recovered replica when the RECEIVING of the old stamp arrives after it', () => {
    const blocks = recovering();
    blocks.received('dn1', recovered, 'RECEIVED');
    blocks.received('dn3', recovered, 'RECEIVED');
    blocks.commit(recovered);
    expect(blocks.isComplete(BLOCK)).toBe(true);

    const changes = blocks.received('dn1', old, 'RECEIVING');
    // The old replica is still to be deleted (the DataNode deletes only that stamp)...
    expect(changes).toEqual([
      { kind: 'invalidate', block: old, datanode: 'dn1', reason: 'generation stamp 1001 is older than 1002' },
    ]);
    expect(blocks.takeInvalidates('dn1', 10)).toEqual([old]);
    // ...and the recovered one stays a location.
    expect(live(blocks)).toEqual(['dn1', 'dn3']);
  });

  it('drops the map entry of a stale replica it does not know under a newer stamp', () => {
    const blocks = recovering();
    blocks.received('dn1', old, 'RECEIVING');
    expect(blocks.get(BLOCK)?.replicas.has('dn1')).toBe(false);
    expect(blocks.takeInvalidates('dn1', 10)).toEqual([old]);
  });

  it('ignores a DELETED of the old stamp for a DataNode that holds the recovered replica', () => {
    const blocks = recovering();
    blocks.received('dn1', recovered, 'RECEIVED');
    blocks.commit(recovered);
    expect(blocks.received('dn1', old, 'DELETED')).toEqual([]);
    expect(live(blocks)).toEqual(['dn1']);
    expect(blocks.received('dn1', recovered, 'DELETED')).toEqual([
      { kind: 'removed', block: recovered, datanode: 'dn1' },
    ]);
    expect(live(blocks)).toEqual([]);
  });
});
