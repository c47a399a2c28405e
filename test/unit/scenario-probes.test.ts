/**
 * The scenario's probes, without a cluster: every name of the exercise vocabulary goes to the one
 * live implementation (lab/checks/live-probes.ts), journal.lines is the scenario's own, and an
 * unknown name is answered with the names there are.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROBE_NAMES } from '../../lab/checks/registry.js';
import { runLiveProbe } from '../../lab/scenario/live-probes.js';

describe('scenario probes', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'scenario-probes-'));
  afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

  it('names every probe when asked for one that does not exist', async () => {
    const outcome = await runLiveProbe({ home, sinceMs: 0 }, 'file.size', {});
    expect(outcome.status).toBe('error');
    const message = outcome.status === 'error' ? outcome.message : '';
    for (const name of PROBE_NAMES) expect(message).toContain(name);
  });

  it('answers the exercise vocabulary through the live probes: their argument checks and their errors', async () => {
    expect(await runLiveProbe({ home, sinceMs: 0 }, 'datanode.state', {})).toMatchObject({
      status: 'error',
      message: expect.stringMatching(/datanode.state: bad arguments \(datanode:/) as unknown,
    });
    expect(await runLiveProbe({ home, sinceMs: 0 }, 'datanode.blocks', { datanode: 'dn1' })).toMatchObject({
      status: 'error',
      message: expect.stringContaining('no cluster') as unknown,
    });
  });

  it('reads journal.lines from the journal since the run began, and takes only proc', async () => {
    const journal = path.join(home, 'journal');
    const event = (t: number, proc: string) =>
      JSON.stringify({ k: 'event', t, proc, event: { type: 'log', level: 'info', text: `${proc} at ${t}` } });
    fs.mkdirSync(journal);
    fs.writeFileSync(
      path.join(journal, 'nn-100-000001-1.jsonl'),
      `${[event(1, 'nn'), event(5, 'nn')].join('\n')}\n`,
    );
    fs.writeFileSync(path.join(journal, 'dn1-101-000001-6.jsonl'), `${event(6, 'dn1')}\n`);
    const outcome = await runLiveProbe({ home, sinceMs: 2 }, 'journal.lines', { proc: 'nn' });
    expect(outcome.status).toBe('ok');
    const lines = outcome.status === 'ok' ? String(outcome.value).split('\n') : [];
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain('nn at 5');
    expect(await runLiveProbe({ home, sinceMs: 0 }, 'journal.lines', { node: 'nn' })).toMatchObject({
      status: 'error',
    });
  });
});
