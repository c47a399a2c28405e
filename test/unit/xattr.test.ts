/**
 * Extended attributes in the NameNode core with HDFS's rules and words (FSDirXAttrOp,
 * XAttrSetFlag.validate, XAttrPermissionFilter), their edit-log ops as oev prints them, the
 * fsimage's XAttrFeature, and FsShell's value codec (XAttrCodec).
 */
import { describe, expect, it } from 'vitest';
import { decodeSegment, encodeSegment } from '../../cluster/namenode/editlog/codec.js';
import { editsToXml } from '../../cluster/namenode/editlog/oev.js';
import type { EditLogOp, PendingOp } from '../../cluster/namenode/editlog/ops.js';
import { decodeImage, encodeImage } from '../../cluster/namenode/fsimage/codec.js';
import { imageToXml } from '../../cluster/namenode/fsimage/oiv.js';
import { Namespace } from '../../cluster/namenode/namespace.js';
import { decodeXAttrValue, xattrLine } from '../../lab/commands/fs-xattr.js';
import { SUPERUSER, testCore } from './namenode-test-core.js';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const BOTH = { create: true, replace: true };

function withFile(): { ns: Namespace; log: PendingOp[] } {
  const ns = new Namespace({ superuser: 'hdfs', namespaceId: 1 });
  const log: PendingOp[] = [];
  log.push(
    ...ns.mkdirs('/d', {
      permission: { user: 'hdfs', group: 'g', mode: 0o755 },
      createParent: true,
      nowMs: 1,
    }),
  );
  return { ns, log };
}

describe('xattrs in the namespace', () => {
  it('sets, replaces and removes, logging OP_SET_XATTR / OP_REMOVE_XATTR', () => {
    const { ns, log } = withFile();
    log.push(...ns.setXAttr('/d', { namespace: 'USER', name: 'a1', value: b64('1') }, { flags: BOTH }));
    log.push(...ns.setXAttr('/d', { namespace: 'USER', name: 'a1', value: b64('2') }, { flags: BOTH }));
    log.push(...ns.removeXAttr('/d', { namespace: 'USER', name: 'a1' }));
    expect(log.slice(1).map((o) => o.op)).toEqual(['OP_SET_XATTR', 'OP_SET_XATTR', 'OP_REMOVE_XATTR']);
    expect(ns.xattrsOf('/d')).toEqual([]);
    const replayed = new Namespace({ superuser: 'hdfs', namespaceId: 1 });
    for (const op of log.slice(0, 3)) replayed.applyOp(op);
    expect(replayed.xattrsOf('/d')).toEqual([{ namespace: 'USER', name: 'a1', value: b64('2') }]);
  });

  it("refuses with XAttrSetFlag's and FSDirXAttrOp's words", () => {
    const { ns } = withFile();
    ns.setXAttr('/d', { namespace: 'USER', name: 'a1', value: b64('1') }, { flags: BOTH });
    expect(() =>
      ns.setXAttr(
        '/d',
        { namespace: 'USER', name: 'a1', value: null },
        { flags: { create: true, replace: false } },
      ),
    ).toThrow('XAttr: user.a1 already exists. The REPLACE flag must be specified.');
    expect(() =>
      ns.setXAttr(
        '/d',
        { namespace: 'USER', name: 'b', value: null },
        { flags: { create: false, replace: true } },
      ),
    ).toThrow('XAttr: user.b does not exist. The CREATE flag must be specified.');
    expect(() => ns.removeXAttr('/d', { namespace: 'USER', name: 'zz' })).toThrow(
      'No matching attributes found for remove operation',
    );
    for (let i = 1; i < 32; i++)
      ns.setXAttr('/d', { namespace: 'USER', name: `n${i}`, value: null }, { flags: BOTH });
    expect(() => ns.setXAttr('/d', { namespace: 'USER', name: 'n32', value: null }, { flags: BOTH })).toThrow(
      'Cannot add additional XAttr to inode, would exceed limit of 32',
    );
  });

  it('lets only the superuser use the trusted namespace, and hides it from others', () => {
    const { core, as } = testCore();
    core.call('mkdirs', { src: '/p', permission: 0o777, createParent: true }, as(SUPERUSER));
    const trusted = { namespace: 'TRUSTED' as const, name: 't', value: b64('x') };
    expect(() => core.call('setXAttr', { src: '/p', xattr: trusted, flags: BOTH }, as('alice'))).toThrow(
      "User doesn't have permission for xattr: trusted.t",
    );
    core.call('setXAttr', { src: '/p', xattr: trusted, flags: BOTH }, as(SUPERUSER));
    core.call(
      'setXAttr',
      { src: '/p', xattr: { namespace: 'USER', name: 'u', value: b64('y') }, flags: BOTH },
      as('alice'),
    );
    expect(core.call('getXAttrs', { src: '/p', xattrs: [] }, as('alice')).result.map((x) => x.name)).toEqual([
      'u',
    ]);
    expect(core.call('listXAttrs', { src: '/p' }, as(SUPERUSER)).result).toEqual([
      { namespace: 'TRUSTED', name: 't', value: null },
      { namespace: 'USER', name: 'u', value: null },
    ]);
    expect(() =>
      core.call('getXAttrs', { src: '/p', xattrs: [{ namespace: 'USER', name: 'nope' }] }, as('alice')),
    ).toThrow('At least one of the attributes provided was not found.');
  });
});

describe('xattrs on disk', () => {
  it('prints the ops as oev does (VALUE in hex, none for a removal)', () => {
    const ops = [
      {
        op: 'OP_SET_XATTR',
        txid: 3,
        src: '/d',
        xattrs: [{ namespace: 'USER', name: 'a1', value: b64('123') }],
        rpcIds: { clientId: null, callId: -2 },
      },
      {
        op: 'OP_REMOVE_XATTR',
        txid: 4,
        src: '/d',
        xattrs: [{ namespace: 'USER', name: 'a1', value: null }],
        rpcIds: { clientId: null, callId: -2 },
      },
    ] as EditLogOp[];
    const decoded = decodeSegment(encodeSegment(ops));
    expect(decoded.ops).toEqual(ops);
    const xml = editsToXml(decoded);
    expect(xml).toContain(
      '<XATTR>\n        <NAMESPACE>USER</NAMESPACE>\n        <NAME>a1</NAME>\n        <VALUE>0x313233</VALUE>\n      </XATTR>',
    );
    expect(xml).toContain('<NAME>a1</NAME>\n      </XATTR>');
  });

  it('keeps them in the fsimage (XAttrFeature, names in the string table) and oiv shows them', () => {
    const { ns } = withFile();
    ns.setXAttr('/d', { namespace: 'USER', name: 'a1', value: b64('123') }, { flags: BOTH });
    ns.setXAttr(
      '/d',
      { namespace: 'TRUSTED', name: 'bin', value: Buffer.from([0xff, 0]).toString('base64') },
      { flags: BOTH },
    );
    const image = decodeImage(encodeImage(ns.toImage(9)));
    expect(Namespace.fromImage(image).xattrsOf('/d')).toEqual(ns.xattrsOf('/d'));
    expect(imageToXml(image)).toContain(
      '<permission>hdfs:g:0755</permission><xattrs><xattr><ns>USER</ns><name>a1</name><val>123</val></xattr><xattr><ns>TRUSTED</ns><name>bin</name><valHex>ff00</valHex></xattr></xattrs><nsquota>',
    );
  });
});

describe('XAttrCodec in FsShell', () => {
  it('reads quoted text, 0x hex, 0s base64 and plain text', () => {
    expect(decodeXAttrValue('"a b"')).toEqual(Buffer.from('a b'));
    expect(decodeXAttrValue('0x3132')).toEqual(Buffer.from('12'));
    expect(decodeXAttrValue('0sMTI=')).toEqual(Buffer.from('12'));
    expect(decodeXAttrValue('plain')).toEqual(Buffer.from('plain'));
  });

  it('prints name=value in the encoding asked for, a bare name for an empty value', () => {
    expect(xattrLine('user.a1', Buffer.from('123'), 'text')).toBe('user.a1="123"');
    expect(xattrLine('user.a1', Buffer.from('123'), 'hex')).toBe('user.a1=0x313233');
    expect(xattrLine('user.a1', Buffer.from('123'), 'base64')).toBe('user.a1=0sMTIz');
    expect(xattrLine('user.e', Buffer.alloc(0), 'text')).toBe('user.e');
  });
});
