/**
 * Issue 11's features on real processes, driven through the `lab` command as a student types it:
 * the trash (fs.trash.interval > 0: `-rm` moves, `-skipTrash`, `-expunge`, the NameNode's emptier),
 * name and space quotas, extended attributes, snapshots and ACLs — and a NameNode restart that keeps them.
 * One small cluster (1 DataNode, 1 MiB blocks) on ephemeral ports in its own run directory;
 * skipped until dist/ is built.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labUser } from '../../cluster/common/user.js';
import { LAB_BIN, type LabOutcome } from './lab-process.js';
import { BUILT } from './requirements.js';
import { waitFor } from './wait-for.js';

const USER = labUser();
/** fs.trash.interval in minutes: a checkpoint is kept 30 s or more. */
const TRASH_MINUTES = '0.5';
/**
 * fs.trash.checkpoint.interval in minutes: the emptier checkpoints every 3 s (at fs.trash.interval,
 * every 30 s, a test waited up to half a minute for the next pass).
 */
const TRASH_CHECKPOINT_MINUTES = '0.05';
const WAIT_MS = 75_000;

const DEFAULT_ACL =
  'default:user::rwx\ndefault:user:bruce:rwx\ndefault:group::r-x\ndefault:mask::rwx\ndefault:other::---\n';
const aclHead = (p: string, owner: string): string =>
  `# file: ${p}\n# owner: ${owner}\n# group: supergroup\n`;
/** `-getfacl -R /acl` after the ACL test: /acl, its file b2's parent /acl/sub (inherited), b2. */
const ACL_LISTING =
  `${aclHead('/acl', USER)}user::rwx\nuser:bruce:r-x\ngroup::r-x\nmask::r-x\nother::---\n${DEFAULT_ACL}\n` +
  `${aclHead('/acl/sub', USER)}user::rwx\nuser:bruce:rwx\ngroup::r-x\nmask::rwx\nother::---\n${DEFAULT_ACL}\n` +
  // bruce's file: owner rw-, mask rwx & rw- = rw-, other --- (the 0666 asked for, filtered).
  `${aclHead('/acl/sub/b2', 'bruce')}user::rw-\nuser:bruce:rwx\t#effective:rw-\ngroup::r-x\t#effective:r--\nmask::rw-\nother::---\n\n`;
/**
 * `-count -q /snap` once s1 is gone and k.txt (20 bytes) is deleted but held by s2: quota 2, the
 * directory and k.txt use both names (QuotaUsage.toString: none / inf for the unset space quota).
 */
const SNAP_QUOTA_COUNT =
  '           2               0            none             inf            1            1                 20 /snap\n';

describe.skipIf(!BUILT)('trash, quotas, xattrs, snapshots and ACLs on a running cluster', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-features-'));
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-features-work-'));
  // The user who starts the cluster is its superuser (as in HDFS) and works in /user/<self>.
  const adminEnv: NodeJS.ProcessEnv = { ...process.env, LAB_HOME: home, LAB_PORTS: 'ephemeral' };
  delete adminEnv.HADOOP_USER_NAME;

  const run = (env: NodeJS.ProcessEnv, args: string[]): Promise<LabOutcome> =>
    new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [LAB_BIN, ...args], { env, cwd: work });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    });
  const lab = (...args: string[]): Promise<LabOutcome> => run(adminEnv, args);
  const admin = async (...args: string[]): Promise<string> => {
    const r = await run(adminEnv, args);
    expect(r.code, `lab ${args.join(' ')} (superuser): ${r.stderr}`).toBe(0);
    return r.stdout;
  };
  const ok = async (...args: string[]): Promise<string> => {
    const r = await lab(...args);
    expect(r.code, `lab ${args.join(' ')}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };
  /** test/integration/wait-for.ts's waitFor, for a yes-or-no condition and this suite's deadline. */
  const waitUntil = (what: string, condition: () => Promise<boolean>): Promise<true> =>
    waitFor(what, async () => ((await condition()) ? true : undefined), WAIT_MS);
  const local = (name: string, text: string): string => {
    const file = path.join(work, name);
    fs.writeFileSync(file, text);
    return file;
  };

  beforeAll(async () => {
    await admin(
      'start',
      '--datanodes',
      '1',
      '--replication',
      '1',
      '--block-size',
      '1m',
      '--seed',
      'features',
      '--ephemeral-ports',
      '--detach',
      '-D',
      `fs.trash.interval=${TRASH_MINUTES}`,
      '-D',
      `fs.trash.checkpoint.interval=${TRASH_CHECKPOINT_MINUTES}`,
    );
    await admin('fs', '-mkdir', '-p', `/user/${USER}`);
  }, 120_000);

  afterAll(async () => {
    await run(adminEnv, ['stop']);
    fs.rmSync(home, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  }, 60_000);

  it('moves a removed file to the trash with HDFS message, and -skipTrash deletes', async () => {
    await ok('fs', '-put', local('a.txt', 'hello trash\n'), `/user/${USER}/a.txt`);
    const moved = await ok('fs', '-rm', 'a.txt');
    expect(moved).toMatch(
      new RegExp(
        `^Moved: 'hdfs://[\\d.]+:\\d+/user/${USER}/a.txt' to trash at: hdfs://[\\d.]+:\\d+/user/${USER}/.Trash/Current/user/${USER}/a.txt\\n$`,
      ),
    );
    // Still there, under Current or (if the emptier ran meanwhile) a checkpoint: found and read
    // again if a checkpoint renames it between the listing and the read.
    // -ls -R prints the names as given (relative to the home directory here).
    const inTrash = new RegExp(`(\\S*\\.Trash/(?:Current|\\d{12})/user/${USER}/a\\.txt)\\n`);
    let text = '';
    await waitUntil('the trashed file to be read back', async () => {
      const found = inTrash.exec((await lab('fs', '-ls', '-R', '.Trash')).stdout);
      text = found ? (await lab('fs', '-cat', found[1]!)).stdout : '';
      return text !== '';
    });
    expect(text).toBe('hello trash\n');
    await ok('fs', '-put', local('b.txt', 'b'), 'b.txt');
    expect(await ok('fs', '-rm', '-skipTrash', 'b.txt')).toBe('Deleted b.txt\n');
    const again = await lab('fs', '-rm', '-r', `/user/${USER}`);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(
      'to the trash, as it contains the trash. Consider using -skipTrash option',
    );
  }, 150_000);

  it('checkpoints the trash on the emptier schedule, and -expunge -immediate empties it', async () => {
    await ok('fs', '-put', local('c.txt', 'c'), 'c.txt');
    await ok('fs', '-rm', 'c.txt');
    // The NameNode's emptier renames Current to a yyMMddHHmmss checkpoint at its next pass.
    const checkpointed = new RegExp(`\\.Trash/\\d{12}/user/${USER}/c\\.txt\\n`);
    await waitUntil('c.txt in a trash checkpoint', async () => {
      const ls = await lab('fs', '-ls', '-R', '.Trash');
      return checkpointed.test(ls.stdout);
    });
    await ok('fs', '-expunge', '-immediate');
    const left = await lab('fs', '-ls', '-R', '.Trash');
    expect(left.stdout).not.toContain('c.txt');
  }, 150_000);

  it('enforces name and space quotas with HDFS messages and -count -q columns', async () => {
    await ok('fs', '-mkdir', '-p', '/q/sub');
    await admin('dfsadmin', '-setQuota', '3', '/q');
    await admin('dfsadmin', '-setSpaceQuota', '1m', '/q');
    expect(await ok('fs', '-count', '-q', '/q')).toBe(
      `           3               1         1048576         1048576            2            0                  0 /q\n`,
    );
    // One more name fits; a second does not.
    await ok('fs', '-put', local('q1.txt', 'one'), '/q/one');
    const names = await lab('fs', '-put', local('q2.txt', 'two'), '/q/two');
    expect(names.code).toBe(1);
    expect(names.stderr).toContain(
      'put: The NameSpace quota (directories and files) of directory /q is exceeded: quota=3 file count=4',
    );
    // An overwrite is a delete then a create (FSDirWriteFileOp.startFile): under a quota set below
    // its 3 names, /q refuses it, as the new name is the third of two once the old one is gone.
    await admin('dfsadmin', '-setQuota', '2', '/q');
    const over = await lab('fs', '-put', '-f', '-d', local('q1.txt', 'one'), '/q/one');
    expect(over.code).toBe(1);
    expect(over.stderr).toContain(
      'put: The NameSpace quota (directories and files) of directory /q is exceeded: quota=2 file count=3',
    );
    // A block being written reserves a whole block (1 MiB × replication 1): with 3 bytes already
    // used, even a 3-byte file no longer fits in a 1 MiB space quota.
    await admin('dfsadmin', '-clrQuota', '/q');
    const space = await lab('fs', '-put', local('q3.txt', 'abc'), '/q/three');
    expect(space.code).toBe(1);
    expect(space.stderr).toContain(
      'put: The DiskSpace quota of /q is exceeded: quota = 1048576 B = 1 MB but diskspace consumed = 1048579 B = 1.00 MB',
    );
    const missing = await run(adminEnv, ['dfsadmin', '-clrSpaceQuota', '/nope']);
    expect(missing.code).toBe(255);
    expect(missing.stderr).toContain('clrSpaceQuota: Directory does not exist: /nope');
    // SetQuotaCommand's IllegalArgumentException as DFSAdmin.run prints it: the command, the
    // message, printUsage(cmd); no prefix of the lab's own.
    const bad = await run(adminEnv, ['dfsadmin', '-setQuota', 'many', '/q']);
    expect(bad).toMatchObject({
      code: 255,
      stderr:
        'setQuota: "many" is not a valid value for a quota.\n' +
        'Usage: lab dfsadmin [-setQuota <quota> <dirname>...<dirname>]\n',
    });
  }, 150_000);

  it('sets, reads and removes extended attributes as FsShell does', async () => {
    await ok('fs', '-put', local('x.txt', 'x'), '/x.txt');
    await ok('fs', '-setfattr', '-n', 'user.color', '-v', 'blue', '/x.txt');
    await ok('fs', '-setfattr', '-n', 'user.raw', '-v', '0xff00', '/x.txt');
    expect(await ok('fs', '-getfattr', '-n', 'user.color', '-e', 'hex', '/x.txt')).toBe(
      '# file: /x.txt\nuser.color=0x626c7565\n',
    );
    await ok('fs', '-setfattr', '-x', 'user.raw', '/x.txt');
    const missing = await lab('fs', '-getfattr', '-n', 'user.raw', '/x.txt');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('getfattr: At least one of the attributes provided was not found.');
  }, 150_000);

  it('takes snapshots: a deleted file reads back from one, its blocks stay until the last goes', async () => {
    await ok('fs', '-mkdir', '/snap');
    await ok('fs', '-put', local('s.txt', 'kept by a snapshot\n'), '/snap/s.txt');
    expect(await admin('dfsadmin', '-allowSnapshot', '/snap')).toBe('Allowing snapshot on /snap succeeded\n');
    expect(await ok('fs', '-createSnapshot', '/snap', 's1')).toBe('Created snapshot /snap/.snapshot/s1\n');
    const blockId = /blk_(\d+)/.exec(await ok('fsck', '/snap/s.txt', '-files', '-blocks'))![1]!;
    const replicas = (): string[] =>
      fs.readdirSync(home, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith(`blk_${blockId}`));
    expect(await ok('fs', '-rm', '-skipTrash', '/snap/s.txt')).toBe('Deleted /snap/s.txt\n');
    expect(await ok('fs', '-cat', '/snap/.snapshot/s1/s.txt')).toBe('kept by a snapshot\n');
    expect(replicas()).toHaveLength(1); // no block was copied, none deleted
    const written = await lab('fs', '-put', local('t.txt', 't'), '/snap/.snapshot/s1/t.txt');
    expect(written.code).toBe(1);
    expect(written.stderr).toContain('Modification on a read-only snapshot is disallowed');
    expect(await ok('snapshotDiff', '/snap', 's1', '.')).toBe(
      'Difference between snapshot s1 and current directory under directory /snap:\nM\t.\n-\t./s.txt\n\n',
    );
    await ok('fs', '-put', local('k.txt', 'kept over a restart\n'), '/snap/k.txt');
    await ok('fs', '-createSnapshot', '/snap', 's2');
    await ok('fs', '-rm', '-skipTrash', '/snap/k.txt');
    await ok('fs', '-deleteSnapshot', '/snap', 's1');
    // The last snapshot that held the block is gone: the NameNode invalidates its replica.
    await waitUntil(`blk_${blockId} to be deleted from the DataNode`, async () => replicas().length === 0);
    // k.txt, deleted but held by s2, still takes a name and its bytes in /snap's quota usage
    // (INodeDirectory.computeQuotaUsage counts a diff's deleted list): /snap and k.txt fill a quota of 2.
    await admin('dfsadmin', '-setQuota', '2', '/snap');
    // Count.processOptions: -x does not apply to the quota columns; it is dropped, and said so.
    expect(await ok('fs', '-count', '-q', '-x', '/snap')).toBe(
      `q or u option is given, the -x option is ignored.\n${SNAP_QUOTA_COUNT}`,
    );
    const full = await lab('fs', '-put', local('n.txt', 'n'), '/snap/n.txt');
    expect(full.code).toBe(1);
    expect(full.stderr).toContain(
      'put: The NameSpace quota (directories and files) of directory /snap is exceeded: quota=2 file count=3',
    );
  }, 240_000);

  it('gives a named user access through an ACL, masked as HDFS masks it, and inherits default ACLs', async () => {
    // A user with no groups on this machine: only named-user entries and other speak for bruce.
    const bruceEnv = { ...adminEnv, HADOOP_USER_NAME: 'bruce' };
    await admin('fs', '-mkdir', '/acl');
    // No mask given: HDFS calculates it, the union of the group class (r-x here, rwx for the default).
    await admin(
      'fs',
      '-setfacl',
      '--set',
      'user::rwx,user:bruce:r-x,group::r-x,other::---,default:user:bruce:rwx',
      '/acl',
    );
    expect((await run(bruceEnv, ['fs', '-ls', '-d', '/acl'])).stdout).toMatch(/^drwxr-x---\+ /);
    // The mask (r-x) keeps bruce from writing in /acl; a new directory inherits the default ACL
    // (mask rwx, filtered by the 0777 the client asks for before its umask) and lets him.
    const write = await run(bruceEnv, ['fs', '-put', local('b1.txt', 'b'), '/acl/b1']);
    expect(write.code).toBe(1);
    expect(write.stderr).toContain(
      `Permission denied: user=bruce, access=WRITE, inode="/acl":${USER}:supergroup:drwxr-x---+`,
    );
    await admin('fs', '-mkdir', '/acl/sub');
    expect((await run(bruceEnv, ['fs', '-put', local('b2.txt', 'b'), '/acl/sub/b2'])).code).toBe(0);
    expect(await admin('fs', '-getfacl', '-R', '/acl')).toBe(ACL_LISTING);
  }, 300_000);

  it('keeps quotas, xattrs, snapshots and ACLs across a NameNode restart (fsimage + edits)', async () => {
    await admin('dfsadmin', '-safemode', 'enter');
    await admin('dfsadmin', '-saveNamespace');
    await admin('dfsadmin', '-safemode', 'leave');
    await admin('restart', 'nn');
    // A restarted NameNode knows its blocks' locations only from the DataNodes' block reports: a read
    // before them finds no replica. It leaves safe mode once enough blocks are reported.
    await admin('dfsadmin', '-safemode', 'wait');
    expect(await ok('fs', '-count', '-q', '/q')).toMatch(/^ {8}none {13}inf {9}1048576 /);
    expect(await ok('fs', '-getfattr', '-d', '/x.txt')).toBe('# file: /x.txt\nuser.color="blue"\n');
    // s2 was saved in the fsimage's SnapshotSection and SnapshotDiffSection (k.txt as deleted).
    expect(await ok('fs', '-cat', '/snap/.snapshot/s2/k.txt')).toBe('kept over a restart\n');
    expect(await ok('fs', '-count', '-q', '/snap')).toBe(SNAP_QUOTA_COUNT);
    expect(await ok('fs', '-getfacl', '-R', '/acl')).toBe(ACL_LISTING);
  }, 150_000);
});
