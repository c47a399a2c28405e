/**
 * What a DataNode does with a WRITE_BLOCK (DataXceiver.writeBlock, BlockReceiver's constructor,
 * PacketResponder's acks), as the process and the simulator both run it. Expected values are
 * Hadoop's rules (BlockReceiver.java, DataXceiver.java, PipelineAck's MIRROR_ERROR_STATUS).
 */
import { describe, expect, it } from 'vitest';
import {
  packetOverlap,
  planTransfer,
  planWriteBlock,
  upstreamAck,
  type WriteBlockRequest,
} from '../../cluster/datanode/receive-plan.js';

const POOL = 'BP-1-127.0.0.1-1';

function op(over: Partial<WriteBlockRequest<string>> = {}): WriteBlockRequest<string> {
  return {
    stage: 'PIPELINE_SETUP_CREATE',
    clientName: 'DFSClient_NONMAPREDUCE_1',
    block: { poolId: POOL, blockId: 1073741825, genStamp: 1001 },
    latestGenerationStamp: 1002,
    targets: ['dn2', 'dn3'],
    requestedChecksum: { type: 'CRC32C', bytesPerChecksum: 512 },
    ...over,
  };
}

describe('the receive plan', () => {
  it('opens a client create as rbw, tells the NameNode RECEIVING, mirrors to the first target and lets the last DataNode verify', () => {
    const head = planWriteBlock(op(), POOL);
    expect(head).toMatchObject({
      kind: 'receive',
      opening: 'create-rbw',
      block: { blockId: 1073741825, genStamp: 1001, numBytes: 0 },
      mirror: 'dn2',
      verify: false,
      reportReceiving: true,
      end: 'finalize-and-report',
      onFailure: 'keep-rbw',
    });
    expect(planWriteBlock(op({ targets: [] }), POOL)).toMatchObject({ mirror: null, verify: true });
  });

  it('continues an append or a streaming recovery under latestGenerationStamp; only the append reports RECEIVING', () => {
    const append = planWriteBlock(op({ stage: 'PIPELINE_SETUP_APPEND' }), POOL);
    expect(append).toMatchObject({
      opening: 'append',
      block: { genStamp: 1002 },
      reportReceiving: true,
      endsOpenWrite: true,
    });
    expect(planWriteBlock(op({ stage: 'PIPELINE_SETUP_APPEND_RECOVERY' }), POOL)).toMatchObject({
      opening: 'recover-append',
      block: { genStamp: 1002 },
      reportReceiving: true,
    });
    const recovery = planWriteBlock(op({ stage: 'PIPELINE_SETUP_STREAMING_RECOVERY' }), POOL);
    expect(recovery).toMatchObject({
      opening: 'recover-rbw',
      block: { genStamp: 1002 },
      reportReceiving: false,
    });
  });

  it('puts a DataNode-initiated copy in tmp/ whatever its stage, verifies it, and blames its source for bad checksums', () => {
    const copy = planWriteBlock(op({ clientName: '', targets: [] }), POOL);
    expect(copy).toMatchObject({
      opening: 'create-temporary',
      verify: true,
      reportReceiving: false,
      end: 'finalize-and-report',
      onFailure: 'abort',
      blameSourceOnBadChecksum: true,
    });
    // A DataNode's PIPELINE_CLOSE_RECOVERY is a copy too: only a client's takes the recoverClose path.
    expect(planWriteBlock(op({ clientName: '', stage: 'PIPELINE_CLOSE_RECOVERY' }), POOL)).toMatchObject({
      opening: 'create-temporary',
    });
    expect(planWriteBlock(op({ stage: 'PIPELINE_CLOSE_RECOVERY' }), POOL)).toEqual({
      kind: 'recover-close',
      mirror: 'dn2',
    });
  });

  it('keeps a TRANSFER_RBW copy as rbw and finalizes a TRANSFER_FINALIZED one without reporting it', () => {
    expect(planWriteBlock(op({ stage: 'TRANSFER_RBW', targets: [] }), POOL)).toMatchObject({
      opening: 'create-temporary',
      end: 'keep-rbw',
      onFailure: 'abort',
      blameSourceOnBadChecksum: false,
    });
    expect(planWriteBlock(op({ stage: 'TRANSFER_FINALIZED', targets: [] }), POOL)).toMatchObject({
      end: 'finalize',
    });
  });

  it('refuses another block pool, a checksum it cannot store, and a stage a setup never carries', () => {
    expect(planWriteBlock(op(), 'BP-other')).toMatchObject({ kind: 'refuse', status: 'ERROR' });
    expect(
      planWriteBlock(op({ requestedChecksum: { type: 'NULL', bytesPerChecksum: 512 } }), POOL),
    ).toMatchObject({
      kind: 'refuse',
      status: 'ERROR_UNSUPPORTED',
    });
    expect(planWriteBlock(op({ stage: 'DATA_STREAMING' }), POOL)).toEqual({
      kind: 'refuse',
      status: 'ERROR',
      message: 'Unsupported stage DATA_STREAMING while receiving block blk_1073741825_1001',
    });
  });
});

describe('the ack upstream', () => {
  it('puts this DataNode first and the downstream replies after it; the last DataNode acks for itself', () => {
    expect(upstreamAck('SUCCESS', { kind: 'last-in-pipeline' })).toEqual({
      replies: ['SUCCESS'],
      stop: null,
    });
    expect(upstreamAck('SUCCESS', { kind: 'ack', replies: ['SUCCESS', 'SUCCESS'] })).toEqual({
      replies: ['SUCCESS', 'SUCCESS', 'SUCCESS'],
      stop: null,
    });
  });

  it('blames the mirror it could not read ([SUCCESS, ERROR]) and stops', () => {
    expect(upstreamAck('SUCCESS', { kind: 'mirror-error' })).toMatchObject({ replies: ['SUCCESS', 'ERROR'] });
    expect(upstreamAck('SUCCESS', { kind: 'mirror-error' }).stop).not.toBeNull();
  });

  it('sends its own ERROR_CHECKSUM before stopping, and never passes a downstream ERROR_CHECKSUM on', () => {
    expect(upstreamAck('ERROR_CHECKSUM', { kind: 'last-in-pipeline' })).toEqual({
      replies: ['ERROR_CHECKSUM'],
      stop: 'Shutting down writer and responder due to a checksum error in received data. The error response has been sent upstream.',
    });
    expect(upstreamAck('SUCCESS', { kind: 'ack', replies: ['ERROR_CHECKSUM'] })).toEqual({
      replies: null,
      stop: 'Shutting down writer and responder since the down streams reported the data sent by this thread is corrupt',
    });
  });

  it('takes a packet that resends bytes already on disk, never one that starts after them', () => {
    expect(packetOverlap(1024, 1024, 512)).toBe(0);
    expect(packetOverlap(1100, 1024, 512)).toBe(76);
    expect(packetOverlap(1024, 1536, 512)).toBe(
      'packet at offset 1536 with 512 bytes; this replica has 1024',
    );
    expect(typeof packetOverlap(2048, 1024, 512)).toBe('string');
  });
});

describe('a DNA_TRANSFER at its source (DataNode.transferBlock)', () => {
  const named = { blockId: 1073741825, genStamp: 1001, numBytes: 100 };

  it('sends the finalized replica through one pipeline of the targets, in order', () => {
    expect(planTransfer(POOL, named, { ...named }, ['dn2', 'dn4'])).toEqual({
      kind: 'send',
      replica: named,
      pipeline: ['dn2', 'dn4'],
    });
  });

  it('reports a replica it does not hold under that stamp as invalid, and one shorter than recorded as bad', () => {
    expect(planTransfer(POOL, named, null, ['dn2'])).toEqual({
      kind: 'invalid',
      message: `Can't send invalid block ${POOL}:blk_1073741825_1001`,
    });
    expect(planTransfer(POOL, named, { ...named, genStamp: 1002 }, ['dn2'])).toMatchObject({
      kind: 'invalid',
    });
    expect(planTransfer(POOL, named, { ...named, numBytes: 60 }, ['dn2'])).toEqual({
      kind: 'too-short',
      message: `Can't replicate block ${POOL}:blk_1073741825_1001 because on-disk length 60 is shorter than NameNode recorded length 100`,
    });
  });
});
