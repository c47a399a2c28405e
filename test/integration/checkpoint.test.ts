/**
 * Checkpoints on a real cluster: by transaction count and by period (short -D values), a forced
 * one with `lab checkpoint`, dfsadmin -rollEdits / -saveNamespace / -safemode, oiv and oev on the
 * cluster's own files, and a NameNode restart from the checkpoint plus the edits after it.
 * Processes run from dist/ (skipped until BUILT), in a temporary LAB_HOME with ephemeral ports.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { restartNode, startCluster, stopNodes } from '../../cluster/launcher/launcher.js';
import { homePaths, type ClusterDescription } from '../../cluster/home/description.js';
import { withNamenode } from '../../cluster/client/namenode-client.js';
import type { JournalFrame } from '../../cluster/protocol/journal-types.js';
import { JOURNAL_PAYLOAD_RAW_BYTES_MAX } from '../../cluster/protocol/limits.js';
import { readJournal } from '../../cluster/transport/journal.js';
import { runCli } from '../../lab/cli/boundary.js';
import { Command } from '../../lab/cli/commander.js';
import { withSession } from '../../lab/cli/session.js';
import { registerCheckpoint } from '../../lab/commands/checkpoint.js';
import { runDfsadminAdmin } from '../../lab/commands/dfsadmin-admin.js';
import { registerOev } from '../../lab/commands/oev.js';
import { registerOiv } from '../../lab/commands/oiv.js';
import { findOperation } from '../../lab/trace/operations.js';
import { waitFor } from './wait-for.js';
import { BUILT } from './requirements.js';

function current(home: string): string[] {
  return fs.readdirSync(path.join(home, 'dfs/name/current')).sort();
}

/** The newest checkpoint image txid above `aboveTxid` in the NameNode's name dir, if any. */
function imageAbove(home: string, aboveTxid: number): number | undefined {
  const txids = current(home).flatMap((f) => (/^fsimage_(\d{19})$/.exec(f) ? [Number(f.slice(8))] : []));
  const best = Math.max(...txids);
  return best > aboveTxid ? best : undefined;
}

async function mkdirs(desc: ClusterDescription, paths: string[]): Promise<void> {
  await withNamenode(
    desc,
    async (nn) => {
      for (const src of paths) await nn.call('mkdirs', { src, permission: 0o755, createParent: true });
    },
    { timeoutMs: 10_000 },
  );
}

/** Runs `lab <args>` in-process with only this file's commands; returns exit code and output. */
async function lab(
  home: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  const program = new Command('lab').option('--home <dir>').exitOverride();
  for (const register of [registerCheckpoint, registerOiv, registerOev]) register(program);
  return capture(() => runCli(program, ['--home', home, ...args]));
}

async function capture(
  body: () => Promise<number | void>,
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const outSpy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    stdout += String(chunk);
    return true;
  });
  const errSpy = vi.spyOn(process.stderr, 'write').mockImplementation((chunk) => {
    stderr += String(chunk);
    return true;
  });
  try {
    const code = (await body()) ?? 0;
    return { code, stdout, stderr };
  } finally {
    outSpy.mockRestore();
    errSpy.mockRestore();
  }
}

async function dfsadmin(
  home: string,
  ...argv: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return capture(async () => {
    try {
      await withSession(home, (session) => runDfsadminAdmin(argv, { session, json: false }));
      return 0;
    } catch (error) {
      process.stderr.write(`${(error as Error).message}\n`);
      return 1;
    }
  });
}

/**
 * The journal holds a checkpoint's HTTP frames at both ends: the same conn, the same message, the
 * image's bytes as the PUT's data; its RPCs and transfers share one operation id, and
 * `lab trace --last checkpoint` shows them with `lab checkpoint`'s POST.
 */
async function expectCheckpointFrames(home: string, image: string): Promise<void> {
  const imageBytes = fs.statSync(path.join(home, 'dfs/name/current', image)).size;
  const txid = Number(image.slice('fsimage_'.length));
  const http = (): JournalFrame[] =>
    readJournal(homePaths(home).journal).filter((r): r is JournalFrame => r.k === 'frame' && r.ch === 'http');
  const isPut = (f: JournalFrame): boolean =>
    f.msg.type === 'http-request' && f.msg.method === 'PUT' && f.msg.query.startsWith(`txid=${txid}&`);
  // The processes flush their journals every few milliseconds: wait for both ends of the PUT's answer.
  const frames = await waitFor('both ends of the image upload and its answer in the journal', () => {
    const all = http();
    const put = all.filter(isPut);
    // The PUT's own answer (the connection carried the GETs' answers before it), at both ends.
    const answers = all.filter(
      (f) => f.conn === put[0]?.conn && f.msg.type === 'http-response' && f.t > put[0].t,
    );
    return put.length === 2 && answers.length >= 2 ? all : undefined;
  });
  const [putSend, putRecv] = ['send', 'recv'].map((dir) => frames.find((f) => isPut(f) && f.dir === dir)!);
  expect(putSend).toMatchObject({ proc: 'snn', src: 'snn', dst: 'nn', data: imageBytes });
  // The journal keeps the request's head whole and the first bytes of the image it carries.
  const kept = Buffer.from(putSend!.raw ?? '', 'base64');
  expect(kept.toString('latin1')).toMatch(/^PUT \/imagetransfer\?/);
  expect(kept.length).toBe(putSend!.bytes - imageBytes + Math.min(imageBytes, JOURNAL_PAYLOAD_RAW_BYTES_MAX));
  expect(putRecv).toMatchObject({
    proc: 'nn',
    conn: putSend!.conn,
    msg: putSend!.msg,
    bytes: putSend!.bytes,
    data: imageBytes,
    op: putSend!.op,
  });
  expect(putSend!.op).toMatch(/^checkpoint-\d+-\d+$/);
  const op = putSend!.op!;
  // Every transfer frame of the checkpoint is journaled at both ends with one conn and the same bytes.
  const ofOp = frames.filter((f) => f.op === op && f.conn.endsWith(putSend!.dstAddr));
  const sends = ofOp.filter((f) => f.dir === 'send');
  expect(sends.map((f) => f.msg.type)).toContain('http-response');
  for (const sent of sends) {
    const received = ofOp.filter(
      (f) => f.dir === 'recv' && f.conn === sent.conn && JSON.stringify(f.msg) === JSON.stringify(sent.msg),
    );
    expect(received.map((f) => [f.proc, f.bytes, f.data])).toContainEqual([sent.dst, sent.bytes, sent.data]);
  }
  const putAnswer = sends.find((f) => f.src === 'nn' && f.conn === putSend!.conn && f.t > putSend!.t);
  expect(putAnswer?.msg).toMatchObject({ type: 'http-response', status: 200 });

  const trace = findOperation(readJournal(homePaths(home).journal), { last: 'checkpoint' });
  expect(trace?.id).toBe(op);
  const shown = (trace?.records ?? []).flatMap((r) =>
    r.k === 'frame' ? [`${r.src}->${r.dst} ${r.msg.type}`] : [],
  );
  expect(shown).toEqual(
    expect.arrayContaining([
      'client->snn http-request',
      'snn->nn rpc-call',
      'snn->nn http-request',
      'nn->snn http-response',
      'snn->client http-response',
    ]),
  );
}

describe.skipIf(!BUILT)('checkpoints on a running cluster', () => {
  const homes: string[] = [];
  const newHome = (): string => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-ckpt-it-'));
    homes.push(home);
    return home;
  };

  afterEach(async () => {
    for (const home of homes) await stopNodes(home).catch(() => []);
  });
  afterAll(() => {
    for (const home of homes) fs.rmSync(home, { recursive: true, force: true });
  });

  it('checkpoints once dfs.namenode.checkpoint.txns transactions accumulate', async () => {
    const home = newHome();
    const { description } = await startCluster({
      home,
      datanodes: 1,
      ephemeralPorts: true,
      defines: ['dfs.namenode.checkpoint.check.period=1', 'dfs.namenode.checkpoint.txns=20'],
    });
    expect(imageAbove(home, 0)).toBeUndefined();
    await mkdirs(
      description,
      Array.from({ length: 25 }, (_, i) => `/txns/d${i}`),
    );
    const txid = await waitFor('a checkpoint image above txid 0', () => imageAbove(home, 0));
    expect(txid).toBeGreaterThanOrEqual(25);
    expect(current(home)).toContain(`fsimage_${String(txid).padStart(19, '0')}.md5`);
    // The Secondary's own directory mirrors the layout.
    const secondary = fs.readdirSync(path.join(home, 'dfs/namesecondary/current'));
    expect(secondary).toEqual(
      expect.arrayContaining(['VERSION', `fsimage_${String(txid).padStart(19, '0')}`]),
    );
    expect(fs.readFileSync(path.join(home, 'dfs/namesecondary/current/VERSION'), 'utf8')).toMatch(
      /storageType=NAME_NODE/,
    );
    const done = await waitFor('checkpoint-done in the journal', () =>
      readJournal(homePaths(home).journal).find(
        (r) => r.k === 'event' && r.event.type === 'checkpoint-done' && r.event.txid === txid,
      ),
    );
    expect(done.proc).toBe('nn');
    expect(fs.readFileSync(path.join(home, 'logs/snn.log'), 'utf8')).toMatch(
      /Checkpoint done\. New Image Size: \d+/,
    );
  });

  it('checkpoints once dfs.namenode.checkpoint.period has passed, with few transactions', async () => {
    const home = newHome();
    await startCluster({
      home,
      datanodes: 1,
      ephemeralPorts: true,
      defines: ['dfs.namenode.checkpoint.check.period=1', 'dfs.namenode.checkpoint.period=2'],
    });
    const txid = await waitFor('a checkpoint by period', () => imageAbove(home, 0));
    expect(txid).toBeGreaterThan(0);
  });

  it('forces a checkpoint, rolls and saves with dfsadmin, dumps the files, and restarts from checkpoint + edits', async () => {
    const home = newHome();
    const { description } = await startCluster({ home, datanodes: 1, ephemeralPorts: true });
    await mkdirs(description, ['/a/b', '/c']);

    const forced = await lab(home, 'checkpoint');
    expect(forced.code, forced.stderr).toBe(0);
    const txid = imageAbove(home, 0) as number;
    const image = `fsimage_${String(txid).padStart(19, '0')}`;
    expect(forced.stdout).toContain(`Checkpoint done at txid ${txid}: ${image}`);
    expect(forced.stdout).toContain(`+ ${image}   (the new checkpoint image)`);
    expect(forced.stdout).toMatch(/\+ edits_0{18}1-\d{19} {3}\(finalized by the roll\)/);
    await expectCheckpointFrames(home, image);

    const rolled = await dfsadmin(home, '-rollEdits');
    expect(rolled.stdout).toBe(`Successfully rolled edit logs.\nNew segment starts at txid ${txid + 3}\n`);
    expect(current(home)).toContain(`edits_inprogress_${String(txid + 3).padStart(19, '0')}`);

    expect((await dfsadmin(home, '-saveNamespace')).stderr).toMatch(/Safe mode should be turned ON/);
    expect((await dfsadmin(home, '-safemode', 'enter')).stdout).toBe('Safe mode is ON\n');
    expect((await dfsadmin(home, '-safemode', 'get')).stdout).toBe('Safe mode is ON\n');
    expect((await dfsadmin(home, '-saveNamespace')).stdout).toBe('Save namespace successful\n');
    expect((await dfsadmin(home, '-safemode', 'leave')).stdout).toBe('Safe mode is OFF\n');
    expect((await dfsadmin(home, '-safemode', 'wait')).stdout).toBe('Safe mode is OFF\n');
    // DFSAdmin -safemode forceExit sends SAFEMODE_FORCE_EXIT and prints the state after it.
    await dfsadmin(home, '-safemode', 'enter');
    expect((await dfsadmin(home, '-safemode', 'forceExit')).stdout).toBe('Safe mode is OFF\n');

    // oiv / oev on the cluster's own files.
    const newest = imageAbove(home, txid) as number;
    const imageFile = path.join(home, 'dfs/name/current', `fsimage_${String(newest).padStart(19, '0')}`);
    // dfsadmin -fetchImage: TransferFsImage asks for txid=latest and names the file it saves.
    const fetchDir = fs.mkdtempSync(path.join(home, 'fetched-'));
    const fetched = await dfsadmin(home, '-fetchImage', fetchDir);
    expect(fetched.stderr).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} INFO namenode\.TransferFsImage: Opening connection to http:\/\/[\d.:]+\/imagetransfer\?getimage=1&txid=latest\n$/,
    );
    expect(fs.readFileSync(path.join(fetchDir, path.basename(imageFile)))).toEqual(
      fs.readFileSync(imageFile),
    );
    const xml = await lab(home, 'oiv', '-p', 'XML', '-i', imageFile);
    expect(xml.stdout).toMatch(/^<\?xml version="1\.0"\?>\n<fsimage><version>/);
    expect(xml.stdout).toContain('<name>b</name>');
    const out = path.join(home, 'image.tsv');
    expect((await lab(home, 'oiv', '-p', 'Delimited', '-i', imageFile, '-o', out)).code).toBe(0);
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^Path\t/);
    expect((await lab(home, 'oiv', '-p', 'FileDistribution', '-i', imageFile)).stdout).toMatch(
      /totalDirectories = 4\n/,
    );
    const segment = current(home).find((f) => /^edits_\d{19}-\d{19}$/.test(f)) as string;
    const stats = await lab(home, 'oev', '-p', 'stats', '-i', path.join(home, 'dfs/name/current', segment));
    expect(stats.stdout).toMatch(/OP_MKDIR\s+\(\s*3\): 3\n/);
    // Written back from their XML (oev -p binary, oiv -p ReverseXML), the NameNode's own files come
    // out byte for byte, the image with the .md5 the NameNode keeps beside it.
    const segmentFile = path.join(home, 'dfs/name/current', segment);
    const back = fs.mkdtempSync(path.join(home, 'back-'));
    expect((await lab(home, 'oev', '-i', segmentFile, '-o', path.join(back, 'edits.xml'))).code).toBe(0);
    expect(
      (
        await lab(
          home,
          'oev',
          '-p',
          'binary',
          '-i',
          path.join(back, 'edits.xml'),
          '-o',
          path.join(back, segment),
        )
      ).code,
    ).toBe(0);
    expect(fs.readFileSync(path.join(back, segment))).toEqual(fs.readFileSync(segmentFile));
    fs.writeFileSync(path.join(back, 'image.xml'), xml.stdout);
    const rebuilt = path.join(back, path.basename(imageFile));
    expect(
      (await lab(home, 'oiv', '-p', 'ReverseXML', '-i', path.join(back, 'image.xml'), '-o', rebuilt)).code,
    ).toBe(0);
    expect(fs.readFileSync(rebuilt)).toEqual(fs.readFileSync(imageFile));
    expect(fs.readFileSync(`${rebuilt}.md5`, 'utf8')).toBe(fs.readFileSync(`${imageFile}.md5`, 'utf8'));
    const wrong = await lab(home, 'oev', '-i', imageFile);
    // OfflineEditsViewer.go's failure line, exit -1.
    expect(wrong.code).toBe(255);
    expect(wrong.stderr).toMatch(
      /^Encountered exception\. Exiting: .* is an fsimage, not an edit log segment/,
    );
    const missing = await lab(home, 'oiv', '-p', 'XML', '-i', path.join(home, 'nope'));
    expect(missing.stderr).toMatch(/cannot read .*nope \(ENOENT\); expected an fsimage file/);

    // Edits after the newest image, then a restart: image + replayed edits give everything back.
    await mkdirs(description, ['/after/checkpoint']);
    await restartNode(home, 'nn');
    const log = fs.readFileSync(path.join(home, 'logs/nn.log'), 'utf8');
    expect(log).toMatch(
      new RegExp(`Loaded image fsimage_${String(newest).padStart(19, '0')} and replayed [1-9]\\d* edits`),
    );
    const found = await withNamenode(description, async (nn) =>
      Promise.all(['/a/b', '/c', '/after/checkpoint'].map((src) => nn.call('getFileInfo', { src }))),
    );
    expect(found?.map((s) => s?.type)).toEqual(['DIRECTORY', 'DIRECTORY', 'DIRECTORY']);
  });
});
