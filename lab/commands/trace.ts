/**
 * `lab trace [put|get|rereplication|checkpoint] [PATH] [--last KIND] [--op ID] [--list] [--counts]
 * [--svg FILE] [--html FILE] [--json]`: the messages of one operation as a sequence diagram,
 * read from the journal (`lab trace put /a.txt` is the last put of /a.txt; `lab trace` the last put).
 */
import fs from 'node:fs';
import { homePaths } from '../../cluster/home/description.js';
import { readJournal } from '../../cluster/transport/journal.js';
import type { Command } from '../cli/commander.js';
import { homeOf } from '../cli/context.js';
import { UsageError } from '../cli/errors.js';
import { out, printJson } from '../cli/output.js';
import { countTraffic, formatCounts } from '../trace/counts.js';
import { layoutSequence, renderSequenceText } from '../trace/diagram.js';
import {
  findOperation,
  listOperations,
  OPERATION_KINDS,
  type OperationKind,
  type OperationQuery,
} from '../trace/operations.js';
import { renderSequenceHtml, renderSequenceSvg } from '../trace/svg.js';

interface TraceOptions {
  last?: string;
  op?: string;
  list?: boolean;
  counts?: boolean;
  svg?: string;
  html?: string;
  json?: boolean;
}

function operationKind(text: string): OperationKind {
  if (!(OPERATION_KINDS as readonly string[]).includes(text)) {
    throw new UsageError(`trace: the operation kind is one of ${OPERATION_KINDS.join(', ')}, not ${text}`);
  }
  return text as OperationKind;
}

export function registerTrace(program: Command): void {
  program
    .command('trace')
    .description('show one operation (a put, a get, a re-replication, a checkpoint) as a sequence diagram')
    .argument('[kind]', 'put, get, rereplication, checkpoint (default: put)')
    .argument('[path]', 'only operations on this HDFS path')
    .option('--last <kind>', 'the most recent operation of this kind')
    .option('--op <id>', 'the operation with this id (see --list)')
    .option('--list', 'list the operations the journal holds')
    .option('--counts', 'add messages and bytes per pair of processes and kind')
    .option('--svg <file>', 'also write the diagram as SVG')
    .option('--html <file>', 'also write the diagram and counts as an HTML page')
    .option('--json', 'the diagram and counts as JSON')
    .action(
      (kindArg: string | undefined, pathArg: string | undefined, opts: TraceOptions, command: Command) => {
        const records = readJournal(homePaths(homeOf(command)).journal);
        if (opts.list) {
          for (const op of listOperations(records)) {
            out(`${op.id}  ${op.kind}${op.path ? ` ${op.path}` : ''}  ${op.records.length} records`);
          }
          return;
        }
        const query: OperationQuery = {};
        if (opts.op !== undefined) query.op = opts.op;
        else query.last = operationKind(opts.last ?? kindArg ?? 'put');
        if (pathArg !== undefined) query.path = pathArg;
        let operation;
        try {
          operation = findOperation(records, query);
        } catch (error) {
          throw new UsageError(`trace: ${(error as Error).message}`);
        }
        if (!operation) {
          const what =
            query.op !== undefined
              ? `operation ${query.op}`
              : `${query.last}${query.path ? ` of ${query.path}` : ''}`;
          throw new UsageError(
            `trace: the journal holds no ${what}.`,
            '`lab trace --list` shows the operations it holds; run the command first (e.g. `lab fs -put FILE /a.txt`).',
          );
        }
        const diagram = layoutSequence(operation);
        const counts = countTraffic(operation.records);
        if (opts.svg) fs.writeFileSync(opts.svg, renderSequenceSvg(diagram));
        if (opts.html) fs.writeFileSync(opts.html, renderSequenceHtml(diagram, counts));
        if (opts.json) {
          printJson({
            operation: { id: operation.id, kind: operation.kind, path: operation.path },
            diagram,
            counts,
          });
          return;
        }
        out(renderSequenceText(diagram));
        if (opts.counts) out(`\n${formatCounts(counts)}`);
      },
    );
}
