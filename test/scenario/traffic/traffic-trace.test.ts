/**
 * Golden outputs of `lab traffic` and `lab trace` for a put and a get of /a.txt, the
 * re-replication after a DataNode died and a checkpoint, from the journal of a real seeded run
 * (recorded.journal.jsonl, written by `npm run record-traffic`: see record.ts). UPDATE_GOLDEN=1
 * rewrites the .txt files beside this test from it; review the diff.
 */
import { describe, it } from 'vitest';
import { expectGolden } from '../../golden/golden.js';
import { countTraffic, formatCounts } from '../../../lab/trace/counts.js';
import { layoutSequence, renderSequenceText } from '../../../lab/trace/diagram.js';
import { findOperation, type Operation, type OperationQuery } from '../../../lab/trace/operations.js';
import { selectFrames, trafficLine } from '../../../lab/traffic/lines.js';
import { recordedJournal } from './recorded.js';

const journal = recordedJournal();

const golden = (name: string, text: string): void => expectGolden(`../scenario/traffic/${name}`, text);

function operation(query: OperationQuery): Operation {
  const op = findOperation(journal, query);
  if (!op)
    throw new Error(`no ${query.last} in the recorded journal; record it again (npm run record-traffic)`);
  return op;
}

describe('lab traffic', () => {
  it('prints the put and the get one tcpdump line per frame, heartbeats left out', () => {
    const ids = new Set([operation({ last: 'put', path: '/a.txt' }).id, operation({ last: 'get' }).id]);
    const frames = selectFrames(journal, { heartbeats: false, sinceMs: 0 });
    const lines = frames.filter((f) => f.op !== undefined && ids.has(f.op)).map(trafficLine);
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
      const op = operation(query);
      const text = `${renderSequenceText(layoutSequence(op))}\n\n${formatCounts(countTraffic(op.records))}\n`;
      golden(`${name}.trace.txt`, text);
    });
  }
});
