/**
 * Golden scenario tests of NameNode behaviour, datadriven in the style of etcd-io/raft: each file
 * in testdata/ holds scenarios — commands, a `----` line, the exact transcript the simulator
 * prints through the one describer — separated by `====` lines. UPDATE_GOLDEN=1 rewrites the
 * expected transcripts; review the diff before committing.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSize, parseDuration } from '../../cluster/common/units.js';
import { ClusterSim } from '../../cluster/sim/cluster-sim.js';

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'testdata');

interface Scenario {
  commands: string[];
  expected: string;
}

function parseFile(text: string): Scenario[] {
  return text
    .split(/^====\n/m)
    .filter((chunk) => chunk.trim() !== '')
    .map((chunk) => {
      const [head, expected = ''] = chunk.split(/^----\n/m);
      const commands = (head ?? '')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l !== '' && !l.startsWith('#'));
      return { commands, expected };
    });
}

function args(words: string[]): Record<string, string> {
  return Object.fromEntries(words.map((w) => w.split('=') as [string, string]));
}

function run(commands: string[]): string {
  let sim: ClusterSim | null = null;
  const out: string[] = [];
  const need = (): ClusterSim => {
    if (!sim) throw new Error('the first command must be `cluster …`');
    return sim;
  };
  for (const command of commands) {
    const [verb, ...rest] = command.split(/\s+/);
    const before = sim?.transcript.length ?? 0;
    switch (verb) {
      case 'cluster': {
        const a = args(rest);
        sim = new ClusterSim({
          datanodes: Number(a.datanodes ?? 3),
          racks: Number(a.racks ?? 1),
          replication: Number(a.replication ?? 3),
          blockSizeBytes: parseSize(a.blocksize ?? '1m'),
          seed: a.seed ?? '1',
        });
        sim.transcript.length = 0;
        continue;
      }
      case 'put': {
        const a = args(rest.slice(1));
        need().put(
          rest[0] as string,
          parseSize(a.size ?? '0'),
          a.replication ? { replication: Number(a.replication) } : {},
        );
        break;
      }
      case 'kill':
        need().kill(rest[0] as string);
        break;
      case 'restart':
        need().restart(rest[0] as string);
        break;
      case 'setrep':
        need().setrep(rest[0] as string, Number(rest[1]));
        break;
      case 'rm':
        need().rm(rest[0] as string);
        break;
      case 'report-bad':
        need().reportBad(rest[0] as string, Number(rest[1]), rest[2] as string);
        break;
      case 'advance':
        need().advance(parseDuration(rest[0] as string, 'ms'));
        break;
      case 'replicas':
        out.push(...need().replicas(rest[0] as string));
        continue;
      case 'exclude':
        need().exclude(rest);
        break;
      case 'maintenance': {
        // maintenance dn1 dn2 for=60s: the combined hosts file asks for their maintenance.
        const names = rest.filter((w) => !w.includes('='));
        need().maintenance(names, parseDuration(args(rest.filter((w) => w.includes('='))).for ?? '0s', 'ms'));
        break;
      }
      case 'datanodes':
        out.push(...need().datanodeStates());
        continue;
      default:
        throw new Error(`unknown scenario command: ${command}`);
    }
    out.push(...need().transcript.slice(before));
  }
  return out.map((l) => `${l}\n`).join('');
}

const files = fs.readdirSync(DIR).filter((f) => f.endsWith('.txt'));

describe('NameNode golden scenarios', () => {
  for (const file of files) {
    it(file, () => {
      const full = path.join(DIR, file);
      const scenarios = parseFile(fs.readFileSync(full, 'utf8'));
      const actual = scenarios.map((s) => ({ ...s, actual: run(s.commands) }));
      if (process.env.UPDATE_GOLDEN === '1') {
        const text = fs
          .readFileSync(full, 'utf8')
          .split(/^====\n/m)
          .filter((chunk) => chunk.trim() !== '')
          .map(
            (chunk, i) => `${(chunk.split(/^----\n/m)[0] ?? '').trimEnd()}\n----\n${actual[i]?.actual ?? ''}`,
          )
          .join('====\n');
        fs.writeFileSync(full, text);
        return;
      }
      for (const s of actual) expect(s.actual, `${file}: ${s.commands.join(' | ')}`).toBe(s.expected);
    });
  }
});
