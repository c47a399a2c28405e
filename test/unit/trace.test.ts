import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { countTraffic, dataBytesBetween, dataBytesTo, sumTraffic } from '../../lab/trace/counts.js';
import { layoutSequence, renderSequenceText } from '../../lab/trace/diagram.js';
import { findOperation, listOperations, operationKindOf } from '../../lab/trace/operations.js';
import { renderSequenceHtml, renderSequenceSvg } from '../../lab/trace/svg.js';
import { recordedJournal } from '../scenario/traffic/recorded.js';
import { JournalScript } from './journal-script.js';

const records = recordedJournal();
const lastPut = () => findOperation(records, { last: 'put' })!;

describe('operations', () => {
  it('finds the put, the get, the re-replication and the checkpoint, oldest first', () => {
    const ops = listOperations(records);
    // One re-replication per block of the DataNode that died (one heartbeat reply carried both).
    expect(ops.map((o) => [o.kind, o.path ?? null])).toEqual([
      ['put', '/a.txt'],
      ['get', '/a.txt'],
      ['rereplication', null],
      ['rereplication', null],
      ['checkpoint', null],
    ]);
    expect(ops[0]!.id).toBe('put-9037-1');
  });

  it('names kinds from the op id prefix', () => {
    expect(operationKindOf('put-1')).toBe('put');
    expect(operationKindOf('copyFromLocal-2')).toBe('put');
    expect(operationKindOf('cat-3')).toBe('get');
    expect(operationKindOf('mkdir-4')).toBe('other');
    // A DataNode's WebHDFS step: CREATE and APPEND write through the pipeline, OPEN reads.
    expect(operationKindOf('webhdfsCreate-4242-1')).toBe('put');
    expect(operationKindOf('webhdfsAppend-4242-2')).toBe('put');
    expect(operationKindOf('webhdfsOpen-4242-3')).toBe('get');
    expect(operationKindOf('webhdfsCksum-4242-4')).toBe('other');
  });

  it('finds by id, unique id prefix, last of a kind and path', () => {
    expect(findOperation(records, { op: 'get-9186-1' })!.kind).toBe('get');
    expect(findOperation(records, { op: 'get-9' })!.id).toBe('get-9186-1');
    expect(findOperation(records, { last: 'put', path: '/b.txt' })).toBeUndefined();
    const s = new JournalScript();
    s.rpc('client', 'nn', 'create', { src: '/x' }, {}, 'put-aa1');
    s.rpc('client', 'nn', 'create', { src: '/y' }, {}, 'put-aa2');
    expect(() => findOperation(s.records, { op: 'put-aa' })).toThrow(/ambiguous/);
    expect(findOperation(s.records, { last: 'put' })!.path).toBe('/y');
  });

  it('groups a re-replication by its block: DNA_TRANSFER, the copy, the target telling the NameNode', () => {
    const op = findOperation(records, { last: 'rereplication' })!;
    const text = renderSequenceText(layoutSequence(op));
    expect(text).toContain('DNA_TRANSFER blk_1073741826_1002 -> dn2]');
    // The source DataNode tags its copy transfer-<blockId>; it is part of the re-replication.
    expect(text).toContain('writeBlock blk_1073741826_1002 targets=[] stage=PIPELINE_SETUP_CREATE');
    // 8 packets of 128 chunks (BlockSender's transferTo packet, 64 KiB) and the empty last one.
    expect(text).toContain('packets blk_1073741826_1002 ×9, 524288 bytes');
    expect(text).toContain('blockReceivedAndDeleted RECEIVED blk_1073741826_1002');
    // The other block's copy, carried by the same heartbeat reply, is not.
    expect(text).not.toContain('writeBlock blk_1073741825_1001');
    // The put's own pipeline for the same block is not part of it.
    expect(text).not.toContain('client');
  });
});

describe('layoutSequence', () => {
  it('puts client, nn and the DataNodes in lane order', () => {
    expect(layoutSequence(lastPut()).lanes).toEqual(['client', 'nn', 'dn1', 'dn3']);
  });

  it('aggregates the packets and the acks of a block per hop, keeping their totals', () => {
    const rows = layoutSequence(lastPut()).rows.filter((r) => r.kind === 'arrow' && r.frames > 1);
    expect(rows.map((r) => (r.kind === 'arrow' ? `${r.from}->${r.to} ${r.text}` : ''))).toEqual([
      // 64 512-byte packets (126 chunks of 512): 17 for a 1 MB block, and the empty last one.
      'client->dn3 packets blk_1073741825_1001 ×18, 1048576 bytes',
      'dn3->dn1 packets blk_1073741825_1001 ×18, 1048576 bytes',
      'dn1->dn3 acks blk_1073741825_1001 ×18',
      'dn3->client acks blk_1073741825_1001 ×18',
      'client->dn3 packets blk_1073741826_1002 ×10, 524288 bytes',
      'dn3->dn1 packets blk_1073741826_1002 ×10, 524288 bytes',
      'dn1->dn3 acks blk_1073741826_1002 ×10',
      'dn3->client acks blk_1073741826_1002 ×10',
    ]);
  });

  it('keeps a large put short: rows grow with blocks, not packets', () => {
    const s = new JournalScript();
    s.rpc('client', 'nn', 'create', { src: '/big' }, {}, 'put-big');
    s.writeBlock(['client', 'dn1', 'dn2', 'dn3'], { blockId: 1, genStamp: 1 }, 150 * 1024 * 1024, {
      op: 'put-big',
    });
    const diagram = layoutSequence(findOperation(s.records, { op: 'put-big' })!);
    expect(diagram.rows.length).toBeLessThan(20);
    expect(diagram.rows.some((r) => r.text === 'packets blk_1_1 ×2401, 157286400 bytes')).toBe(true);
  });
});

describe('counts', () => {
  it('says that no data byte of a put goes to the NameNode, and what each hop carried', () => {
    const counts = countTraffic(lastPut().records);
    expect(dataBytesTo(counts, 'nn')).toBe(0);
    // Both blocks went client -> dn3 -> dn1: every byte of the file over each hop.
    expect(dataBytesBetween(counts, { src: 'client', dst: 'dn3' })).toBe(1572864);
    expect(dataBytesBetween(counts, { src: 'dn3', dst: 'dn1' })).toBe(1572864);
    expect(dataBytesBetween(counts, { src: 'client', dst: 'dn1' })).toBe(0);
    // getFileInfo, create, addBlock ×2, complete, rename: their frames' lengths as journaled.
    expect(sumTraffic(counts, { src: 'client', kind: 'rpc' }).messages).toBe(6);
    expect(sumTraffic(counts, { src: 'client', dst: 'nn' }).bytes).toBe(127 + 188 + 174 + 226 + 226 + 140);
  });

  it('counts each frame once although both ends journal it', () => {
    const counts = countTraffic(records);
    const sent = records.filter((r) => r.k === 'frame' && r.dir === 'send').length;
    expect(sumTraffic(counts, {}).messages).toBe(sent);
  });
});

describe('SVG and HTML', () => {
  it('draw the same rows as the text, as well-formed documents', () => {
    const diagram = layoutSequence(lastPut());
    const svg = renderSequenceSvg(diagram);
    expect(XMLValidator.validate(svg)).toBe(true);
    expect(svg.match(/<line [^>]*marker-end/g)).toHaveLength(
      diagram.rows.filter((r) => r.kind === 'arrow').length,
    );
    for (const lane of diagram.lanes) expect(svg).toContain(`font-weight="bold">${lane}</text>`);
    expect(svg).toContain('packets blk_1073741825_1001 ×18, 1048576 bytes');
    const html = renderSequenceHtml(diagram, countTraffic(lastPut().records));
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain(svg.trimEnd());
    expect(html).toContain('DATA BYTES');
  });
});
