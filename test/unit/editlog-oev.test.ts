import { describe, expect, it } from 'vitest';
import { decodeSegment, encodeSegment } from '../../cluster/namenode/editlog/codec.js';
import { editsStats, editsToXml, mangleXmlString } from '../../cluster/namenode/editlog/oev.js';
import { NO_RPC_IDS, type EditLogOp, type EditLogOpOf } from '../../cluster/namenode/editlog/ops.js';
import { expectGolden } from '../golden/golden.js';
import { scriptedHistory } from '../golden/history.js';

/** The XML as `hdfs oev` would print it: decoded from the binary segment, not from the op objects. */
function oevXml(ops: EditLogOp[]): string {
  return editsToXml(decodeSegment(encodeSegment(ops)));
}

describe('hdfs oev -p xml', () => {
  it('prints the scripted history (golden)', () => {
    expectGolden('editlog-history.xml', oevXml(scriptedHistory()));
  });

  it('prints the -p stats table (golden)', () => {
    expectGolden('editlog-history.stats.txt', editsStats(scriptedHistory()));
  });

  it('prints an OP_ADD record as hdfs oev prints it, exactly', () => {
    const op = scriptedHistory().find((o) => o.op === 'OP_ADD') as EditLogOpOf<'OP_ADD'>;
    const xml = oevXml([{ ...op, txid: 3, path: '/data/a.txt._COPYING_' }]);
    expect(xml).toContain(
      [
        '  <RECORD>',
        '    <OPCODE>OP_ADD</OPCODE>',
        '    <DATA>',
        '      <TXID>3</TXID>',
        '      <LENGTH>0</LENGTH>',
        '      <INODEID>16387</INODEID>',
        '      <PATH>/data/a.txt._COPYING_</PATH>',
        '      <REPLICATION>3</REPLICATION>',
        '      <MTIME>1736157600123</MTIME>',
        '      <ATIME>1736157600123</ATIME>',
        '      <BLOCKSIZE>134217728</BLOCKSIZE>',
        '      <CLIENT_NAME>DFSClient_NONMAPREDUCE_-1234567_1</CLIENT_NAME>',
        '      <CLIENT_MACHINE>127.0.0.1</CLIENT_MACHINE>',
        '      <OVERWRITE>true</OVERWRITE>',
        '      <PERMISSION_STATUS>',
        '        <USERNAME>student</USERNAME>',
        '        <GROUPNAME>supergroup</GROUPNAME>',
        '        <MODE>420</MODE>',
        '      </PERMISSION_STATUS>',
        '      <ERASURE_CODING_POLICY_ID>0</ERASURE_CODING_POLICY_ID>',
        '      <RPC_CLIENTID>4f9a1c2e-0b7d-4e55-9a61-3c2d8e7f6a10</RPC_CLIENTID>',
        '      <RPC_CALLID>7</RPC_CALLID>',
        '    </DATA>',
        '  </RECORD>',
      ].join('\n'),
    );
  });

  it('starts with the 3.x declaration and the version, and ends with </EDITS>', () => {
    const xml = oevXml([{ op: 'OP_START_LOG_SEGMENT', txid: 1 }]);
    expect(xml).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
        '<EDITS>',
        '  <EDITS_VERSION>-66</EDITS_VERSION>',
        '  <RECORD>',
        '    <OPCODE>OP_START_LOG_SEGMENT</OPCODE>',
        '    <DATA>',
        '      <TXID>1</TXID>',
        '    </DATA>',
        '  </RECORD>',
        '</EDITS>',
        '',
      ].join('\n'),
    );
  });

  it('joins OP_RENAME options with | and prints an empty RPC client id self-closed', () => {
    const xml = oevXml([
      {
        op: 'OP_RENAME',
        txid: 9,
        src: '/a',
        dst: '/b',
        timestamp: 5,
        options: ['OVERWRITE', 'TO_TRASH'],
        rpcIds: NO_RPC_IDS,
      },
    ]);
    expect(xml).toContain(
      [
        '      <LENGTH>0</LENGTH>',
        '      <SRC>/a</SRC>',
        '      <DST>/b</DST>',
        '      <TIMESTAMP>5</TIMESTAMP>',
        '      <OPTIONS>OVERWRITE|TO_TRASH</OPTIONS>',
        '      <RPC_CLIENTID/>',
        '      <RPC_CALLID>-2</RPC_CALLID>',
      ].join('\n'),
    );
  });

  it('mangles backslash and control characters, then escapes & < > (not quotes)', () => {
    const xml = oevXml([{ op: 'OP_SET_REPLICATION', txid: 2, path: '/a\\b\u0001&<"\'>', replication: 1 }]);
    expect(xml).toContain('<PATH>/a\\005c;b\\0001;&amp;&lt;"\'&gt;</PATH>');
  });
});

describe('XMLUtils.mangleXmlString', () => {
  it('keeps tab, LF, CR and astral characters, mangles lone surrogates and U+FFFE', () => {
    expect(mangleXmlString('\t\n\r😀', false)).toBe('\t\n\r😀');
    expect(mangleXmlString('\ud800x\ufffe', false)).toBe('\\d800;x\\fffe;');
  });

  it('with entity refs, escapes the five XML specials', () => {
    expect(mangleXmlString(`&"'<>`, true)).toBe('&amp;&quot;&apos;&lt;&gt;');
  });
});

describe('hdfs oev -p stats', () => {
  it('pads names to 30 columns, right-aligns codes, and cuts long names at 30 characters', () => {
    const lines = editsStats([{ op: 'OP_START_LOG_SEGMENT', txid: 1 }]).split('\n');
    expect(lines[0]).toBe('    VERSION                             : -66');
    expect(lines[1]).toBe('    OP_ADD                         (  0): 0');
    expect(lines).toContain('    OP_START_LOG_SEGMENT           ( 24): 1');
    expect(lines).toContain('    OP_DISABLE_ERASURE_CODING_POLI ( 51): 0');
    expect(lines.at(-2)).toBe('    OP_INVALID                     ( -1): 0');
  });
});
