/**
 * WebHDFS on a real cluster (ephemeral ports, its own home), driven by a real third-party WebHDFS
 * client (the npm `webhdfs` package) and by raw requests as curl sends them. Expected shapes and
 * messages come from Hadoop (JsonUtil, NamenodeWebHdfsMethods, ExceptionHandler, the op enums; WebHDFS.md); expected bytes and owners come from the cluster itself
 * (files read back with the lab's own DFS client, `lab fs -get`, the DataNodes in cluster.json).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DFSClient } from '../../cluster/client/dfs-client.js';
import { isOpenForWrite } from '../../cluster/client/open-file.js';
import { decodeSegment } from '../../cluster/namenode/editlog/codec.js';
import { startCluster, stopNodes } from '../../cluster/launcher/launcher.js';
import { requireDescription } from '../../cluster/home/home.js';
import { readNamenodeHttpAddress } from '../../cluster/home/http-address.js';
import { runLab } from './lab-process.js';
import { waitFor } from './wait-for.js';
import { fileStatusKeys } from '../unit/jsonutil-put-orders.js';
import { BUILT } from './requirements.js';

const MiB = 1024 * 1024;

/** The part of the `webhdfs` package's client this test uses (it ships no types). */
interface WebHdfsClient {
  mkdir(path: string, mode: string, cb: (err: Error | null) => void): void;
  writeFile(path: string, data: Buffer, cb: (err: Error | null) => void): void;
  readFile(path: string, cb: (err: Error | null, data: Buffer) => void): void;
  appendFile(path: string, data: Buffer, cb: (err: Error | null) => void): void;
  readdir(path: string, cb: (err: Error | null, files: { pathSuffix: string; type: string }[]) => void): void;
  rename(path: string, dst: string, cb: (err: Error | null) => void): void;
  unlink(path: string, recursive: boolean, cb: (err: Error | null) => void): void;
  stat(path: string, cb: (err: Error | null, status: { length: number; owner: string }) => void): void;
}
const webhdfs = createRequire(import.meta.url)('webhdfs') as {
  createClient(opts: { user: string; host: string; port: number; path: string }): WebHdfsClient;
};

function promised<T>(call: (cb: (err: Error | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => call((err, value) => (err ? reject(err) : resolve(value as T))));
}

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

/**
 * One request as `curl --path-as-is` sends it: no redirects followed, no lab headers, and the path
 * as written (a URL parser would resolve `..` before the server could refuse it).
 */
function request(url: string, method = 'GET', body?: Buffer): Promise<Answer> {
  const [, host = '', port = '', rawPath = '/'] = /^http:\/\/([^:/]+):(\d+)(\/.*)$/.exec(url) ?? [];
  return new Promise((resolve, reject) => {
    const req = http.request({ host, port: Number(port), path: rawPath, method }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }),
      );
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** The file /snap/sub/f.txt holds; a snapshot keeps it after it is deleted. */
const HELD = 'held by a snapshot\n';

const json = (a: Answer): Record<string, unknown> =>
  JSON.parse(a.body.toString('utf8')) as Record<string, unknown>;

describe.skipIf(!BUILT)('WebHDFS', () => {
  let home = '';
  let nn = '';
  let nnRpc = '';
  const user = os.userInfo().username;
  let client: WebHdfsClient;
  /** The lab's own client: what the RPC answers, to hold WebHDFS's answers against. */
  let nnClient: DFSClient;

  beforeAll(async () => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-webhdfs-'));
    await startCluster({
      home,
      datanodes: 3,
      blockSize: '1m',
      replication: 2,
      seed: 'webhdfs',
      ephemeralPorts: true,
      defines: ['dfs.heartbeat.interval=1'],
    });
    const description = requireDescription(home);
    nn = readNamenodeHttpAddress(home, description) ?? '';
    nnRpc = `${description.namenode.host}:${description.namenode.port}`;
    const [host, port] = nn.split(':') as [string, string];
    client = webhdfs.createClient({ user, host, port: Number(port), path: '/webhdfs/v1' });
    nnClient = await DFSClient.connect({ home, warn: () => undefined });
  }, 90_000);

  afterAll(async () => {
    await nnClient?.close();
    if (home) {
      await stopNodes(home).catch(() => []);
      fs.rmSync(home, { recursive: true, force: true });
    }
  });

  const url = (p: string, query: string): string => `http://${nn}/webhdfs/v1${p}?${query}`;

  it('the webhdfs npm client writes, reads, lists, renames and deletes', async () => {
    const data = randomBytes(MiB + MiB / 2);
    await promised<void>((cb) => client.mkdir('/web', '755', cb));
    await promised<void>((cb) => client.writeFile('/web/a.bin', data, cb));
    const back = await promised<Buffer>((cb) => client.readFile('/web/a.bin', cb));
    expect(back.equals(data)).toBe(true);
    const stat = await promised<{ length: number; owner: string }>((cb) => client.stat('/web/a.bin', cb));
    expect(stat).toMatchObject({ length: data.length, owner: user });
    const listed = await promised<{ pathSuffix: string; type: string }[]>((cb) => client.readdir('/web', cb));
    expect(listed.map((s) => [s.pathSuffix, s.type])).toEqual([['a.bin', 'FILE']]);
    await promised<void>((cb) => client.rename('/web/a.bin', '/web/b.bin', cb));
    expect(
      (await promised<{ pathSuffix: string }[]>((cb) => client.readdir('/web', cb))).map((s) => s.pathSuffix),
    ).toEqual(['b.bin']);
    // Written over HTTP, read with the lab's own client: the same bytes, in two 1 MiB blocks.
    const local = path.join(home, 'b.back');
    const got = await runLab(home, 'fs', '-get', '/web/b.bin', local);
    expect(got.code).toBe(0);
    expect(fs.readFileSync(local).equals(data)).toBe(true);
    await promised<void>((cb) => client.unlink('/web/b.bin', false, cb));
    expect(await promised<unknown[]>((cb) => client.readdir('/web', cb))).toEqual([]);
  });

  it('appends: POST op=APPEND is redirected to a DataNode holding the last block, which continues it', async () => {
    const first = randomBytes(MiB / 2);
    const more = randomBytes(MiB);
    await promised<void>((cb) => client.writeFile('/appended.bin', first, cb));
    await promised<void>((cb) => client.appendFile('/appended.bin', more, cb));
    const step1 = await request(url('/appended.bin', `op=APPEND&user.name=${user}`), 'POST');
    expect(step1.status).toBe(307);
    const step2 = await request(String(step1.headers.location), 'POST', Buffer.from('tail'));
    expect([step2.status, step2.body.length]).toEqual([200, 0]);
    const local = path.join(home, 'appended.back');
    expect((await runLab(home, 'fs', '-get', '/appended.bin', local)).code).toBe(0);
    expect(fs.readFileSync(local).equals(Buffer.concat([first, more, Buffer.from('tail')]))).toBe(true);
  });

  it('reads over WebHDFS what `lab fs -put` wrote, from an offset', async () => {
    const data = randomBytes(MiB + 1000);
    const local = path.join(home, 'put.bin');
    fs.writeFileSync(local, data);
    expect((await runLab(home, 'fs', '-put', local, '/put.bin')).code).toBe(0);
    const back = await promised<Buffer>((cb) => client.readFile('/put.bin', cb));
    expect(back.equals(data)).toBe(true);
    const step1 = await request(url('/put.bin', `op=OPEN&user.name=${user}&offset=${MiB - 10}&length=20`));
    expect(step1.status).toBe(307);
    const step2 = await request(String(step1.headers.location));
    expect(step2.status).toBe(200);
    expect(step2.headers['content-type']).toBe('application/octet-stream');
    expect(step2.body.equals(data.subarray(MiB - 10, MiB + 10))).toBe(true);
  });

  it('answers CREATE with a 307 to a DataNode, which writes through the pipeline and answers 201', async () => {
    const description = requireDescription(home);
    const step1 = await request(url('/curl.txt', `op=CREATE&user.name=${user}&overwrite=false`), 'PUT');
    expect(step1.status).toBe(307);
    expect(step1.body.length).toBe(0);
    const location = new URL(String(step1.headers.location));
    // NamenodeWebHdfsMethods.redirectURI: a DataNode's HTTP address, the same path, op and user,
    // the NameNode's RPC address, then the other parameters by name.
    const dn = description.datanodes.find((d) => `${d.host}:${d.httpPort}` === location.host);
    expect(dn, `${location.host} is a DataNode's HTTP address`).toBeDefined();
    expect(location.pathname).toBe('/webhdfs/v1/curl.txt');
    expect(location.search).toBe(`?op=CREATE&user.name=${user}&namenoderpcaddress=${nnRpc}&overwrite=false`);
    const step2 = await request(location.href, 'PUT', Buffer.from('hello over http\n'));
    expect(step2.status).toBe(201);
    expect(step2.headers.location).toBe(`hdfs://${nnRpc}/curl.txt`);
    const reader = await DFSClient.connect({ home, warn: () => undefined });
    try {
      const chunks: Buffer[] = [];
      for await (const c of reader.readFile('/curl.txt')) chunks.push(c);
      expect(Buffer.concat(chunks).toString()).toBe('hello over http\n');
    } finally {
      await reader.close();
    }
    // The journal shows the redirect and the DataNode acting as the HDFS client of the write.
    const traffic = await runLab(home, 'traffic', '--since', '5m');
    const lines = traffic.stdout.split('\n');
    expect(lines.some((l) => /> nn \S+: PUT \/webhdfs\/v1\/curl\.txt\?op=CREATE/.test(l))).toBe(true);
    expect(lines.some((l) => /nn \S+ > .*HTTP 307/.test(l))).toBe(true);
    expect(lines.some((l) => new RegExp(`${dn?.id} \\S+ > nn \\S+: create src=/curl\\.txt`).test(l))).toBe(
      true,
    );
    expect(lines.some((l) => new RegExp(`${dn?.id} \\S+ > dn\\d \\S+: writeBlock`).test(l))).toBe(true);
    // `lab trace` draws it as a put, down to the last DataNode of the pipeline (the id rides in traceInfo).
    const trace = await runLab(home, 'trace', 'put', '/curl.txt');
    expect(trace.stdout.split('\n')[0]).toMatch(/^webhdfsCreate-\d+-\d+ \(put \/curl\.txt\)$/);
    expect(trace.stdout).toContain('targets=[] stage=PIPELINE_SETUP_CREATE');
  });

  it("answers Hadoop's JSON shapes, keys in alphabetical order", async () => {
    const status = await request(url('/put.bin', 'op=GETFILESTATUS'));
    expect(status.status).toBe(200);
    expect(status.headers['content-type']).toBe('application/json');
    const fileStatus = (json(status) as { FileStatus: Record<string, unknown> }).FileStatus;
    expect(Object.keys(fileStatus)).toEqual(fileStatusKeys());
    expect(fileStatus).toMatchObject({
      blockSize: MiB,
      length: MiB + 1000,
      owner: user,
      pathSuffix: '',
      permission: '644',
      replication: 2,
      type: 'FILE',
    });
    // Ops and parameter names are case-insensitive (EnumParam upper-cases, ParamFilter lower-cases).
    const lower = await request(`http://${nn}/webhdfs/v1/?OP=liststatus`);
    expect(lower.status).toBe(200);
    const names = (
      json(lower) as { FileStatuses: { FileStatus: { pathSuffix: string }[] } }
    ).FileStatuses.FileStatus.map((s) => s.pathSuffix);
    expect(names).toEqual(expect.arrayContaining(['put.bin', 'web']));
    const summary = json(await request(url('/put.bin', 'op=GETCONTENTSUMMARY')));
    expect(summary).toEqual({
      ContentSummary: {
        directoryCount: 0,
        // JsonUtil.toJsonMap(ContentSummary): getErasureCodingPolicy, "Replicated" for a file.
        ecPolicy: 'Replicated',
        fileCount: 1,
        length: MiB + 1000,
        quota: -1,
        snapshotDirectoryCount: 0,
        snapshotFileCount: 0,
        snapshotLength: 0,
        snapshotSpaceConsumed: 0,
        spaceConsumed: 2 * (MiB + 1000),
        spaceQuota: -1,
        typeQuota: {},
      },
    });
    const locations = json(await request(url('/put.bin', 'op=GETFILEBLOCKLOCATIONS'))) as {
      BlockLocations: {
        BlockLocation: { offset: number; length: number; names: string[]; topologyPaths: string[] }[];
      };
    };
    expect(locations.BlockLocations.BlockLocation.map((b) => [b.offset, b.length, b.names.length])).toEqual([
      [0, MiB, 2],
      [MiB, 1000, 2],
    ]);
    const home1 = json(await request(url('/', 'op=GETHOMEDIRECTORY&user.name=alice')));
    expect(home1).toEqual({ Path: '/user/alice' });
    const mkdirs = await request(url('/made/deep', `op=MKDIRS&user.name=${user}&permission=750`), 'PUT');
    expect(json(mkdirs)).toEqual({ boolean: true });
    expect(
      (
        json(await request(url('/made/deep', `op=GETFILESTATUS&user.name=${user}`))) as {
          FileStatus: { permission: string };
        }
      ).FileStatus.permission,
    ).toBe('750');
    const del = await request(url('/no/such', `op=DELETE&user.name=${user}`), 'DELETE');
    expect(json(del)).toEqual({ boolean: false });
    const checksum = await request(url('/put.bin', 'op=GETFILECHECKSUM'));
    expect(checksum.status).toBe(307);
    const sum = json(await request(String(checksum.headers.location))) as {
      FileChecksum: Record<string, unknown>;
    };
    const labSum = await runLab(home, 'fs', '-checksum', '/put.bin');
    expect(labSum.stdout.trim().split('\t')).toEqual([
      '/put.bin',
      sum.FileChecksum.algorithm,
      sum.FileChecksum.bytes,
    ]);
    expect(sum.FileChecksum.length).toBe(28);
  });

  it("serves each DataNode's /jmx (DataNodeInfo, FSDatasetState) and announces its HTTP port to the NameNode", async () => {
    const description = requireDescription(home);
    const nnInfo = json(await request(`http://${nn}/jmx?qry=Hadoop:service=NameNode,name=NameNodeInfo`)) as {
      beans: { LiveNodes: string }[];
    };
    const live = JSON.parse(nnInfo.beans[0]?.LiveNodes ?? '{}') as Record<
      string,
      { infoAddr: string; xferaddr: string }
    >;
    for (const dn of description.datanodes) {
      const entry = Object.values(live).find((n) => n.xferaddr === `${dn.host}:${dn.port}`);
      expect(entry?.infoAddr).toBe(`${dn.host}:${dn.httpPort}`);
      const beans = (
        json(await request(`http://${dn.host}:${dn.httpPort}/jmx?qry=Hadoop:*`)) as {
          beans: Record<string, unknown>[];
        }
      ).beans;
      expect(beans.map((b) => b.name)).toEqual([
        'Hadoop:service=DataNode,name=DataNodeInfo',
        'Hadoop:service=DataNode,name=FSDatasetState',
      ]);
      expect(beans[0]).toMatchObject({ HttpPort: String(dn.httpPort), DataPort: String(dn.port) });
      expect(Number(beans[1]?.Capacity)).toBeGreaterThan(0);
    }
  });

  it('answers bad requests with RemoteException JSON and the status ExceptionHandler gives', async () => {
    const remote = async (u: string, method = 'GET'): Promise<[number, Record<string, string>]> => {
      const a = await request(u, method);
      return [a.status, (json(a) as { RemoteException: Record<string, string> }).RemoteException];
    };
    expect(await remote(url('/nope', 'op=GETFILESTATUS'))).toEqual([
      404,
      {
        exception: 'FileNotFoundException',
        javaClassName: 'java.io.FileNotFoundException',
        message: 'File does not exist: /nope',
      },
    ]);
    expect(await remote(url('/nope', 'op=LISTSTATUS'))).toEqual([
      404,
      {
        exception: 'FileNotFoundException',
        javaClassName: 'java.io.FileNotFoundException',
        message: 'File /nope does not exist.',
      },
    ]);
    expect(await remote(url('/', 'op=FROB'))).toEqual([
      400,
      {
        exception: 'IllegalArgumentException',
        javaClassName: 'java.lang.IllegalArgumentException',
        message: 'Invalid value for webhdfs parameter "op": FROB is not a valid GET operation.',
      },
    ]);
    // An op of another method: MKDIRS is a PUT.
    const [wrongMethod] = await remote(url('/x', 'op=MKDIRS'));
    expect(wrongMethod).toBe(400);
    const [dotdotStatus, dotdot] = await remote(url('/web/../etc', 'op=GETFILESTATUS'));
    expect([dotdotStatus, dotdot.exception]).toEqual([400, 'InvalidPathException']);
    const [negStatus, neg] = await remote(url('/put.bin', 'op=OPEN&offset=-1'));
    expect([negStatus, neg.exception]).toEqual([400, 'IllegalArgumentException']);
    const [userStatus, badUser] = await remote(url('/', 'op=LISTSTATUS&user.name=a%20b'));
    expect([userStatus, badUser.message]).toEqual([400, expect.stringContaining('"user.name"')]);
    // An empty user.name: the NameNode's authentication filter (PseudoAuthenticationHandler) makes an
    // AuthenticationToken of it, which throws before WebHDFS sees the request: Jetty's 500.
    const empty = await request(url('/', 'op=LISTSTATUS&user.name='));
    expect([empty.status, empty.body.toString('utf8')]).toEqual([
      500,
      "java.lang.IllegalArgumentException: userName is NULL, empty or contains a '&'\n",
    ]);
    // With a delegation token the filter steps aside, and JspHelper.getUGI's createRemoteUser refuses "".
    expect(await remote(url('/', 'op=LISTSTATUS&user.name=&delegation=x'))).toEqual([
      400,
      {
        exception: 'IllegalArgumentException',
        javaClassName: 'java.lang.IllegalArgumentException',
        message: 'Null user',
      },
    ]);
    // A DataNode reads it as UserParam does, no user: the static user dr.who, who may not write into /web.
    const dn = requireDescription(home).datanodes[0]!;
    const [nobodyStatus, nobody] = await remote(
      `http://${dn.host}:${dn.httpPort}/webhdfs/v1/web/nobody.txt?op=CREATE&user.name=&namenoderpcaddress=${nnRpc}`,
      'PUT',
    );
    expect([nobodyStatus, nobody.exception]).toEqual([403, 'AccessControlException']);
    expect(nobody.message).toMatch(/^Permission denied: user=dr\.who, access=WRITE/);
    // Permissions are the NameNode's: dr.who (no user.name) may not write into a 755 directory.
    const [deniedStatus, denied] = await remote(url('/web', 'op=MKDIRS'), 'PUT');
    expect([deniedStatus, denied.exception]).toEqual([403, 'AccessControlException']);
    expect(denied.message).toMatch(/^Permission denied: user=dr\.who, access=WRITE/);
    // At or past the end of the file: chooseDatanode refuses it before any redirect (an IOException, 403).
    const size = MiB + 1000;
    expect(await remote(url('/put.bin', `op=OPEN&offset=${size}`))).toEqual([
      403,
      {
        exception: 'IOException',
        javaClassName: 'java.io.IOException',
        message: `Offset=${size} out of the range [0, ${size}); OPEN, path=/put.bin`,
      },
    ]);
    const [missingStatus, missing] = await remote(url('/nope', 'op=OPEN'));
    expect([missingStatus, missing.message]).toEqual([404, 'File /nope not found.']);
    // Long.MAX_VALUE is a long: as a length it reads to the end of the file.
    const whole = await request(url('/put.bin', `op=OPEN&offset=${size - 10}&length=9223372036854775807`));
    expect(whole.status).toBe(307);
    expect((await request(String(whole.headers.location))).body.length).toBe(10);
    // Sent straight to the DataNode, an offset past the end fails DFSInputStream.seek.
    const dnUrl = new URL(String(whole.headers.location));
    dnUrl.searchParams.set('offset', String(size + 1));
    expect(await remote(dnUrl.href)).toEqual([
      403,
      { exception: 'EOFException', javaClassName: 'java.io.EOFException', message: 'Cannot seek after EOF' },
    ]);
    // A DataNode serves only its own NameNode.
    dnUrl.searchParams.set('namenoderpcaddress', '10.0.0.1:8020');
    dnUrl.searchParams.set('offset', '0');
    const [otherStatus] = await remote(dnUrl.href);
    expect(otherStatus).toBe(400);
  });
  it('serves /conf, /stacks and the java.lang beans on the NameNode, a DataNode and the Secondary', async () => {
    const description = requireDescription(home);
    const dn = description.datanodes[0];
    const snn = description.secondary;
    const servers = [nn, `${dn?.host}:${dn?.httpPort}`, `${snn?.host}:${snn?.port}`];
    for (const server of servers) {
      // ConfServlet: XML by default; each property with its value and where it came from.
      const xml = await request(`http://${server}/conf`);
      expect([xml.status, xml.headers['content-type']]).toEqual([200, 'text/xml; charset=utf-8']);
      expect(xml.body.toString()).toContain(
        '<property><name>dfs.replication</name><value>2</value><final>false</final>',
      );
      const one = await request(`http://${server}/conf?name=dfs.heartbeat.interval&format=json`);
      expect(JSON.parse(one.body.toString())).toMatchObject({
        property: { key: 'dfs.heartbeat.interval', value: '1', isFinal: false },
      });
      expect((await request(`http://${server}/conf?name=no.such.key`)).status).toBe(404);
      // No thread dump in Node: the JavaScript thread's stack and the open sockets instead.
      const stacks = (await request(`http://${server}/stacks`)).body.toString();
      expect(stacks).toMatch(/^Process Thread Dump: \n1 active threads\n/);
      expect(stacks).toContain(`tcp listening ${server} -> -`);
      const jmx = JSON.parse(
        (await request(`http://${server}/jmx?qry=java.lang:type=*`)).body.toString(),
      ) as { beans: { name: string; [k: string]: unknown }[] };
      expect(jmx.beans.map((b) => b.name)).toEqual(['java.lang:type=Runtime', 'java.lang:type=Memory']);
      const heap = jmx.beans[1]?.HeapMemoryUsage as { used: number; max: number };
      expect(heap.used).toBeGreaterThan(0);
      expect(heap.used).toBeLessThan(heap.max);
      expect(String(jmx.beans[0]?.Name)).toMatch(/^\d+@/);
    }
  });
  it('sets, gets, lists and removes xattrs and sets and reads quotas, as `lab fs` sees them', async () => {
    const as = `user.name=${user}`;
    expect(json(await request(url('/xq', `op=MKDIRS&${as}`), 'PUT'))).toEqual({ boolean: true });
    const set = await request(
      url('/xq', `op=SETXATTR&xattr.name=user.color&xattr.value=%22blue%22&flag=CREATE&${as}`),
      'PUT',
    );
    expect([set.status, set.body.length]).toEqual([200, 0]);
    // The lab's own shell reads what WebHDFS wrote.
    const getfattr = await runLab(home, 'fs', '-getfattr', '-d', '/xq');
    expect(getfattr.stdout).toContain('user.color="blue"');
    expect(json(await request(url('/xq', `op=GETXATTRS&xattr.name=user.color&${as}`)))).toEqual({
      XAttrs: [{ name: 'user.color', value: '"blue"' }],
    });
    expect(json(await request(url('/xq', `op=GETXATTRS&encoding=HEX&${as}`)))).toEqual({
      XAttrs: [{ name: 'user.color', value: `0x${Buffer.from('blue').toString('hex')}` }],
    });
    // LISTXATTRS: the names as a JSON array inside a string, as JsonUtil writes them.
    expect(json(await request(url('/xq', `op=LISTXATTRS&${as}`)))).toEqual({ XAttrNames: '["user.color"]' });
    const noFlag = json(
      await request(url('/xq', `op=SETXATTR&xattr.name=user.color&xattr.value=red&${as}`), 'PUT'),
    );
    expect(noFlag.RemoteException).toMatchObject({
      exception: 'HadoopIllegalArgumentException',
      message: 'A flag must be specified.',
    });
    expect((await request(url('/xq', `op=REMOVEXATTR&xattr.name=user.color&${as}`), 'PUT')).status).toBe(200);
    const gone = await request(url('/xq', `op=GETXATTRS&xattr.name=user.color&${as}`));
    expect([gone.status, (json(gone).RemoteException as { message: string }).message]).toEqual([
      403,
      'At least one of the attributes provided was not found.',
    ]);
    // Quotas: the superuser sets them, anyone reads the usage.
    const quota = await request(
      url('/xq', `op=SETQUOTA&namespacequota=5&storagespacequota=1048576&${as}`),
      'PUT',
    );
    expect(quota.status).toBe(200);
    expect(json(await request(url('/xq', 'op=GETQUOTAUSAGE')))).toEqual({
      QuotaUsage: {
        fileAndDirectoryCount: 1,
        quota: 5,
        spaceConsumed: 0,
        spaceQuota: 1048576,
        typeQuota: {},
      },
    });
    const count = await runLab(home, 'fs', '-count', '-q', '/xq');
    expect(count.stdout.trim().split(/\s+/).slice(0, 4)).toEqual(['5', '4', '1048576', '1048576']);
    const denied = await request(url('/xq', 'op=SETQUOTA&namespacequota=9'), 'PUT');
    expect([denied.status, (json(denied).RemoteException as { message: string }).message]).toEqual([
      403,
      'Access denied for user dr.who. Superuser privilege is required',
    ]);
  });
  it('sets and reads ACLs over WebHDFS through the same permission checks as the RPC', async () => {
    const as = `user.name=${user}`;
    expect(json(await request(url('/acl', `op=MKDIRS&${as}`), 'PUT'))).toEqual({ boolean: true });
    const set = await request(
      url('/acl', `op=MODIFYACLENTRIES&aclspec=user:alice:r-x,default:group:staff:rwx&${as}`),
      'PUT',
    );
    expect([set.status, set.body.length]).toEqual([200, 0]);
    const status = json(await request(url('/acl', `op=GETACLSTATUS&${as}`)));
    // What the RPC answers (AclStatus), written as JsonUtil writes it.
    {
      const rpc = await nnClient.call('getAclStatus', { src: '/acl' });
      expect(status).toEqual({
        AclStatus: {
          entries: rpc.entries.map(
            (e) =>
              `${e.scope === 'DEFAULT' ? 'default:' : ''}${e.type.toLowerCase()}:${e.name ?? ''}:${'---,--x,-w-,-wx,r--,r-x,rw-,rwx'.split(',')[e.permission]}`,
          ),
          group: rpc.group,
          owner: user,
          permission: rpc.permission.toString(8),
          stickyBit: false,
        },
      });
    }
    expect((status.AclStatus as { entries: string[] }).entries).toEqual(
      expect.arrayContaining(['user:alice:r-x', 'default:group:staff:rwx']),
    );
    // -ls's + and the FileStatus's aclBit come from the same flag.
    const listed = json(await request(url('/', `op=LISTSTATUS&${as}`))) as {
      FileStatuses: { FileStatus: { pathSuffix: string; aclBit?: boolean }[] };
    };
    expect(listed.FileStatuses.FileStatus.find((s) => s.pathSuffix === 'acl')?.aclBit).toBe(true);
    const getfacl = await runLab(home, 'fs', '-getfacl', '/acl');
    expect(getfacl.stdout).toContain('user:alice:r-x\n');
    // Only the owner (or the superuser) changes an ACL: FSDirAclOp's checkOwner.
    const denied = json(
      await request(
        url('/acl', 'op=SETACL&aclspec=user::rwx,group::r-x,other::---&user.name=mallory'),
        'PUT',
      ),
    );
    expect(denied.RemoteException).toMatchObject({ exception: 'AccessControlException' });
    const bad = await request(url('/acl', `op=SETACL&aclspec=user:bob:rwz&${as}`), 'PUT');
    expect(bad.status).toBe(400);
    expect((await request(url('/acl', `op=REMOVEACL&${as}`), 'PUT')).status).toBe(200);
    expect(json(await request(url('/acl', `op=GETACLSTATUS&${as}`)))).toMatchObject({
      AclStatus: { entries: [] },
    });
  });

  it('takes, diffs, renames and deletes snapshots over WebHDFS; lists what lsSnapshottableDir lists', async () => {
    const as = `user.name=${user}`;
    expect(json(await request(url('/', 'op=GETSNAPSHOTTABLEDIRECTORYLIST')))).toEqual({
      SnapshottableDirectoryList: null,
    });
    expect(json(await request(url('/snap/sub', `op=MKDIRS&${as}`), 'PUT'))).toEqual({ boolean: true });
    await promised<void>((cb) => client.writeFile('/snap/sub/f.txt', Buffer.from(HELD), cb));
    expect((await request(url('/snap', `op=ALLOWSNAPSHOT&${as}`), 'PUT')).status).toBe(200);
    const taken = await request(url('/snap', `op=CREATESNAPSHOT&snapshotname=s1&${as}`), 'PUT');
    expect(json(taken)).toEqual({ Path: '/snap/.snapshot/s1' });
    expect(json(await request(url('/snap/new', `op=MKDIRS&${as}`), 'PUT'))).toEqual({ boolean: true });
    const diff = json(await request(url('/snap', `op=GETSNAPSHOTDIFF&oldsnapshotname=s1&${as}`)));
    expect(diff).toEqual({
      SnapshotDiffReport: {
        diffList: [
          { sourcePath: '', type: 'MODIFY' },
          { sourcePath: 'new', type: 'CREATE' },
        ],
        fromSnapshot: 's1',
        snapshotRoot: '/snap',
        toSnapshot: '',
      },
    });
    const renamed = await request(
      url('/snap', `op=RENAMESNAPSHOT&oldsnapshotname=s1&snapshotname=s2&${as}`),
      'PUT',
    );
    expect(renamed.status).toBe(200);
    const list = json(await request(url('/', `op=GETSNAPSHOTTABLEDIRECTORYLIST&${as}`))) as {
      SnapshottableDirectoryList: Record<string, unknown>[];
    };
    expect(list.SnapshottableDirectoryList).toEqual([
      expect.objectContaining({ parentFullPath: '/', snapshotNumber: 1, snapshotQuota: 65536 }),
    ]);
    expect(list.SnapshottableDirectoryList[0]?.dirStatus).toMatchObject({
      pathSuffix: 'snap',
      snapshotEnabled: true,
    });
    const ls = await runLab(home, 'lsSnapshottableDir');
    expect(ls.stdout).toMatch(/ 1 65536 \/snap\n$/);
    // The snapshot holds what it held: s2 (ex-s1) has no `new`.
    const inSnap = json(await request(url('/snap/.snapshot/s2', `op=LISTSTATUS&${as}`))) as {
      FileStatuses: { FileStatus: { pathSuffix: string }[] };
    };
    expect(inSnap.FileStatuses.FileStatus.map((f) => f.pathSuffix)).toEqual(['sub']);
    // sub and its file, deleted, are held by s2: the summary counts them, and again in its snapshot
    // fields (JsonUtil's TreeMap order); the quota usage counts them too.
    const deleted = await request(url('/snap/sub', `op=DELETE&recursive=true&${as}`), 'DELETE');
    expect(json(deleted)).toEqual({ boolean: true });
    const held = Buffer.byteLength(HELD);
    const summary = json(await request(url('/snap', 'op=GETCONTENTSUMMARY'))).ContentSummary;
    expect(Object.entries(summary as Record<string, unknown>)).toEqual([
      ['directoryCount', 3],
      ['ecPolicy', ''],
      ['fileCount', 1],
      ['length', held],
      ['quota', -1],
      ['snapshotDirectoryCount', 1],
      ['snapshotFileCount', 1],
      ['snapshotLength', held],
      ['snapshotSpaceConsumed', 2 * held],
      ['spaceConsumed', 2 * held],
      ['spaceQuota', -1],
      ['typeQuota', {}],
    ]);
    expect(json(await request(url('/snap', 'op=GETQUOTAUSAGE')))).toMatchObject({
      QuotaUsage: { fileAndDirectoryCount: 4, spaceConsumed: 2 * held },
    });
    const missing = await request(url('/snap', `op=DELETESNAPSHOT&${as}`), 'DELETE');
    expect([missing.status, (json(missing).RemoteException as { message: string }).message]).toEqual([
      400,
      'Required param snapshotname for op: DELETESNAPSHOT is null or empty',
    ]);
    expect((await request(url('/snap', `op=DELETESNAPSHOT&snapshotname=s2&${as}`), 'DELETE')).status).toBe(
      200,
    );
    // The last snapshot holding them is gone: so are their counts.
    expect(json(await request(url('/snap', 'op=GETCONTENTSUMMARY')))).toMatchObject({
      ContentSummary: { directoryCount: 2, fileCount: 0, snapshotDirectoryCount: 0, spaceConsumed: 0 },
    });
    expect((await request(url('/snap', `op=DISALLOWSNAPSHOT&${as}`), 'PUT')).status).toBe(200);
  });

  it('truncates over WebHDFS: on a block boundary at once, inside a block after block recovery', async () => {
    const data = randomBytes(MiB + 5000);
    await promised<void>((cb) => client.writeFile('/t.bin', data, cb));
    const as = `user.name=${user}`;
    const inside = await request(url('/t.bin', `op=TRUNCATE&newlength=${MiB + 4096}&${as}`), 'POST');
    expect(json(inside)).toEqual({ boolean: false });
    // Block recovery cuts the last block on its DataNodes; the NameNode closes the file after it.
    await waitFor('the truncated file to be closed', async () => {
      const s = json(await request(url('/t.bin', `op=GETFILESTATUS&${as}`))) as {
        FileStatus: { length: number };
      };
      const open = await isOpenForWrite(nnClient, '/t.bin');
      return s.FileStatus.length === MiB + 4096 && !open ? true : undefined;
    });
    expect(json(await request(url('/t.bin', `op=TRUNCATE&newlength=${MiB}&${as}`), 'POST'))).toEqual({
      boolean: true,
    });
    const back = await promised<Buffer>((cb) => client.readFile('/t.bin', cb));
    expect(back.equals(data.subarray(0, MiB))).toBe(true);
    const larger = json(await request(url('/t.bin', `op=TRUNCATE&newlength=${2 * MiB}&${as}`), 'POST'));
    expect(larger.RemoteException).toMatchObject({
      message: `Cannot truncate to a larger file size. Current size: ${MiB}, truncate size: ${2 * MiB}.`,
    });
    const none = await request(url('/t.bin', `op=TRUNCATE&${as}`), 'POST');
    expect([none.status, (json(none).RemoteException as { message: string }).message]).toEqual([
      400,
      'Required param newlength for op: TRUNCATE is null or empty',
    ]);
  });

  it('answers GETSERVERDEFAULTS from the NameNode, and an op it does not serve as Hadoop does', async () => {
    const defaults = json(await request(url('/', 'op=GETSERVERDEFAULTS'))) as {
      FsServerDefaults: Record<string, unknown>;
    };
    expect(defaults.FsServerDefaults).toMatchObject({
      blockSize: MiB,
      replication: 2,
      bytesPerChecksum: 512,
      checksumType: 2,
      keyProviderUri: '',
    });
    // GETSTATUS is getStats' first three longs, the same the RPC answers.
    const status = json(await request(url('/', 'op=GETSTATUS'))) as { FsStatus: Record<string, number> };
    expect(Object.keys(status.FsStatus)).toEqual(['used', 'remaining', 'capacity']);
    expect(status.FsStatus.capacity).toBe((await nnClient.call('getFsStats', {})).capacity);
    // CHECKACCESS: 200 and no body when allowed; the RPC's exceptions otherwise.
    const as = `user.name=${user}`;
    const allowed = await request(url('/', `op=CHECKACCESS&fsaction=r-x&${as}`));
    expect([allowed.status, allowed.body.length]).toEqual([200, 0]);
    const denied = await request(url('/', 'op=CHECKACCESS&fsaction=-w-&user.name=dr.who'));
    expect([denied.status, (json(denied).RemoteException as { exception: string }).exception]).toEqual([
      403,
      'AccessControlException',
    ]);
    const missing = await request(url('/no/such', `op=CHECKACCESS&fsaction=r--&${as}`));
    expect([missing.status, json(missing).RemoteException]).toEqual([
      404,
      {
        exception: 'FileNotFoundException',
        javaClassName: 'java.io.FileNotFoundException',
        message: 'Path not found',
      },
    ]);
    // No op at all is GetOpParam's default, NULL, which NamenodeWebHdfsMethods.get does not serve.
    const none = await request(url('/', ''));
    expect([none.status, json(none)]).toEqual([
      400,
      {
        RemoteException: {
          exception: 'UnsupportedOperationException',
          javaClassName: 'java.lang.UnsupportedOperationException',
          message: 'op=NULL is not supported',
        },
      },
    ]);
  });

  it('concatenates with lab fs -concat and WebHDFS CONCAT: blocks relinked, sources gone, OP_CONCAT_DELETE logged', async () => {
    const as = `user.name=${user}`;
    const parts = [randomBytes(MiB), randomBytes(1000), randomBytes(20), randomBytes(30)];
    const names = ['t', 'a', 'b', 'c'].map((n) => `/cat/${n}`);
    await Promise.all(
      names.map(async (name, i) => {
        const stream = await nnClient.create(name, { createParent: true });
        await stream.write(parts[i] as Buffer);
        await stream.close();
      }),
    );
    const blockIds = async (p: string): Promise<number[]> =>
      (
        (await nnClient.call('getBlockLocations', { src: p, offset: 0, length: 1 << 30, readerHost: '' }))
          ?.blocks ?? []
      ).map((b) => b.block.blockId);
    const before = (await Promise.all(names.slice(0, 3).map(blockIds))).flat();
    const done = await runLab(home, 'fs', '-concat', '/cat/t', '/cat/a', '/cat/b');
    expect([done.code, done.stderr]).toEqual([0, '']);
    // The same blocks, now the target's: nothing was copied.
    expect(await blockIds('/cat/t')).toEqual(before);
    const posted = await request(url('/cat/t', `op=CONCAT&sources=/cat/c&${as}`), 'POST');
    expect([posted.status, posted.body.length]).toEqual([200, 0]);
    const back = await promised<Buffer>((cb) => client.readFile('/cat/t', cb));
    expect(back.equals(Buffer.concat(parts))).toBe(true);
    const listed = await promised<{ pathSuffix: string }[]>((cb) => client.readdir('/cat', cb));
    expect(listed.map((s) => s.pathSuffix)).toEqual(['t']);
    const refused = json(await request(url('/cat/t', `op=CONCAT&sources=/cat/t&${as}`), 'POST'));
    expect(refused.RemoteException).toMatchObject({
      exception: 'HadoopIllegalArgumentException',
      message: 'concat: the src file /cat/t is the same with the target file /cat/t',
    });
    const current = path.join(home, 'dfs/name/current');
    const segment = fs.readdirSync(current).find((f) => f.startsWith('edits_inprogress_')) as string;
    const logged = decodeSegment(fs.readFileSync(path.join(current, segment))).ops.filter(
      (op) => op.op === 'OP_CONCAT_DELETE',
    );
    expect(logged.map((op) => [op.trg, op.srcs])).toEqual([
      ['/cat/t', ['/cat/a', '/cat/b']],
      ['/cat/t', ['/cat/c']],
    ]);
  });
});
