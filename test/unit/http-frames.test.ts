/**
 * HTTP frames (the checkpoint transfers): their describer lines, their traffic kind, and a
 * checkpoint's trace holding them, from the scripted journal.
 */
import { describe, expect, it } from 'vitest';
import { describeFrame, describeMessage } from '../../cluster/protocol/registry/describe.js';
import type { JournalFrame } from '../../cluster/protocol/journal-types.js';
import { trafficFilter } from '../../lab/commands/traffic.js';
import { findOperation } from '../../lab/trace/operations.js';
import { passesFilter } from '../../lab/tui/state.js';
import { kindOf, selectFrames } from '../../lab/traffic/lines.js';
import { recordedJournal } from '../scenario/traffic/recorded.js';

describe('describeMessage of HTTP frames', () => {
  it('prints a request as its request line and a response as its status and body size', () => {
    expect(
      describeMessage({
        type: 'http-request',
        method: 'GET',
        path: '/imagetransfer',
        query: 'getimage=1&txid=42',
      }),
    ).toBe('GET /imagetransfer?getimage=1&txid=42');
    expect(describeMessage({ type: 'http-request', method: 'POST', path: '/checkpoint', query: '' })).toBe(
      'POST /checkpoint',
    );
    expect(describeMessage({ type: 'http-response', status: 200, contentBytes: 1234 })).toBe(
      'HTTP 200 (1234 bytes)',
    );
    expect(describeMessage({ type: 'http-response', status: 409, contentBytes: 61 })).toBe(
      'HTTP 409 (61 bytes)',
    );
  });
});

describe('HTTP frames in the viewers', () => {
  const records = recordedJournal();
  const http = selectFrames(records, { heartbeats: false, kind: 'http' });

  it('are their own traffic kind, selected by --kind http', () => {
    // lab checkpoint's POST to the Secondary, then the Secondary's transfers with the NameNode.
    expect(http.map(describeFrame)).toEqual([
      'client->snn POST /checkpoint',
      'snn->nn GET /imagetransfer?getimage=1&txid=0',
      'nn->snn HTTP 200 (552 bytes)',
      'snn->nn GET /imagetransfer?getedit=1&startTxId=1&endTxId=11',
      'nn->snn HTTP 200 (647 bytes)',
      'snn->nn PUT /imagetransfer?txid=11&imageFile=IMAGE&storageInfo=-66%3A1240456156%3A0%3ACID-5fb70abe-35ec-4111-93d1-6c4026dbb2c6',
      'nn->snn HTTP 200 (50 bytes)',
      'snn->client HTTP 200 (310 bytes)',
    ]);
    expect(http.every((f) => kindOf(f) === 'http')).toBe(true);
    expect(trafficFilter({ kind: 'http' }, 0).kind).toBe('http');
    expect(passesFilter({ t: 0, kind: 'http', text: 'snn->nn PUT /imagetransfer' }, 'http')).toBe(true);
    expect(passesFilter({ t: 0, kind: 'rpc', text: 'snn->nn rollEditLog' }, 'http')).toBe(false);
  });

  it('belong to the checkpoint they were tagged with', () => {
    const op = findOperation(records, { last: 'checkpoint' });
    const frames = (op?.records ?? []).filter((r): r is JournalFrame => r.k === 'frame' && r.ch === 'http');
    expect(frames).toHaveLength(8);
  });

  it('a request tagged only by its receiver (lab checkpoint’s POST) is shown from the receiver', () => {
    const base = {
      k: 'frame' as const,
      ch: 'http' as const,
      conn: '127.0.0.10:5000->127.0.0.2:9868',
      src: 'client',
      srcAddr: '127.0.0.10:5000',
      dst: 'snn',
      dstAddr: '127.0.0.2:9868',
      msg: { type: 'http-request' as const, method: 'POST' as const, path: '/checkpoint', query: '' },
      bytes: 90,
      data: 0,
    };
    const withPost: JournalFrame[] = [
      { ...base, t: 1, proc: 'client', dir: 'send' },
      { ...base, t: 2, proc: 'snn', dir: 'recv', op: 'checkpoint-7-1' },
    ];
    const op = findOperation([...withPost, ...records], { op: 'checkpoint-7-1' });
    expect(op?.records.map((r) => (r.k === 'frame' ? describeFrame(r) : ''))).toEqual([
      'client->snn POST /checkpoint',
    ]);
  });
});
