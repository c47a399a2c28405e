/**
 * Issue 11's "restarts from a directory that used every feature", on real processes: snapshots
 * (create, rename, delete; a deleted file read from one), quotas set and hit, xattrs, ACLs with a
 * default ACL inherited, the trash (a move and an expunge), a file under construction and a
 * DataNode entering maintenance; then saveNamespace, more edits, a NameNode restart from fsimage +
 * edits. Every view a user has of those (listings, -count -q, -getfattr, -getfacl, snapshotDiff,
 * the trash, -listOpenFiles, the DataNode's admin state) reads the same after the restart, and
 * `lab oiv` / `lab oev` of the name directory print Hadoop's element orders. Its own cluster (one
 * DataNode), so it runs in `npm run test:long`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labUser } from '../../cluster/common/user.js';
import { oevOrderErrors, oivOrderErrors } from '../golden/hadoop-xml-orders.js';
import { LAB_BIN, removeTestCluster, runLab, startTestCluster } from './lab-process.js';
import { BUILT } from './requirements.js';
import { waitFor } from './wait-for.js';
import { writeCombinedHosts } from './combined-hosts.js';

const USER = labUser();
const LONG = process.env.LAB_LONG === '1';

describe.skipIf(!BUILT || !LONG)('a NameNode restarted from a name directory that used every feature', () => {
  let home = '';
  const local = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-restart-features-local-'));
  const ok = async (...args: string[]): Promise<string> => {
    const r = await runLab(home, ...args);
    expect(r.code, `lab ${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };
  const localFile = (name: string, text: string): string => {
    const file = path.join(local, name);
    fs.writeFileSync(file, text);
    return file;
  };
  let writer: ChildProcess | undefined;
  // What a user sees of every feature; compared before and after the restart.
  const views = (): Promise<string[]> =>
    Promise.all(
      [
        ['fs', '-ls', '-R', '/'],
        ['fs', '-count', '-q', '/q'],
        ['fs', '-getfattr', '-d', '/snap'],
        ['fs', '-getfacl', '-R', '/snap'],
        ['snapshotDiff', '/snap', 'first', '.'],
        ['lsSnapshottableDir'],
        ['fs', '-cat', '/snap/.snapshot/first/s.txt'],
        ['dfsadmin', '-listOpenFiles'],
        ['fs', '-count', '/snap'],
        ['fs', '-count', '-x', '/snap'],
        ['fs', '-du', '-s', '-x', '/snap'],
        ['fs', '-cat', '/snap/.snapshot/first/r.txt'],
        ['lsSnapshot', '/snap'],
      ].map((args) => ok(...args)),
    );

  beforeAll(async () => {
    home = await startTestCluster('lab-restart-features-', {
      datanodes: 1,
      replication: 1,
      blockSize: '1m',
      seed: 'restart-features',
      // An hour: the emptier leaves the trash alone while the test looks at it.
      defines: ['fs.trash.interval=60'],
    });
  }, 120_000);

  afterAll(async () => {
    writer?.kill('SIGKILL');
    await removeTestCluster(home);
    fs.rmSync(local, { recursive: true, force: true });
  }, 60_000);

  it('keeps snapshots, quotas, xattrs, ACLs, the trash, an open file and maintenance across saveNamespace, edits and a restart', async () => {
    await ok('fs', '-mkdir', '-p', `/user/${USER}`, '/snap', '/q');
    // Snapshots: a deleted file stays readable from the one that holds it.
    await ok('fs', '-put', localFile('s.txt', 'held by a snapshot\n'), '/snap/s.txt');
    await ok('fs', '-put', localFile('r.txt', 'renamed\n'), '/snap/r.txt');
    await ok('dfsadmin', '-allowSnapshot', '/snap');
    await ok('fs', '-createSnapshot', '/snap', 's1');
    // Renamed while s1 holds it: the image keeps it through INodeReferences.
    await ok('fs', '-mv', '/snap/r.txt', '/snap/r2.txt');
    await ok('fs', '-createSnapshot', '/snap', 'gone');
    await ok('fs', '-deleteSnapshot', '/snap', 'gone');
    await ok('fs', '-rm', '-skipTrash', '/snap/s.txt');
    expect(await ok('fs', '-cat', '/snap/.snapshot/s1/s.txt')).toBe('held by a snapshot\n');
    // Quotas: /q and one file fill a name quota of 2.
    await ok('dfsadmin', '-setQuota', '2', '/q');
    await ok('fs', '-put', localFile('q1.txt', '1'), '/q/one');
    const hit = await runLab(home, 'fs', '-put', localFile('q2.txt', '2'), '/q/two');
    expect(hit.code).toBe(1);
    expect(hit.stderr).toContain(
      'The NameSpace quota (directories and files) of directory /q is exceeded: quota=2 file count=3',
    );
    await ok('dfsadmin', '-setSpaceQuota', '1m', '/q');
    // Xattrs, and an ACL whose default part a new directory inherits.
    await ok('fs', '-setfattr', '-n', 'user.color', '-v', 'blue', '/snap');
    await ok('fs', '-setfacl', '-m', 'user:bruce:r-x,default:user:bruce:rwx', '/snap');
    await ok('fs', '-mkdir', '/snap/inherits');
    // The trash: one file expunged, one left in Current.
    await ok('fs', '-put', localFile('e.txt', 'e'), 'e.txt');
    await ok('fs', '-rm', 'e.txt');
    await ok('fs', '-expunge', '-immediate');
    await ok('fs', '-put', localFile('t.txt', 't'), 't.txt');
    expect(await ok('fs', '-rm', 't.txt')).toContain(`.Trash/Current/user/${USER}/t.txt`);
    // A file under construction: lab fs -appendToFile - with stdin left open, the writer alive.
    writer = spawn(process.execPath, [LAB_BIN, 'fs', '-appendToFile', '-', '/snap/open.txt'], {
      env: { ...process.env, LAB_HOME: home, LAB_PORTS: 'ephemeral' },
      stdio: ['pipe', 'ignore', 'ignore'],
    });
    writer.stdin?.write('not closed yet');
    await waitFor('/snap/open.txt listed open', async () =>
      (await runLab(home, 'dfsadmin', '-listOpenFiles')).stdout.includes('/snap/open.txt') ? true : undefined,
    );

    await ok('dfsadmin', '-safemode', 'enter');
    await ok('dfsadmin', '-saveNamespace');
    await ok('dfsadmin', '-safemode', 'leave');
    // Edits after the image: the restart replays these on top of it.
    await ok('fs', '-renameSnapshot', '/snap', 's1', 'first');
    await ok('fs', '-setfattr', '-n', 'user.size', '-v', 'small', '/snap');
    await ok('fs', '-setfacl', '-m', 'user:carol:rwx', '/snap/inherits');
    await ok('dfsadmin', '-setQuota', '5', '/q');
    await ok('fs', '-put', localFile('t2.txt', 't2'), 't2.txt');
    await ok('fs', '-rm', 't2.txt');
    // The lone DataNode enters maintenance: its replicas have nowhere to go, so it stays entering.
    const name = /^Name: (\S+):(\d+) /m.exec(await ok('dfsadmin', '-report'));
    if (!name) throw new Error('no DataNode in dfsadmin -report');
    expect(fs.existsSync(path.join(home, 'hdfs-site.xml'))).toBe(false);
    writeCombinedHosts(home, [
      {
        hostName: name[1]!,
        port: Number(name[2]),
        adminState: 'IN_MAINTENANCE',
        maintenanceExpireTimeInMS: Date.now() + 3_600_000,
      },
    ]);
    await ok('dfsadmin', '-refreshNodes');
    const entering = async (): Promise<true | undefined> =>
      (await runLab(home, 'dfsadmin', '-report', '-enteringmaintenance')).stdout.includes(
        'Entering maintenance datanodes (1):',
      )
        ? true
        : undefined;
    await waitFor('the DataNode entering maintenance', entering);

    const before = await views();
    expect(before[3]).toContain('# file: /snap/inherits\n');
    expect(before[3]).toContain('user:bruce:rwx');
    await ok('restart', 'nn');
    // Replica locations come back only with the DataNodes' block reports (the snapshot's s.txt is read).
    await ok('dfsadmin', '-safemode', 'wait');
    await waitFor('the DataNode entering maintenance again', entering, 60_000);
    const after = await views();
    expect(after).toEqual(before);
    expect(after[0]).toContain(`/user/${USER}/.Trash/Current/user/${USER}/t2.txt\n`);
    // QUOTA 5, REM_QUOTA 5 - (/q and one file), SPACE_QUOTA 1 MiB.
    expect(after[1]).toMatch(/^ {11}5 {15}3 {9}1048576 /);
    expect(after[2]).toBe('# file: /snap\nuser.color="blue"\nuser.size="small"\n');
    expect(after[7]).toContain('/snap/open.txt');
    expect(after[4]).toContain('R\t./r.txt -> ./r2.txt\n');
    expect(after[11]).toBe('renamed\n');
    // getSnapshotListing: the one snapshot, renamed, with its id (0: the deleted `gone` was 1).
    expect(after[12]).toMatch(
      /^drwxr-xr-x 0 \S+ supergroup 0 \d{4}-\d\d-\d\d \d\d:\d\d 0 \/snap\/\.snapshot\/first\n$/,
    );
    // -count -x leaves out the deleted s.txt ("held by a snapshot\n") that the snapshot still holds.
    const columns = (line: string): number[] => line.trim().split(/\s+/).slice(0, 3).map(Number);
    const [dirCount, fileCount, bytes] = columns(after[8]!);
    expect(columns(after[9]!)).toEqual([dirCount, fileCount! - 1, bytes! - 19]);
    // -du -x: the live bytes, and their space plus the whole block open.txt's writer holds (1 MiB × 1).
    expect(after[10]).toBe(`${bytes! - 19}  ${bytes! - 19 + 1_048_576}  /snap\n`);

    // oiv of the saved image and oev of every segment: Hadoop's element orders, every feature in them.
    const files = fs.readdirSync(home, { recursive: true, encoding: 'utf8' });
    const image = files
      .filter((f) => /(^|\/)fsimage_\d{19}$/.test(f))
      .sort((a, b) => a.localeCompare(b))
      .at(-1);
    if (!image) throw new Error(`no fsimage under ${home}`);
    const imageXml = await ok('oiv', '-p', 'XML', '-i', path.join(home, image));
    expect(oivOrderErrors(imageXml)).toEqual([]);
    for (const part of [
      '<SnapshotDiffSection><dirDiffEntry>',
      '<acls>',
      '<xattrs>',
      '<nsquota>2</nsquota>',
      '<INodeReferenceSection><ref><referredId>',
      '<name>r.txt</name>',
      '<refChild>0</refChild>',
      '<deletedInoderef>',
    ])
      expect(imageXml).toContain(part);
    expect(imageXml).toMatch(
      /<FileUnderConstructionSection><inode><id>\d+<\/id><path>\/snap\/open.txt<\/path>/,
    );
    const segments = files.filter((f) => /(^|\/)edits_(inprogress_)?\d{19}(-\d{19})?$/.test(f));
    const editsXml = await Promise.all(segments.map((f) => ok('oev', '-p', 'xml', '-i', path.join(home, f))));
    expect(editsXml.flatMap(oevOrderErrors)).toEqual([]);
    for (const op of [
      'OP_RENAME_SNAPSHOT',
      'OP_SET_XATTR',
      'OP_SET_ACL',
      'OP_SET_QUOTA',
      'OP_DELETE_SNAPSHOT',
    ])
      expect(editsXml.join('')).toContain(`<OPCODE>${op}</OPCODE>`);
  }, 600_000);
});
