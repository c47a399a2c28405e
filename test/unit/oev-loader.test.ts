import { describe, expect, it } from 'vitest';
import { parseXml, XmlSyntaxError } from '../../cluster/common/xml-tree.js';
import {
  decodeSegment,
  encodeEditsHeader,
  encodeOp,
  encodeSegment,
} from '../../cluster/namenode/editlog/codec.js';
import { editsFromXml, renumberTxids } from '../../cluster/namenode/editlog/oev-loader.js';
import { editsToXml } from '../../cluster/namenode/editlog/oev.js';
import type { EditLogOp } from '../../cluster/namenode/editlog/ops.js';
import { everyOpKind, scriptedHistory } from '../golden/history.js';
import { segmentWithCorruptRecord } from './edit-record.js';

/** `hdfs oev -p xml` then `hdfs oev -p binary` on its output: the bytes BinaryEditsVisitor writes. */
function xmlRoundTrip(segment: Buffer): Buffer {
  const { layoutVersion, ops } = editsFromXml(parseXml(editsToXml(decodeSegment(segment))));
  return encodeSegment(ops, layoutVersion);
}

const loadXml = (xml: string): ReturnType<typeof editsFromXml> => editsFromXml(parseXml(xml));

describe('oev -p binary from XML (OfflineEditsXmlLoader)', () => {
  it('gives back the scripted history byte for byte, every record checksum included', () => {
    const original = encodeSegment(scriptedHistory());
    expect(xmlRoundTrip(original).equals(original)).toBe(true);
  });

  it('gives back every op kind the lab writes, with escaped paths, ACLs, xattrs and RPC ids', () => {
    // OP_ADD's XML carries no storage policy: fromXml leaves it unspecified (0), as the NameNode writes it.
    const ops = everyOpKind().map((op) => (op.op === 'OP_ADD' ? { ...op, storagePolicyId: 0 } : op));
    const original = encodeSegment(ops);
    const back = xmlRoundTrip(original);
    expect(decodeSegment(back).ops).toEqual(ops);
    expect(back.equals(original)).toBe(true);
  });

  it('reads the XML it writes into the same XML (names, entities and \\005c; escapes survive)', () => {
    const xml = editsToXml(decodeSegment(encodeSegment(everyOpKind())));
    expect(xml).toContain('<PATH>/acl\\005c;dir &amp; &lt;x&gt;</PATH>');
    expect(editsToXml(loadXml(xml))).toBe(xml);
  });

  it('trims element text and takes fromXml defaults for what an op may leave out', () => {
    const ops = loadXml(
      `<?xml version="1.0"?>\n<EDITS><EDITS_VERSION> -66 </EDITS_VERSION><RECORD><OPCODE>OP_DELETE</OPCODE>` +
        `<DATA><TXID>4</TXID><PATH>\n  /x\n</PATH><TIMESTAMP>9</TIMESTAMP></DATA></RECORD></EDITS>`,
    );
    expect(ops).toEqual({
      layoutVersion: -66,
      ops: [{ op: 'OP_DELETE', txid: 4, path: '/x', timestamp: 9, rpcIds: { clientId: null, callId: -2 } }],
    });
  });

  it('names the record, its line and the missing or bad element', () => {
    const doc = (data: string, opcode = 'OP_MKDIR'): string =>
      `<EDITS>\n<EDITS_VERSION>-66</EDITS_VERSION>\n<RECORD>\n<OPCODE>${opcode}</OPCODE>\n<DATA>${data}</DATA>\n</RECORD>\n</EDITS>`;
    expect(() => loadXml(doc('<TXID>1</TXID>'))).toThrow('RECORD 1 (line 3), OP_MKDIR: no <INODEID> element');
    expect(() => loadXml(doc('<TXID>x1</TXID>'))).toThrow('<TXID> "x1" is not a Java long');
    expect(() => loadXml(doc('<TXID>1</TXID>', 'OP_SYMLINK'))).toThrow(
      /RECORD 1 \(line 3\): the lab's edit log has no OP_SYMLINK opcode/,
    );
    expect(() => loadXml('<EDITS><RECORD/></EDITS>')).toThrow(/you must put <EDITS_VERSION> at the top/);
    expect(() => loadXml('<fsimage/>')).toThrow(
      'you must put <EDITS> at the top of the XML file! Got tag fsimage instead',
    );
    expect(() => parseXml('<EDITS>\n<RECORD>\n</EDITS>')).toThrow(
      new XmlSyntaxError('</EDITS> where </RECORD> (opened on line 2) was expected', 3),
    );
  });
});

describe('oev -f (--fix-txids)', () => {
  const at = (txids: number[]): EditLogOp[] =>
    txids.map((txid) => ({ op: 'OP_START_LOG_SEGMENT', txid }) as EditLogOp);

  it('keeps the first txid and numbers the rest after it, closing gaps', () => {
    expect(renumberTxids(at([42, 50, 44])).map((op) => op.txid)).toEqual([42, 43, 44]);
  });

  it('starts at 1 when the first txid is not above 0', () => {
    expect(renumberTxids(at([0, 7])).map((op) => op.txid)).toEqual([1, 2]);
    expect(renumberTxids(at([-5])).map((op) => op.txid)).toEqual([1]);
  });
});

describe('oev -r (recovery mode)', () => {
  it('skips a corrupt record and resynchronises on the next whole one', () => {
    const ops = scriptedHistory();
    const { file, offset, recordBytes } = segmentWithCorruptRecord(ops, 5); // txid 6, the first OP_ADD_BLOCK
    const padded = Buffer.concat([file, Buffer.alloc(4096, 0xff)]);
    expect(() => decodeSegment(padded)).toThrow(/corrupt edit log record at offset/);
    const recovered = decodeSegment(padded, { recover: true });
    expect(recovered.ops).toEqual(ops.filter((op) => op.txid !== 6));
    expect(recovered.skipped).toEqual([
      {
        offset,
        bytes: recordBytes,
        reason: expect.stringMatching(/^OP_ADD_BLOCK: checksum mismatch/) as string,
      },
    ]);
  });

  it('steps over garbage between records and stops at the padding', () => {
    const ops = scriptedHistory().slice(0, 3);
    const [first, ...rest] = ops.map(encodeOp);
    const garbage = Buffer.from('0c0000000100ff01', 'hex');
    const file = Buffer.concat([
      encodeEditsHeader(),
      first as Buffer,
      garbage,
      ...rest,
      Buffer.alloc(64, 0xff),
    ]);
    const recovered = decodeSegment(file, { recover: true });
    expect(recovered.ops).toEqual(ops);
    expect(recovered.skipped).toHaveLength(1);
    expect(recovered.skipped?.[0]?.bytes).toBe(garbage.length);
  });
});
