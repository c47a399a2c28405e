/**
 * `lab web`, the learning pages: the trace page draws the operation `lab trace` would (the same
 * SVG), the rack tree gives NetworkTopology.getDistance's values (0 the same DataNode, 2 one rack,
 * 4 across racks; the off-rack client 4 from every DataNode), progress is what `lab progress`
 * prints, bad queries are refused with what is accepted, and the server publishes its address
 * (the NameNode's web UI links to it only then), tells open pages when something changed, and
 * takes its address back when it stops.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { homePaths } from '../../cluster/home/description.js';
import { writeDescription } from '../../cluster/home/home.js';
import { labWebAddressFile, readLabWebAddress } from '../../cluster/home/lab-web-address.js';
import { namenodeUiPage } from '../../cluster/runtime/web-ui.js';
import type { CheckResult } from '../../lab/answers/judge.js';
import { emptyProgress, recordChecks } from '../../lab/runner/progress.js';
import { saveProgress } from '../../lab/runner/store.js';
import { layoutSequence } from '../../lab/trace/diagram.js';
import { findOperation } from '../../lab/trace/operations.js';
import { renderSequenceSvg } from '../../lab/trace/svg.js';
import { renderTopologyMain, renderTraceMain, traceQueryOf } from '../../lab/web/pages.js';
import { startLabWeb, type LabWebServer } from '../../lab/web/server.js';
import { recordedJournal } from '../scenario/traffic/recorded.js';
import { threeDatanodes } from './journal-script.js';
import { waitFor } from '../integration/wait-for.js';

const records = recordedJournal();

describe('the learning pages', () => {
  it('draw the operation lab trace draws, with the same SVG; the last of all by default', () => {
    const put = findOperation(records, { last: 'put' })!;
    const page = renderTraceMain(records, { kind: 'put' });
    expect(page).toContain(renderSequenceSvg(layoutSequence(put)).trimEnd());
    expect(page).toContain(`lab trace --op ${put.id}`);
    expect(page).toMatch(new RegExp(`<li class="chosen"><a href="/lab/trace\\?op=${put.id}">`));
    // The scripted journal ends with a checkpoint: the default is the most recent operation.
    expect(renderTraceMain(records, {})).toMatch(/<h1>Operation checkpoint-[\w-]+<\/h1>/);
    expect(renderTraceMain([], {})).toContain('The journal holds no such operation yet');
  });

  it('refuse a query they cannot answer, saying what is accepted', () => {
    expect(traceQueryOf(new URLSearchParams('kind=write'))).toEqual({
      error: 'kind is one of any, put, get, rereplication, checkpoint, other, not write',
    });
    expect(traceQueryOf(new URLSearchParams('op=<script>'))).toHaveProperty('error');
    expect(traceQueryOf(new URLSearchParams('path=a.txt'))).toHaveProperty('error');
    expect(traceQueryOf(new URLSearchParams('kind=any&path=/a.txt'))).toEqual({ path: '/a.txt' });
  });

  it('give the distances of NetworkTopology.getDistance on the rack tree', () => {
    const page = renderTopologyMain(threeDatanodes());
    const row = (from: string) =>
      [
        ...(new RegExp(`data-from="${from}"><th>${from}</th>(.*?)</tr>`).exec(page)?.[1] ?? '').matchAll(
          /<td[^>]*>(\d+)<\/td>/g,
        ),
      ].map((m) => Number(m[1]));
    // Columns: dn1, dn2 (/rack1), dn3 (/rack2), client (/default-rack).
    expect(row('dn1')).toEqual([0, 2, 4, 4]);
    expect(row('dn3')).toEqual([4, 4, 0, 4]);
    expect(page).toMatch(/<li class="rack" data-rack="\/rack2">rack2<ul><li class="datanode" data-id="dn3">/);
  });

  it('are linked from the NameNode web UI only when lab web serves them', () => {
    const linked = namenodeUiPage('/', { defaultUser: 'u', learningPagesUrl: 'http://127.0.0.1:4000/lab/' });
    expect(linked?.body).toContain('<a href="http://127.0.0.1:4000/lab/" id="nav-learning">');
    expect(namenodeUiPage('/', { defaultUser: 'u' })?.body).not.toContain('nav-learning');
  });
});

describe('the lab web server', () => {
  let home = '';
  let server: LabWebServer | undefined;

  beforeEach(() => {
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-web-'));
    writeDescription(home, threeDatanodes());
    const journal = homePaths(home).journal;
    fs.mkdirSync(journal, { recursive: true });
    // The put is all the server's pages need of the recorded run.
    const putId = findOperation(records, { last: 'put' })!.id;
    const put = records.filter((r) => r.op === putId);
    const lines = put.map((r) => JSON.stringify(r)).join('\n');
    fs.writeFileSync(path.join(journal, `client-1-000001-${Math.floor(put[0]!.t)}.jsonl`), `${lines}\n`);
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('serves the pages, publishes its address while it runs and takes it back on close', async () => {
    server = await startLabWeb({ home });
    expect(readLabWebAddress(home)).toBe(server.address);
    const get = (p: string, init?: RequestInit) => fetch(`http://${server!.address}${p}`, init);
    const trace = await get('/lab/trace?kind=put');
    expect(trace.status).toBe(200);
    const text = await trace.text();
    expect(text).toContain('addBlock');
    expect(text).toContain('<main id="live">');
    expect(await (await get('/lab/trace?kind=put&part=main')).text()).not.toContain('<nav>');
    expect((await get('/lab/trace?kind=write')).status).toBe(400);
    expect((await get('/lab/nothing')).status).toBe(404);
    expect((await get('/lab/trace', { method: 'POST' })).status).toBe(405);
    expect((await get('/', { redirect: 'manual' })).headers.get('location')).toBe('/lab/trace');
    await server.close();
    server = undefined;
    expect(fs.existsSync(labWebAddressFile(home))).toBe(false);
  });

  it('tells an open page that the progress changed, and shows it as lab progress does', async () => {
    // No packs to count points of: the page still lists every check of progress.json.
    server = await startLabWeb({ home, packsDir: home });
    const controller = new AbortController();
    const events = await fetch(`http://${server.address}/lab/events`, { signal: controller.signal });
    const reader = events.body!.getReader();
    let received = '';
    const progress = recordChecks(
      emptyProgress(),
      { pack: 'hdfs-basics', exercise: 'first-put', questions: 1 },
      [
        {
          name: 'first-put/q1',
          exercise: 'first-put',
          question: 'q1',
          status: 'pass',
          score: 2,
          maxScore: 2,
          hidden: false,
          message: 'ok',
        } as CheckResult,
      ],
      new Date(Date.UTC(2026, 11, 2, 21, 0, 0)),
    );
    saveProgress(home, progress);
    await waitFor(
      'a change event',
      async () => {
        const chunk = await reader.read();
        received += new TextDecoder().decode(chunk.value);
        return received.includes('event: change') ? true : undefined;
      },
      10_000,
    );
    controller.abort();
    const page = await (await fetch(`http://${server.address}/lab/progress`)).text();
    expect(page).toMatch(
      /<tr class="check"><td>hdfs-basics<\/td><td>first-put<\/td><td>passed<\/td>.*<td>q1<\/td><td>pass<\/td><td>2<\/td><td>2026-12-02T21:00:00.000Z<\/td>/,
    );
    expect(page).toContain('<pre id="progress-summary">');
  });
});
