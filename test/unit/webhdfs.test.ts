/**
 * WebHDFS's request parsing, error mapping and redirect URL, against Hadoop's rules: EnumParam
 * upper-cases the op, ParamFilter lower-cases parameter names, PutOpParam words its own error,
 * ExceptionHandler maps FileNotFoundException to 404, other IOExceptions to 403 and
 * IllegalArgumentException (InvalidPathException is one) to 400, and NamenodeWebHdfsMethods
 * builds the DataNode URL with op, user.name, namenoderpcaddress, then the rest by name.
 */
import { describe, expect, it } from 'vitest';
import { javaHashMapOrder } from '../../cluster/common/java-hash-map.js';
import {
  BLOCK_LOCATION_PUT_ORDER,
  SERVER_DEFAULTS_PUT_ORDER,
  fileStatusKeys,
} from './jsonutil-put-orders.js';
import { RemoteError } from '../../cluster/protocol/errors.js';
import type { FileStatus } from '../../cluster/protocol/types.js';
import {
  aclSpecParam,
  aclStatusJson,
  authFilterRefusal,
  blockLocationsJson,
  checkRemoteUser,
  fileStatusJson,
  parseWebHdfsRequest,
  permissionParam,
  redirectLocation,
  remoteExceptionJson,
  serverDefaultsJson,
  fsStatusJson,
  fsActionParam,
  longParam,
  longParamText,
  quotaParam,
  snapshotDiffJson,
  snapshottableDirsJson,
  webHdfsErrorOf,
  type WebHdfsError,
} from '../../cluster/client/webhdfs.js';

function failure(run: () => unknown): WebHdfsError {
  try {
    run();
  } catch (err) {
    return webHdfsErrorOf(err);
  }
  throw new Error('expected a failure');
}

describe('WebHDFS requests', () => {
  it('reads op and parameter names case-insensitively and keeps the path as sent', () => {
    const req = parseWebHdfsRequest('GET', '/webhdfs/v1/a%20b/c?OP=liststatus&User.Name=alice');
    expect(req).toMatchObject({ op: 'LISTSTATUS', path: '/a b/c', user: 'alice' });
    expect(parseWebHdfsRequest('GET', '/webhdfs/v1/x/../y?op=OPEN').path).toBe('/x/../y');
    expect(parseWebHdfsRequest('GET', '/webhdfs/v1?op=GETFILESTATUS')).toMatchObject({
      path: '/',
      user: 'dr.who',
    });
  });

  it("refuses an op outside the method's enum in Hadoop's words", () => {
    // GetOpParam.getOp (and Put/Post/Delete's): the value as sent, then the method.
    expect(failure(() => parseWebHdfsRequest('GET', '/webhdfs/v1/?op=mkdirs'))).toMatchObject({
      status: 400,
      message: 'Invalid value for webhdfs parameter "op": mkdirs is not a valid GET operation.',
    });
    expect(failure(() => parseWebHdfsRequest('DELETE', '/webhdfs/v1/?op=RENAME')).message).toBe(
      'Invalid value for webhdfs parameter "op": RENAME is not a valid DELETE operation.',
    );
    expect(failure(() => parseWebHdfsRequest('PUT', '/webhdfs/v1/?op=open')).message).toBe(
      'Invalid value for webhdfs parameter "op": open is not a valid PUT operation.',
    );
    expect(
      failure(() => parseWebHdfsRequest('GET', '/webhdfs/v1/?op=LISTSTATUS&user.name=a%20b')).status,
    ).toBe(400);
    // No op (or an empty one) is each OpParam's @DefaultValue, NULL, which the handlers refuse.
    expect(parseWebHdfsRequest('GET', '/webhdfs/v1/').op).toBe('NULL');
    expect(parseWebHdfsRequest('POST', '/webhdfs/v1/x?op=').op).toBe('NULL');
  });

  it("treats an empty user.name as UserParam does, and refuses it where Hadoop's filter and JspHelper do", () => {
    // UserParam's default is "": no user, so the DataNode's ParameterParser takes the static user.
    const empty = parseWebHdfsRequest('GET', '/webhdfs/v1/?op=OPEN&user.name=');
    expect(empty.user).toBe('dr.who');
    // The NameNode's AuthFilter (PseudoAuthenticationHandler) makes an AuthenticationToken of it first:
    // AuthToken.checkForIllegalArgument throws, uncaught, for an empty name or one holding '&'.
    const refused = "java.lang.IllegalArgumentException: userName is NULL, empty or contains a '&'";
    expect(authFilterRefusal('/webhdfs/v1/?op=LISTSTATUS&user.name=')).toBe(refused);
    expect(authFilterRefusal('/webhdfs/v1/?user.name=a%26b&op=LISTSTATUS')).toBe(refused);
    expect(authFilterRefusal('/webhdfs/v1/?op=LISTSTATUS&user.name=alice')).toBeUndefined();
    expect(authFilterRefusal('/webhdfs/v1/?op=LISTSTATUS')).toBeUndefined();
    // With a delegation token the filter steps aside; JspHelper.getUGI then hands "" to createRemoteUser.
    const delegated = '/webhdfs/v1/?op=LISTSTATUS&user.name=&delegation=x';
    expect(authFilterRefusal(delegated)).toBeUndefined();
    expect(failure(() => checkRemoteUser(parseWebHdfsRequest('GET', delegated)))).toMatchObject({
      status: 400,
      exception: 'IllegalArgumentException',
      message: 'Null user',
    });
    expect(() => checkRemoteUser(parseWebHdfsRequest('GET', '/webhdfs/v1/?op=LISTSTATUS'))).not.toThrow();
  });

  it('parses permissions as octal 0-1777', () => {
    const req = (p: string) => parseWebHdfsRequest('PUT', `/webhdfs/v1/d?op=MKDIRS&permission=${p}`);
    expect(permissionParam(req('0755'), 0)).toBe(0o755);
    expect(permissionParam(req('1777'), 0)).toBe(0o1777);
    expect(failure(() => permissionParam(req('2777'), 0)).status).toBe(400);
    expect(failure(() => permissionParam(req('rwx'), 0)).status).toBe(400);
  });
});

describe('WebHDFS long parameters (LongParam)', () => {
  const req = (q: string) => parseWebHdfsRequest('GET', `/webhdfs/v1/f?op=OPEN&${q}`);

  it("takes every value Long.parseLong takes: Long.MAX_VALUE as a length means to the file's end", () => {
    expect(longParam(req('length=9223372036854775807'), 'length', null)).toBe(Number.MAX_SAFE_INTEGER);
    expect(longParam(req('offset=%2B007'), 'offset', 0)).toBe(7);
    expect(longParamText(req('offset=%2B007'), 'offset')).toBe('7');
    expect(longParamText(req('offset=9223372036854775807'), 'offset')).toBe('9223372036854775807');
    expect(longParam(req('length=null'), 'length', null)).toBeNull();
    expect(quotaParam(req('namespacequota=-1'), 'namespacequota')).toBe('-1');
    expect(quotaParam(req(''), 'namespacequota')).toBe('9223372036854775807');
  });

  it("refuses what Long.parseLong refuses, and a value under the minimum, in LongParam's words", () => {
    // LongParam.Domain.parse wraps Long.parseLong's NumberFormatException; ExceptionHandler names the parameter.
    for (const text of ['9223372036854775808', '-9223372036854775809', '1e3', '12abc', '0x10']) {
      expect(failure(() => longParam(req(`length=${text}`), 'length', null))).toMatchObject({
        status: 400,
        exception: 'IllegalArgumentException',
        message: `Invalid value for webhdfs parameter "length": Failed to parse "${text}" as a radix-10 long integer.`,
      });
    }
    // LongParam.checkRange: OffsetParam's and LengthParam's minimum is 0.
    expect(failure(() => longParam(req('offset=-1'), 'offset', 0)).message).toBe(
      'Invalid value for webhdfs parameter "offset": Invalid parameter range: offset = -1 < 0',
    );
  });
});

describe('WebHDFS errors (ExceptionHandler)', () => {
  it('maps exceptions to the status codes Hadoop gives them', () => {
    const status = (e: RemoteError): number => webHdfsErrorOf(e).status;
    expect(status(new RemoteError('FileNotFoundException', 'File does not exist: /x'))).toBe(404);
    expect(status(new RemoteError('AccessControlException', 'Permission denied'))).toBe(403);
    expect(status(new RemoteError('SafeModeException', 'Name node is in safe mode'))).toBe(403);
    expect(status(new RemoteError('InvalidPathException', 'Invalid path name'))).toBe(400);
    expect(webHdfsErrorOf(new TypeError('bug')).status).toBe(500);
  });

  it('writes the RemoteException body', () => {
    const body = remoteExceptionJson(
      webHdfsErrorOf(new RemoteError('FileNotFoundException', 'File does not exist: /foo')),
    );
    expect(body).toBe(
      '{"RemoteException":{"exception":"FileNotFoundException","javaClassName":"java.io.FileNotFoundException","message":"File does not exist: /foo"}}',
    );
  });
});

const DIR: FileStatus = {
  path: '/d',
  pathSuffix: 'd',
  type: 'DIRECTORY',
  length: 0,
  owner: 'alice',
  group: 'supergroup',
  permission: 0o1777,
  replication: 0,
  blockSize: 0,
  modificationTime: 5,
  accessTime: 0,
  fileId: 16386,
  childrenNum: 2,
};

describe('WebHDFS shapes', () => {
  it('writes a FileStatus with sorted keys, octal permission and zeros for a directory', () => {
    const dir = fileStatusJson(DIR, 'd');
    expect(JSON.stringify(dir)).toBe(
      '{"accessTime":0,"blockSize":0,"childrenNum":2,"fileId":16386,"group":"supergroup","length":0,"modificationTime":5,"owner":"alice","pathSuffix":"d","permission":"1777","replication":0,"storagePolicy":0,"type":"DIRECTORY"}',
    );
  });

  it('writes aclBit and snapshotEnabled only when true, in their sorted places', () => {
    const json = fileStatusJson({ ...DIR, hasAcl: true }, 'd', { snapshotEnabled: true });
    expect(Object.keys(json)).toEqual(fileStatusKeys({ aclBit: true, snapshotEnabled: true }));
    expect([json.aclBit, json.snapshotEnabled]).toEqual([true, true]);
  });

  it('writes an AclStatus with the entries as AclEntry.toStringStable', () => {
    const body = aclStatusJson({
      owner: 'alice',
      group: 'staff',
      sticky: true,
      permission: 0o1770,
      entries: [
        { scope: 'ACCESS', type: 'USER', name: 'bob', permission: 6 },
        { scope: 'ACCESS', type: 'GROUP', name: null, permission: 5 },
        { scope: 'DEFAULT', type: 'MASK', name: null, permission: 7 },
      ],
    });
    expect(JSON.stringify(body)).toBe(
      '{"AclStatus":{"entries":["user:bob:rw-","group::r-x","default:mask::rwx"],"group":"staff","owner":"alice","permission":"1770","stickyBit":true}}',
    );
  });

  it("writes FsServerDefaults in Java's HashMap order with DataChecksum's type id", () => {
    const body = serverDefaultsJson({
      blockSize: 134217728,
      bytesPerChecksum: 512,
      writePacketSize: 65536,
      replication: 3,
      fileBufferSize: 4096,
      trashIntervalMinutes: 0,
      checksumType: 'CRC32C',
    });
    // Java: String.hashCode spread by HashMap.hash, bucket = hash & 15, then insertion order.
    expect(JSON.stringify(body)).toBe(
      '{"FsServerDefaults":{"replication":3,"encryptDataTransfer":false,"defaultStoragePolicyId":7,"writePacketSize":65536,"fileBufferSize":4096,"checksumType":2,"trashInterval":0,"keyProviderUri":"","blockSize":134217728,"bytesPerChecksum":512}}',
    );
    expect(JSON.stringify(Object.keys(body.FsServerDefaults as object))).toBe(
      JSON.stringify(javaHashMapOrder(SERVER_DEFAULTS_PUT_ORDER)),
    );
  });

  it("writes FsStatus in Java's HashMap order (JsonUtil puts capacity, used, remaining)", () => {
    const body = fsStatusJson({ capacity: 300, used: 20, remaining: 250 });
    expect(JSON.stringify(body)).toBe('{"FsStatus":{"used":20,"remaining":250,"capacity":300}}');
    expect(Object.keys(body.FsStatus as object)).toEqual(javaHashMapOrder(['capacity', 'used', 'remaining']));
  });

  it("reads CHECKACCESS's fsaction as FsAction.SYMBOL, in FsActionParam's domain", () => {
    const req = (q: string) => parseWebHdfsRequest('GET', `/webhdfs/v1/f?op=CHECKACCESS${q}`);
    expect(fsActionParam(req('&fsaction=r-x'))).toBe(0o5);
    expect(fsActionParam(req('&fsaction=-w-'))).toBe(0o2);
    expect(fsActionParam(req('&fsaction=---'))).toBe(0);
    expect(failure(() => fsActionParam(req('&fsaction=rwz')))).toMatchObject({
      status: 400,
      message:
        'Invalid value for webhdfs parameter "fsaction": Invalid value: "rwz" does not belong to the domain [r-][w-][x-]',
    });
    expect(failure(() => fsActionParam(req(''))).message).toBe(
      'Required param fsaction for op: CHECKACCESS is null or empty',
    );
  });

  it("writes a BlockLocation's keys in Java's HashMap order, as JsonUtil's HashMap gives them", () => {
    const block = {
      block: { blockId: 1073741825, genStamp: 1001, numBytes: 10 },
      blockPoolId: 'BP-1',
      startOffset: 0,
      locations: [],
      racks: [],
      isCorrupt: false,
    };
    const body = blockLocationsJson({
      fileLength: 10,
      underConstruction: false,
      isLastBlockComplete: true,
      blocks: [block],
      lastBlock: block,
    }) as { BlockLocations: { BlockLocation: object[] } };
    expect(Object.keys(body.BlockLocations.BlockLocation[0] ?? {})).toEqual(
      javaHashMapOrder(BLOCK_LOCATION_PUT_ORDER),
    );
  });

  it('writes a SnapshotDiffReport; the names echo the request when both mean the current tree', () => {
    const report = {
      snapshotRoot: '/d',
      fromSnapshot: 's1',
      toSnapshot: '',
      entries: [
        { type: 'MODIFY' as const, path: '' },
        { type: 'RENAME' as const, path: 'a', target: 'b' },
      ],
    };
    expect(JSON.stringify(snapshotDiffJson(report, { from: 's1', to: null }))).toBe(
      '{"SnapshotDiffReport":{"diffList":[{"sourcePath":"","type":"MODIFY"},{"sourcePath":"a","targetPath":"b","type":"RENAME"}],"fromSnapshot":"s1","snapshotRoot":"/d","toSnapshot":""}}',
    );
    const same = { ...report, fromSnapshot: '', entries: [] };
    expect(snapshotDiffJson(same, { from: null, to: null })).toMatchObject({
      SnapshotDiffReport: { fromSnapshot: null, toSnapshot: null },
    });
  });

  it('writes no snapshottable directories as null, as JsonUtil writes a null listing', () => {
    expect(snapshottableDirsJson([])).toEqual({ SnapshottableDirectoryList: null });
    const [entry] = snapshottableDirsJson([
      { status: DIR, snapshotNumber: 1, snapshotQuota: 65536, parentPath: '/' },
    ]).SnapshottableDirectoryList as Record<string, unknown>[];
    expect(Object.keys(entry ?? {})).toEqual([
      'dirStatus',
      'parentFullPath',
      'snapshotNumber',
      'snapshotQuota',
    ]);
    expect(entry?.dirStatus).toMatchObject({ pathSuffix: 'd', snapshotEnabled: true });
  });

  it("checks aclspec against AclPermissionParam's domain", () => {
    const req = (spec: string) => parseWebHdfsRequest('PUT', `/webhdfs/v1/d?op=SETACL&aclspec=${spec}`);
    expect(aclSpecParam(req('user::rwx,user:bob:r-x,group::r--,other::---'))).toBe(
      'user::rwx,user:bob:r-x,group::r--,other::---',
    );
    expect(aclSpecParam(req('default:user:bob.smith:rw-'))).toBe('default:user:bob.smith:rw-');
    expect(failure(() => aclSpecParam(req('user:bob:rwz')))).toMatchObject({
      status: 400,
      message: expect.stringMatching(
        /^Invalid value for webhdfs parameter "aclspec": Invalid value: "user:bob:rwz" does not belong to the domain \^\(default:\)/,
      ),
    });
    expect(failure(() => aclSpecParam(req(''))).message).toBe(
      'Required param aclspec for op: SETACL is null or empty',
    );
  });

  it('redirects to the DataNode with op, user, the NameNode, then the rest by name', () => {
    const req = parseWebHdfsRequest(
      'PUT',
      '/webhdfs/v1/a%20b.txt?op=CREATE&user.name=bob&overwrite=true&blocksize=1048576&noredirect=true',
    );
    expect(
      redirectLocation({
        datanode: { ipAddr: '127.0.1.2', infoPort: 9864 },
        req,
        namenodeRpcAddress: '127.0.0.1:8020',
      }),
    ).toBe(
      'http://127.0.1.2:9864/webhdfs/v1/a%20b.txt?op=CREATE&user.name=bob&namenoderpcaddress=127.0.0.1:8020&blocksize=1048576&overwrite=true',
    );
  });
});
