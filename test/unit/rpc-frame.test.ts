/**
 * Hadoop IPC v9 framing against the bytes the Go client (colinmarc/hdfs) sends and a Java NameNode answers (bytes
 * the Go client and a Java NameNode put on the wire; clientId "0123456789abcdef" for readability).
 */
import { describe, expect, it } from 'vitest';
import '../../cluster/protocol/registry/all.js'; // entries looked up directly, without a connection
import { GetFileInfoResponseProtoSchema } from '../../cluster/protocol/gen/client_protocol_pb.js';
import { HdfsFileStatusProto_FileType } from '../../cluster/protocol/gen/hdfs_pb.js';
import { RPC_FRAME_BYTES_MAX } from '../../cluster/protocol/limits.js';
import { encodeProto } from '../../cluster/protocol/proto-codec.js';
import { PROTOCOL_OF } from '../../cluster/protocol/messages.js';
import {
  CLIENT_PROTOCOL,
  PROTOCOL_NAMES,
  entryFor,
  protocolTable,
} from '../../cluster/protocol/registry/index.js';
import {
  HTTP_GET_RESPONSE,
  IpcFatalError,
  RPC_PREAMBLE,
  RpcErrorCode,
  RpcFrameDecoder,
  RpcStatus,
  checkPreamble,
  decodeInbound,
  retryCacheIds,
  decodeResponse,
  encodeCall,
  encodeConnectionContext,
  encodeResponse,
} from '../../cluster/protocol/rpc-frame.js';

const CLIENT_ID = Buffer.from('0123456789abcdef');
const hex = (s: string): Buffer => Buffer.from(s.replace(/\s+/g, ''), 'hex');
const ascii = (s: string): string => Buffer.from(s, 'latin1').toString('hex');
const PROTOCOL_HEX = `2e ${ascii(CLIENT_PROTOCOL)}`;
const REQ_HEADER = (callIdZigzag: string): string =>
  `18 08 02 10 00 18 ${callIdZigzag} 22 10 ${ascii('0123456789abcdef')}`;

describe('IPC preamble', () => {
  it('is hrpc, version 9, service class 0, auth NONE', () => {
    expect(RPC_PREAMBLE.equals(hex('68 72 70 63 09 00 00'))).toBe(true);
    expect(checkPreamble(RPC_PREAMBLE)).toEqual({ kind: 'ok', serviceClass: 0, authProtocol: 0 });
  });

  it('answers a wrong version with FATAL_VERSION_MISMATCH and SASL with an authorization failure', () => {
    const old = checkPreamble(hex('68 72 70 63 07 00 00'));
    expect(old).toMatchObject({ kind: 'fatal', error: { code: RpcErrorCode.FATAL_VERSION_MISMATCH } });
    expect((old as { error: Error }).error.message).toBe(
      'Server IPC version 9 cannot communicate with client version 7',
    );
    expect(checkPreamble(hex('68 72 70 63 09 00 df'))).toMatchObject({
      kind: 'fatal',
      error: { code: RpcErrorCode.FATAL_UNAUTHORIZED },
    });
  });

  it("recognises an HTTP GET and has Hadoop's plain-text answer for it", () => {
    const decoder = new RpcFrameDecoder(true);
    decoder.push(Buffer.from('GET / HTTP/1.1\r\n'));
    const unit = decoder.next();
    expect(unit?.kind).toBe('preamble');
    expect(checkPreamble(unit!.raw)).toEqual({ kind: 'http' });
    expect(HTTP_GET_RESPONSE).toMatch(
      /^HTTP\/1\.1 404 Not Found\r\nContent-type: text\/plain\r\n\r\nIt looks like you are making an HTTP request to a Hadoop IPC port\./,
    );
  });
});

describe('IPC request frames', () => {
  it('encodes the connection context of user alice as the 87 bytes the Go client sends', () => {
    const frame = encodeConnectionContext({ clientId: CLIENT_ID, user: 'alice', protocol: CLIENT_PROTOCOL });
    const expected = hex(
      `00 00 00 53 ${REQ_HEADER('05')} 39 12 07 0a 05 ${ascii('alice')} 1a ${PROTOCOL_HEX}`,
    );
    expect(frame.length).toBe(87);
    expect(frame.toString('hex')).toBe(expected.toString('hex'));
  });

  it('encodes getFileInfo /_test/foo.txt with callId 1 as the 110-byte frame', () => {
    const request = entryFor(CLIENT_PROTOCOL, 'getFileInfo')!.encodeRequest({
      src: '/_test/foo.txt',
    } as never);
    const frame = encodeCall({
      callId: 1,
      clientId: CLIENT_ID,
      methodName: 'getFileInfo',
      protocol: CLIENT_PROTOCOL,
      request,
    });
    const expected = hex(
      `00 00 00 6a ${REQ_HEADER('02')} 3f 0a 0b ${ascii('getFileInfo')} 12 ${PROTOCOL_HEX} 18 01 10 0a 0e ${ascii('/_test/foo.txt')}`,
    );
    expect(frame.toString('hex')).toBe(expected.toString('hex'));
  });

  it('reads those frames back: context first, then the call with its method and request', () => {
    const context = decodeInbound(
      hex(`00 00 00 53 ${REQ_HEADER('05')} 39 12 07 0a 05 ${ascii('alice')} 1a ${PROTOCOL_HEX}`),
      false,
    );
    expect(context).toMatchObject({
      kind: 'context',
      context: { userInfo: { effectiveUser: 'alice' }, protocol: CLIENT_PROTOCOL },
    });
    const call = decodeInbound(
      hex(
        `00 00 00 6a ${REQ_HEADER('02')} 3f 0a 0b ${ascii('getFileInfo')} 12 ${PROTOCOL_HEX} 18 01 10 0a 0e ${ascii('/_test/foo.txt')}`,
      ),
      true,
    );
    expect(call.kind).toBe('call');
    if (call.kind !== 'call') return;
    expect(call.header.callId).toBe(1);
    expect(call.requestHeader.methodName).toBe('getFileInfo');
    expect(entryFor(CLIENT_PROTOCOL, 'getFileInfo')!.decodeRequest(call.request)).toEqual({
      src: '/_test/foo.txt',
    });
  });

  it('refuses a call before the connection context, as Hadoop does (FATAL)', () => {
    const call = encodeCall({
      callId: 0,
      clientId: CLIENT_ID,
      methodName: 'getFileInfo',
      protocol: CLIENT_PROTOCOL,
      request: hex('0a 01 2f'),
    });
    expect(() => decodeInbound(call, false)).toThrowError(/Connection context not established/);
  });

  it("reads the Go client's request bodies: mkdirs with Go's ModeDir bit, getListing's first page", () => {
    const mkdirs = entryFor(CLIENT_PROTOCOL, 'mkdirs')!.decodeRequest(
      hex('0a 02 2f 61 12 06 08 ed 83 80 80 08 18 01'),
    );
    expect(mkdirs).toEqual({ src: '/a', permission: 0x8000_01ed, createParent: true });
    const listing = entryFor(CLIENT_PROTOCOL, 'getListing')!.decodeRequest(
      hex('0a 06 2f 5f 74 65 73 74 12 00 18 00'),
    );
    expect(listing).toEqual({ src: '/_test', startAfter: '' });
  });
});

describe('IPC response frames', () => {
  const fileStatus = encodeProto(GetFileInfoResponseProtoSchema, {
    fs: {
      fileType: HdfsFileStatusProto_FileType.IS_FILE,
      path: new Uint8Array(),
      length: 4n,
      permission: { perm: 0o644 },
      owner: 'alice',
      group: 'supergroup',
      modificationTime: 1700000000000n,
      accessTime: 1700000000000n,
      blockReplication: 1,
      blocksize: 134217728n,
      fileId: 16387n,
    },
  });

  it('frames a found getFileInfo as the 89 bytes a Java NameNode sends', () => {
    const frame = encodeResponse({ callId: 1, clientId: CLIENT_ID, retryCount: -1, body: fileStatus });
    const expected = hex(
      `00 00 00 55 1a 08 01 10 00 18 09 3a 10 ${ascii('0123456789abcdef')} 40 01 39 0a 37
       08 02 12 00 18 04 22 03 08 a4 03 2a 05 ${ascii('alice')} 32 0a ${ascii('supergroup')}
       38 80 d0 95 ff bc 31 40 80 d0 95 ff bc 31 50 01 58 80 80 80 40 68 83 80 01`,
    );
    expect(frame.toString('hex')).toBe(expected.toString('hex'));
    const decoded = decodeResponse(frame);
    expect(decoded.callId).toBe(1);
    const status = entryFor(CLIENT_PROTOCOL, 'getFileInfo')!.decodeResponse(decoded.body, {
      src: '/_test/foo.txt',
    } as never);
    expect(status).toMatchObject({
      path: '/_test/foo.txt',
      pathSuffix: 'foo.txt',
      length: 4,
      permission: 0o644,
      owner: 'alice',
      blockSize: 134217728,
    });
  });

  it('answers a missing path with SUCCESS and an empty message (32 bytes), which reads as null', () => {
    const entry = entryFor(CLIENT_PROTOCOL, 'getFileInfo')!;
    const frame = encodeResponse({
      callId: 1,
      clientId: CLIENT_ID,
      body: entry.encodeResponse(null as never),
    });
    expect(frame.length).toBe(32);
    expect(frame.subarray(-1).toString('hex')).toBe('00');
    expect(entry.decodeResponse(decodeResponse(frame).body, { src: '/x' } as never)).toBeNull();
  });

  it('frames an application error as ERROR + Java class + message + ERROR_APPLICATION, no body', () => {
    const frame = encodeResponse({
      callId: 2,
      clientId: CLIENT_ID,
      error: {
        exceptionClassName: 'java.io.FileNotFoundException',
        errorMsg: 'File does not exist: /x',
        errorDetail: RpcErrorCode.ERROR_APPLICATION,
      },
    });
    const expected = hex(
      `00 00 00 55 54 08 02 10 01 18 09 22 1d ${ascii('java.io.FileNotFoundException')} 2a 17 ${ascii('File does not exist: /x')} 30 01 3a 10 ${ascii('0123456789abcdef')} 40 01`,
    );
    expect(frame.toString('hex')).toBe(expected.toString('hex'));
    const decoded = decodeResponse(frame);
    expect(decoded.header.status).toBe(RpcStatus.ERROR);
    expect(decoded.body).toBeNull();
  });

  it('sends callId -1 of a FATAL answer as the 5-byte uint32 varint, read back as -1', () => {
    const frame = encodeResponse({
      callId: -1,
      error: { exceptionClassName: 'x', errorMsg: 'y', errorDetail: RpcErrorCode.FATAL_INVALID_RPC_HEADER },
      fatal: true,
    });
    expect(frame.subarray(5, 11).toString('hex')).toBe('08ffffffff0f');
    expect(decodeResponse(frame).callId).toBe(-1);
  });
});

describe('the method registry', () => {
  it("has an entry for every method of the lab's RpcMethods, under the protocol messages.ts names", () => {
    const javaName = {
      ClientProtocol: CLIENT_PROTOCOL,
      DatanodeProtocol: 'org.apache.hadoop.hdfs.server.protocol.DatanodeProtocol',
      NamenodeProtocol: 'org.apache.hadoop.hdfs.server.protocol.NamenodeProtocol',
    } as Record<string, string>;
    const missing = Object.entries(PROTOCOL_OF)
      .filter(
        ([method, protocol]) =>
          !entryFor(javaName[protocol] ?? protocol, method) &&
          !PROTOCOL_NAMES.some((name) => method in protocolTable(name)),
      )
      .map(([method]) => method);
    expect(missing).toEqual([]);
  });
});

describe('decoding limits', () => {
  it('refuses a frame that announces more than the limit before buffering its body', () => {
    const decoder = new RpcFrameDecoder(false);
    const header = Buffer.alloc(4);
    header.writeUInt32BE(RPC_FRAME_BYTES_MAX + 1);
    decoder.push(header);
    expect(() => decoder.next()).toThrowError(IpcFatalError);
  });

  it('finds missing required fields recursively, by their dotted path', () => {
    // GetFileInfoResponseProto{ fs{ fileType IS_FILE } }: the status lacks path, owner, permission…
    const body = hex('0a 02 08 02');
    expect(() =>
      entryFor(CLIENT_PROTOCOL, 'getFileInfo')!.decodeResponse(body, { src: '/a' } as never),
    ).toThrowError(/Message missing required fields: fs\.path/);
    expect(() => entryFor(CLIENT_PROTOCOL, 'getFileInfo')!.decodeRequest(new Uint8Array())).toThrowError(
      /Message missing required fields: src/,
    );
  });
});

describe("the retry cache's RpcIds (RetryCache.skipRetryCache)", () => {
  const clientId = CLIENT_ID;

  it('gives a 16-byte client id as UUID text with a call id of 0 or more', () => {
    expect(retryCacheIds({ clientId, callId: 0 })).toEqual({
      clientId: '30313233-3435-3637-3839-616263646566',
      callId: 0,
    });
  });

  it('gives none for a negative call id or a client id of another length, so the op logs "" and -2', () => {
    expect(retryCacheIds({ clientId, callId: -3 })).toBeUndefined();
    expect(retryCacheIds({ clientId: new Uint8Array(0), callId: 4 })).toBeUndefined();
    expect(retryCacheIds({ clientId: clientId.subarray(0, 15), callId: 4 })).toBeUndefined();
  });
});
