/**
 * block.copyRacks on a scripted journal: the racks a re-replicated block was on once its copy was
 * finalized — survivors and the copy, without the dead DataNode — and not what its return changes.
 */
import { describe, expect, it } from 'vitest';
import { copiesWithRacks } from '../../lab/checks/live-probes.js';
import type { JournalRecord } from '../../cluster/protocol/journal-types.js';
import type { StateEvent } from '../../cluster/protocol/messages.js';

const RACKS = new Map([
  ['dn1', '/dc1/rack1'],
  ['dn2', '/dc1/rack1'],
  ['dn4', '/dc1/rack2'],
  ['dn7', '/dc2/rack3'],
  ['dn8', '/dc2/rack3'],
]);
const block = (blockId: number) => ({ blockId, genStamp: 1001, numBytes: 10 });
const event = (t: number, proc: string, e: StateEvent): JournalRecord => ({ k: 'event', t, proc, event: e });
const finalized = (t: number, dn: string, blockId: number) =>
  event(t, dn, { type: 'replica-finalized', block: block(blockId), datanode: dn, path: `blk_${blockId}` });
/** The NameNode's heartbeat reply to `source` carrying DNA_TRANSFER of the block to `target`. */
const transfer = (t: number, source: string, blockId: number, target: string): JournalRecord => ({
  k: 'frame',
  t,
  proc: 'nn',
  dir: 'send',
  ch: 'rpc',
  conn: `nn->${source}`,
  src: 'nn',
  srcAddr: '127.0.0.1:8020',
  dst: source,
  dstAddr: '127.0.1.1:9867',
  msg: {
    type: 'rpc-reply',
    method: 'sendHeartbeat',
    callId: t,
    ok: true,
    result: { commands: [{ action: 'DNA_TRANSFER', block: block(blockId), targets: [{ name: target }] }] },
  },
  bytes: 10,
  data: 0,
});

describe('block.copyRacks', () => {
  const written = [finalized(1, 'dn4', 1), finalized(2, 'dn7', 1), finalized(3, 'dn8', 1)];

  it("gives the racks of the survivors and the copy, the dead DataNode's replica left out", () => {
    const records = [
      ...written,
      event(10, 'nn', { type: 'datanode-dead', datanode: 'dn4', lastHeartbeatAgoMs: 14_000 }),
      transfer(11, 'dn7', 1, 'dn1'),
      finalized(12, 'dn1', 1),
    ];
    expect(copiesWithRacks(records, new Set([1]), RACKS)).toEqual([
      { blockId: 1, target: 'dn1', racks: ['/dc1/rack1', '/dc2/rack3'] },
    ]);
  });

  it('is not changed by the dead DataNode coming back and the excess removed after', () => {
    const records = [
      ...written,
      event(10, 'nn', { type: 'datanode-dead', datanode: 'dn4', lastHeartbeatAgoMs: 14_000 }),
      transfer(11, 'dn7', 1, 'dn1'),
      finalized(12, 'dn1', 1),
      event(20, 'nn', { type: 'datanode-registered', datanode: 'dn4', location: '/dc1/rack2' }),
      event(22, 'dn8', { type: 'replica-deleted', block: block(1), datanode: 'dn8' }),
    ];
    expect(copiesWithRacks(records, new Set([1]), RACKS).map((c) => c.racks)).toEqual([
      ['/dc1/rack1', '/dc2/rack3'],
    ]);
  });

  it('leaves the dead DataNode out when it comes back before the copy is finalized', () => {
    const records = [
      ...written,
      event(10, 'nn', { type: 'datanode-dead', datanode: 'dn4', lastHeartbeatAgoMs: 14_000 }),
      transfer(11, 'dn7', 1, 'dn1'),
      event(12, 'nn', { type: 'datanode-registered', datanode: 'dn4', location: '/dc1/rack2' }),
      finalized(13, 'dn1', 1),
    ];
    expect(copiesWithRacks(records, new Set([1]), RACKS).map((c) => c.racks)).toEqual([
      ['/dc1/rack1', '/dc2/rack3'],
    ]);
  });

  it("counts only copies of the file's blocks that were finalized on a DNA_TRANSFER's target", () => {
    const records = [
      ...written,
      transfer(11, 'dn7', 2, 'dn1'),
      finalized(12, 'dn1', 2),
      finalized(13, 'dn2', 1),
    ];
    expect(copiesWithRacks(records, new Set([1]), RACKS)).toEqual([]);
  });
});
