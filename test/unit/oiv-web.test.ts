/**
 * `lab oiv -p Web`, Hadoop's WebImageViewer, over an fsimage the lab wrote (the golden history's,
 * through the binary codec, with an xattr and an ACL added): the six ops FSImageHandler serves in
 * FSImageLoader's shapes — FileStatus and ContentSummary are HashMaps, so their keys come in Java's
 * HashMap order (String.hashCode buckets of a 16-slot table), wrapped in FSImageLoader's newlines;
 * xattrs and ACLs in JsonUtil's — and FSImageHandler's errors: 405 for anything but GET, 404
 * FileNotFoundException for a path outside /webhdfs/v1 or not in the image, 400
 * IllegalArgumentException without an op or with another one, 403 IOException for a missing xattr.
 * Also Java's HashMap order itself, checked on the two HashMaps JsonUtil writes whose order the
 * NameNode's WebHDFS already follows (FsServerDefaults, BlockLocation).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { javaHashMapOrder } from '../../cluster/common/java-hash-map.js';
import { decodeImage, encodeImage } from '../../cluster/namenode/fsimage/codec.js';
import type { FsImage } from '../../cluster/namenode/fsimage/image.js';
import {
  ImageIndex,
  parseViewerAddress,
  startWebImageViewer,
  webImageAnswer,
  type WebImageViewer,
} from '../../lab/commands/oiv-web.js';
import { scriptedImage } from '../golden/history.js';
import { BLOCK_LOCATION_PUT_ORDER, SERVER_DEFAULTS_PUT_ORDER } from './jsonutil-put-orders.js';

function imageWithFeatures(): FsImage {
  const image = scriptedImage();
  const data = image.inodes.find((i) => i.name === 'data')?.directory;
  if (data) {
    data.xattrs = [{ namespace: 'USER', name: 'color', value: Buffer.from('blue').toString('base64') }];
    data.acl = [{ scope: 'ACCESS', type: 'USER', name: 'bob', permission: 5 }];
  }
  return decodeImage(encodeImage(image));
}

const index = new ImageIndex(imageWithFeatures());
const get = (url: string) => webImageAnswer(index, 'GET', url);

describe("Java's HashMap order", () => {
  it('is the order JsonUtil writes FsServerDefaults and BlockLocation in', () => {
    // JsonUtil.toJsonMap(FsServerDefaults) and toJsonMap(BlockLocation): the keys in put order.
    expect(javaHashMapOrder(SERVER_DEFAULTS_PUT_ORDER)).toEqual([
      'replication',
      'encryptDataTransfer',
      'defaultStoragePolicyId',
      'writePacketSize',
      'fileBufferSize',
      'checksumType',
      'trashInterval',
      'keyProviderUri',
      'blockSize',
      'bytesPerChecksum',
    ]);
    expect(javaHashMapOrder(BLOCK_LOCATION_PUT_ORDER)).toEqual([
      'topologyPaths',
      'corrupt',
      'cachedHosts',
      'names',
      'offset',
      'hosts',
      'length',
      'storageTypes',
    ]);
  });
});

describe('lab oiv -p Web: the read-only WebHDFS of FSImageHandler', () => {
  it("lists a directory as FSImageLoader.listStatus writes it, each child's name as its pathSuffix", () => {
    const answer = get('/webhdfs/v1/?op=LISTSTATUS');
    expect(answer.status).toBe(200);
    expect(answer.body).toBe(
      '{"FileStatuses":{"FileStatus":[\n' +
        '{"owner":"student","replication":0,"pathSuffix":"data","modificationTime":1736157660000,"childrenNum":2,"length":0,"permission":"755","type":"DIRECTORY","blockSize":0,"accessTime":0,"group":"supergroup","fileId":16386}' +
        '\n]}}\n',
    );
    expect(answer.log).toBe('op=LISTSTATUS target=/');
  });

  it("gives a file's status with an empty pathSuffix, its length the sum of its blocks", () => {
    const body = get('/webhdfs/v1/data/moved.bin?op=getfilestatus').body;
    expect(body.startsWith('{"FileStatus":\n{"owner":"student","replication":2,"pathSuffix":""')).toBe(true);
    expect(body.endsWith('\n}\n')).toBe(true);
    const status = JSON.parse(body) as { FileStatus: Record<string, unknown> };
    const file = index.lookup('/data/moved.bin').file;
    expect(status.FileStatus.length).toBe(file?.blocks.reduce((sum, b) => sum + b.numBytes, 0));
    expect(status.FileStatus.type).toBe('FILE');
  });

  it("sums the tree as getContentSummary does, the root's Long.MAX quota exact", () => {
    expect(get('/webhdfs/v1/?op=GETCONTENTSUMMARY').body).toMatch(
      /^\{"ContentSummary":\n\{"directoryCount":2,"quota":9223372036854775807,"length":\d+,"spaceConsumed":\d+,"fileCount":2,"spaceQuota":-1\}\n\}\n$/,
    );
  });

  it('answers xattrs and ACLs in JsonUtil shapes, and 403 for an xattr the inode lacks', () => {
    expect(get('/webhdfs/v1/data?op=LISTXATTRS').body).toBe('{"XAttrNames":"[\\"user.color\\"]"}');
    expect(get('/webhdfs/v1/data?op=GETXATTRS&xattr.name=user.color').body).toBe(
      '{"XAttrs":[{"name":"user.color","value":"\\"blue\\""}]}',
    );
    expect(get('/webhdfs/v1/data?op=GETXATTRS&xattr.name=user.size')).toEqual({
      status: 403,
      body: '{"RemoteException":{"exception":"IOException","javaClassName":"java.io.IOException","message":"At least one of the attributes provided was not found."}}',
    });
    expect(get('/webhdfs/v1/data?op=GETACLSTATUS').body).toBe(
      '{"AclStatus":{"entries":["user:bob:r-x"],"group":"supergroup","owner":"student","permission":"755","stickyBit":false}}',
    );
  });

  it('refuses what FSImageHandler refuses, with its exceptions and statuses', () => {
    const remote = (exception: string, javaClassName: string, message: string | null) =>
      JSON.stringify({ RemoteException: { exception, javaClassName, message } });
    expect(get('/webhdfs/v1/nope?op=GETFILESTATUS')).toEqual({
      status: 404,
      body: remote('FileNotFoundException', 'java.io.FileNotFoundException', '/nope'),
    });
    expect(get('/fsck?op=LISTSTATUS')).toEqual({
      status: 404,
      body: remote(
        'FileNotFoundException',
        'java.io.FileNotFoundException',
        'Path: /fsck should start with /webhdfs/v1',
      ),
    });
    expect(get('/webhdfs/v1/?op=MKDIRS')).toEqual({
      status: 400,
      body: remote(
        'IllegalArgumentException',
        'java.lang.IllegalArgumentException',
        'Invalid value for webhdfs parameter "op"',
      ),
    });
    expect(get('/webhdfs/v1/')).toEqual({
      status: 400,
      body: remote(
        'IllegalArgumentException',
        'java.lang.IllegalArgumentException',
        'Param op must be specified.',
      ),
    });
    expect(webImageAnswer(index, 'PUT', '/webhdfs/v1/?op=MKDIRS')).toEqual({ status: 405, body: '' });
  });

  it('listens on loopback only', () => {
    expect(parseViewerAddress('localhost:5978')).toEqual({ host: '127.0.0.1', port: 5978 });
    expect(() => parseViewerAddress('0.0.0.0:5978')).toThrow(/on loopback/);
  });
});

describe('lab oiv -p Web: the server', () => {
  let viewer: WebImageViewer | undefined;
  afterEach(async () => {
    await viewer?.close();
    viewer = undefined;
  });

  it('answers over HTTP with JSON and closes each connection, as FSImageHandler does', async () => {
    viewer = await startWebImageViewer(imageWithFeatures(), '127.0.0.1:0');
    const res = await fetch(`http://127.0.0.1:${viewer.port}/webhdfs/v1/data?op=LISTSTATUS`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('connection')).toBe('close');
    const listed = JSON.parse(await res.text()) as { FileStatuses: { FileStatus: { pathSuffix: string }[] } };
    expect(listed.FileStatuses.FileStatus.map((s) => s.pathSuffix)).toEqual(['incoming.log', 'moved.bin']);
  });
});
