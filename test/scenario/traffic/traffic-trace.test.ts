/**
 * Golden outputs of `lab traffic` and `lab trace` for a scripted put and get (and the
 * re-replication and checkpoint that follow), from the scripted journal in ./fixture.ts.
 * UPDATE_GOLDEN=1 rewrites the .txt files beside this test; review the diff.
 */
import { describe, it } from 'vitest';
import { expectGolden } from '../../golden/golden.js';
import { countTraffic, formatCounts } from '../../../lab/trace/counts.js';
import { layoutSequence, renderSequenceText } from '../../../lab/trace/diagram.js';
import { findOperation, type OperationQuery } from '../../../lab/trace/operations.js';
import { selectFrames, trafficLine } from '../../../lab/traffic/lines.js';
import { scriptedJournal } from './fixture.js';

const golden = (name: string, text: string): void => expectGolden(`../scenario/traffic/${name}`, text);

describe('lab traffic', () => {
  it('prints the put and the get one tcpdump line per frame, heartbeats left out', () => {
    const frames = selectFrames(scriptedJournal(), { heartbeats: false, sinceMs: 0 });
    const lines = frames.filter((f) => f.op === 'put-7f3a' || f.op === 'get-91c0').map(trafficLine);
    golden('put-get.traffic.txt', lines.join('\n') + '\n');
  });
});

describe('lab trace', () => {
  const cases: [string, OperationQuery][] = [
    ['put', { last: 'put', path: '/a.txt' }],
    ['get', { last: 'get' }],
    ['rereplication', { last: 'rereplication' }],
    ['checkpoint', { last: 'checkpoint' }],
  ];
  for (const [name, query] of cases) {
    it(`draws the ${name} as a sequence diagram, with its counts`, () => {
      const op = findOperation(scriptedJournal(), query);
      if (!op) throw new Error(`no ${name} in the scripted journal`);
      const text = `${renderSequenceText(layoutSequence(op))}\n\n${formatCounts(countTraffic(op.records))}\n`;
      golden(`${name}.trace.txt`, text);
    });
  }
});
