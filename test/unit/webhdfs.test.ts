/**
 * WebHDFS's request parsing, error mapping and redirect URL, against Hadoop's rules: EnumParam
 * upper-cases the op, ParamFilter lower-cases parameter names, PutOpParam words its own error,
 * ExceptionHandler maps FileNotFoundException to 404, other IOExceptions to 403 and
 * IllegalArgumentException (InvalidPathException is one) to 400, and NamenodeWebHdfsMethods
 * builds the DataNode URL with op, user.name, namenoderpcaddress, then the rest by name.
 */
import { describe, expect, it } from 'vitest';
import { RemoteError } from '../../cluster/protocol/errors.js';
import {
  fileStatusJson,
  parseWebHdfsRequest,
  permissionParam,
  redirectLocation,
  remoteExceptionJson,
  webHdfsErrorOf,
  type WebHdfsError,
} from '../../cluster/runtime/webhdfs.js';

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
    expect(failure(() => parseWebHdfsRequest('GET', '/webhdfs/v1/?op=mkdirs'))).toMatchObject({
      status: 400,
      message:
        'Invalid value for webhdfs parameter "op": No enum constant org.apache.hadoop.hdfs.web.resources.GetOpParam.Op.MKDIRS',
    });
    expect(failure(() => parseWebHdfsRequest('PUT', '/webhdfs/v1/?op=open')).message).toBe(
      'Invalid value for webhdfs parameter "op": open is not a valid PUT operation.',
    );
    expect(
      failure(() => parseWebHdfsRequest('GET', '/webhdfs/v1/?op=LISTSTATUS&user.name=a%20b')).status,
    ).toBe(400);
  });

  it('parses permissions as octal 0-1777', () => {
    const req = (p: string) => parseWebHdfsRequest('PUT', `/webhdfs/v1/d?op=MKDIRS&permission=${p}`);
    expect(permissionParam(req('0755'), 0)).toBe(0o755);
    expect(permissionParam(req('1777'), 0)).toBe(0o1777);
    expect(failure(() => permissionParam(req('2777'), 0)).status).toBe(400);
    expect(failure(() => permissionParam(req('rwx'), 0)).status).toBe(400);
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

describe('WebHDFS shapes', () => {
  it('writes a FileStatus with sorted keys, octal permission and zeros for a directory', () => {
    const dir = fileStatusJson(
      {
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
        underConstruction: false,
      },
      'd',
    );
    expect(JSON.stringify(dir)).toBe(
      '{"accessTime":0,"blockSize":0,"childrenNum":2,"fileId":16386,"group":"supergroup","length":0,"modificationTime":5,"owner":"alice","pathSuffix":"d","permission":"1777","replication":0,"storagePolicy":0,"type":"DIRECTORY"}',
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
