/**
 * Golden scenario tests of the cluster on the deterministic simulator (the NameNode core and the
 * DataNode core that ship), datadriven (test/datadriven.ts): each command of a file in testdata/
 * is followed by the exact transcript it produced, through the one describer; `cluster …` starts
 * a new simulated cluster. UPDATE_GOLDEN=1 rewrites the transcripts; review the diff.
 */
import path from 'node:path';
import { parseSize, parseDuration } from '../../cluster/common/units.js';
import { ClusterSim } from '../../cluster/sim/cluster-sim.js';
import { datadriven, type Directive, type Handler } from '../datadriven.js';
import { runNamespaceCommand } from './namespace-commands.js';

/** The handler of one file: its simulated cluster lives from one `cluster` command to the next. */
function handler(): Handler {
  let sim: ClusterSim | null = null;
  const need = (d: Directive): ClusterSim => {
    if (!sim) throw new Error(`${d.pos}: the first command must be \`cluster …\``);
    return sim;
  };
  return (d) => {
    if (d.cmd === 'cluster') {
      sim = new ClusterSim({
        datanodes: d.int('datanodes', 3),
        racks: d.int('racks', 1),
        replication: d.int('replication', 3),
        blockSizeBytes: parseSize(d.get('blocksize', '1m')),
        seed: d.get('seed', '1'),
        // trash=<minutes>: fs.trash.interval, so the NameNode's trash emptier runs.
        ...(d.has('trash') ? { conf: { 'fs.trash.interval': d.get('trash') } } : {}),
      });
      sim.transcript.length = 0;
      return [];
    }
    const cluster = need(d);
    const before = cluster.transcript.length;
    const printed = runNamespaceCommand(cluster, d);
    if (printed !== undefined) return withTranscript(cluster, before, printed);
    const shown = command(cluster, d);
    return shown ?? cluster.transcript.slice(before);
  };
}

/** A namespace command's frames (and refusals), then what the lab command prints. */
async function withTranscript(
  sim: ClusterSim,
  before: number,
  printed: string[] | Promise<string[]>,
): Promise<string[]> {
  const lines = await printed;
  return [...sim.transcript.slice(before), ...lines];
}

/** Runs one command; what it shows instead of the transcript (replicas, datanodes), if anything. */
function command(sim: ClusterSim, d: Directive): string[] | null {
  switch (d.cmd) {
    case 'put':
      // crash: the writer dies before its last block's last packet (the file stays open).
      sim.put(d.positional(0), parseSize(d.get('size', '0')), {
        ...(d.has('replication') ? { replication: d.int('replication') } : {}),
        crash: d.has('crash'),
      });
      return null;
    case 'recover-lease':
      // hdfs debug recoverLease -path P: the NameNode starts the lease recovery now.
      sim.clientCall('recoverLease', { src: d.positional(0), clientName: 'DFSClient_NONMAPREDUCE_debug' });
      return null;
    case 'kill':
      sim.kill(d.positional(0));
      return null;
    case 'restart':
      sim.restart(d.positional(0));
      return null;
    case 'setrep':
      sim.setrep(d.positional(0), Number(d.positional(1)));
      return null;
    case 'rm':
      sim.rm(d.positional(0));
      return null;
    case 'report-bad':
      sim.reportBad(d.positional(0), Number(d.positional(1)), d.positional(2));
      return null;
    case 'advance':
      sim.advance(parseDuration(d.positional(0), 'ms'));
      return null;
    case 'replicas':
      return sim.replicas(d.positional(0));
    case 'exclude':
      sim.exclude(d.args.map((a) => a.key));
      return null;
    case 'maintenance':
      // maintenance dn1 dn2 for=60s: the combined hosts file asks for their maintenance.
      sim.maintenance(
        d.args.filter((a) => a.values.length === 0).map((a) => a.key),
        parseDuration(d.get('for', '0s'), 'ms'),
      );
      return null;
    case 'datanodes':
      return sim.datanodeStates();
    case 'leaving':
      // What the decommission monitor's last pass found on each DataNode leaving service.
      return Object.entries(sim.core.leavingService()).map(
        ([name, s]) =>
          `${name}: underReplicatedBlocks=${s.underReplicatedBlocks} outOfServiceOnlyReplicas=${s.outOfServiceOnlyReplicas} underReplicatedInOpenFiles=${s.underReplicatedInOpenFiles}`,
      );
    default:
      throw new Error(`${d.pos}: unknown scenario command: ${d.cmd}`);
  }
}

datadriven('golden scenarios', path.join(import.meta.dirname, 'testdata'), handler);
