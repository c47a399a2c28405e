import { describe, expect, it } from 'vitest';
import { RemoteError } from '../../cluster/protocol/errors.js';
import { RPC_FRAME_BYTES_MAX } from '../../cluster/protocol/limits.js';
import {
  RPC_PREAMBLE,
  RpcFrameDecoder,
  encodeFrame,
  parseCallFrame,
  parseReplyFrame,
} from '../../cluster/protocol/rpc-frame.js';

const call = {
  callId: 7,
  method: 'mkdirs' as const,
  protocol: 'ClientProtocol' as const,
  clientId: 'client',
  params: { src: '/a' },
};

describe('RPC framing', () => {
  it('starts a connection with the hrpc preamble seen in the seed capture', () => {
    expect(RPC_PREAMBLE.toString('latin1', 0, 4)).toBe('hrpc');
    expect([...RPC_PREAMBLE.subarray(4)]).toEqual([9, 0, 0]);
  });

  it('round-trips a call split across arbitrary chunk boundaries', () => {
    const bytes = Buffer.concat([RPC_PREAMBLE, encodeFrame(call), encodeFrame({ ...call, callId: 8 })]);
    const decoder = new RpcFrameDecoder(true);
    const seen: number[] = [];
    for (let i = 0; i < bytes.length; i += 3) {
      decoder.push(bytes.subarray(i, i + 3));
      for (let raw = decoder.nextRaw(); raw; raw = decoder.nextRaw()) seen.push(parseCallFrame(raw).callId);
    }
    expect(seen).toEqual([7, 8]);
  });

  it('keeps the JSON header readable in a hex dump', () => {
    const raw = encodeFrame(call);
    expect(raw.readUInt32BE(0)).toBe(raw.length - 4);
    expect(raw.subarray(4).toString('utf8')).toContain('"method":"mkdirs"');
  });

  it('rejects a connection that does not open with the preamble, saying what arrived', () => {
    const decoder = new RpcFrameDecoder(true);
    decoder.push(Buffer.from('GET / HTTP/1.1\r\n'));
    expect(() => decoder.nextRaw()).toThrowError(/expected the RPC preamble .* got 47 45 54/);
  });

  it('rejects a frame that announces more than the limit before reading its body', () => {
    const decoder = new RpcFrameDecoder(false);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(RPC_FRAME_BYTES_MAX + 1);
    decoder.push(header);
    expect(() => decoder.nextRaw()).toThrowError(RemoteError);
  });

  it('refuses to encode an oversize frame', () => {
    const huge = { ...call, params: { src: 'x'.repeat(RPC_FRAME_BYTES_MAX) } };
    expect(() => encodeFrame(huge)).toThrowError(/exceeds the limit/);
  });

  it('names a body that is not JSON and an unknown method', () => {
    const notJson = Buffer.concat([Buffer.from([0, 0, 0, 3]), Buffer.from('{{{')]);
    expect(() => parseCallFrame(notJson)).toThrowError(/not JSON/);
    const unknown = encodeFrame({ ...call, method: 'formatEverything' as never });
    expect(() => parseCallFrame(unknown)).toThrowError(/Unknown method formatEverything/);
  });

  it('rejects replies without a call id', () => {
    const raw = encodeFrame({ ok: true } as never);
    expect(() => parseReplyFrame(raw)).toThrowError(/callId/);
  });
});
