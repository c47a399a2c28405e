/**
 * Hadoop's TableMapping (`net.topology.table.file.name`): a text file mapping hosts or IPs to rack
 * paths, one `<host-or-ip> <rack-path>` pair per line (TableMapping's file).
 *
 * Pure: the caller reads the file; an unreadable file means every DataNode is on /default-rack.
 */
import { DEFAULT_RACK, parseNetworkLocation } from './topology.js';

export interface TableMappingParse {
  /** host or IP → rack path. */
  mapping: Map<string, string>;
  /** One message per ignored or overriding line, naming its 1-based line number. */
  warnings: string[];
}

/**
 * Lines are trimmed; blank lines and `#` lines are skipped; a line without exactly two
 * whitespace-separated columns is ignored with a warning, as Hadoop does. The lab also warns about
 * (and ignores) a rack that is not a valid network location, because Hadoop would only fail later,
 * when the DataNode registers, far from the line that caused it.
 */
export function parseTableMapping(text: string): TableMappingParse {
  const mapping = new Map<string, string>();
  const lineOfHost = new Map<string, number>();
  const warnings: string[] = [];
  text.split(/\r?\n/).forEach((rawLine, index) => {
    const lineNumber = index + 1;
    const line = rawLine.trim();
    if (line.length === 0 || line.startsWith('#')) return;
    const columns = line.split(/\s+/);
    const [host, rack] = columns;
    if (columns.length !== 2 || host === undefined || rack === undefined) {
      warnings.push(
        `line ${lineNumber}: expected 2 columns "<host-or-ip> <rack-path>", found ${columns.length} — ignored: ${line}`,
      );
      return;
    }
    const rackProblem = networkLocationProblem(rack);
    if (rackProblem !== undefined) {
      warnings.push(`line ${lineNumber}: ${rackProblem} — ignored`);
      return;
    }
    const earlier = lineOfHost.get(host);
    if (earlier !== undefined) {
      warnings.push(`line ${lineNumber}: ${host} was already mapped on line ${earlier}; the later line wins`);
    }
    mapping.set(host, rack);
    lineOfHost.set(host, lineNumber);
  });
  return { mapping, warnings };
}

function networkLocationProblem(rack: string): string | undefined {
  try {
    parseNetworkLocation(rack);
    return undefined;
  } catch (error) {
    return (error as Error).message;
  }
}

/** The rack for a host, IP or DataNode name; unknown hosts land on /default-rack. */
export function resolveRack(mapping: ReadonlyMap<string, string>, hostOrName: string): string {
  return mapping.get(hostOrName) ?? DEFAULT_RACK;
}
