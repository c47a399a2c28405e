import { describe, expect, it } from 'vitest';
import { editOpsOf } from '../../lab/checks/live-probes.js';
import { selectValue } from '../../lab/checks/probes.js';

// An OP_CLOSE as `hdfs oev -p xml` prints it (CloseOp.toXml: the block nested under BLOCK).
const OEV = `<?xml version="1.0" encoding="UTF-8"?>
<EDITS>
  <EDITS_VERSION>-66</EDITS_VERSION>
  <RECORD>
    <OPCODE>OP_CLOSE</OPCODE>
    <DATA>
      <TXID>42</TXID>
      <PATH>/e11/stale.txt._COPYING_</PATH>
      <BLOCK>
        <BLOCK_ID>1073741900</BLOCK_ID>
        <NUM_BYTES>3000</NUM_BYTES>
        <GENSTAMP>1076</GENSTAMP>
      </BLOCK>
    </DATA>
  </RECORD>
</EDITS>
`;

describe('select', () => {
  it('reads a field whose name has dots, as edits.ops names a nested oev element', () => {
    const ops = editOpsOf(OEV);
    expect(selectValue(ops, '0.fields.BLOCK.GENSTAMP')).toEqual({ ok: true, value: '1076' });
    expect(selectValue(ops, '0.fields.PATH')).toEqual({ ok: true, value: '/e11/stale.txt._COPYING_' });
    expect(selectValue(ops, '0.fields.BLOCK.SIZE')).toEqual({
      ok: false,
      message: 'select 0.fields.BLOCK: no field BLOCK',
    });
  });
});
