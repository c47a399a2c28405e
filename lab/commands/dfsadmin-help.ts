/**
 * DFSAdmin's usage and help texts for the sub-commands the lab has: printUsage(cmd) (one
 * `Usage:` line on stderr for a misused command; with no command, the summary of all), and
 * printHelp(cmd) (`-help [cmd]`, on stdout). The texts are DFSAdmin's (its commonUsageSummary
 * lines, printUsage's lines and printHelp's strings), with `lab dfsadmin` for `hdfs dfsadmin`; the
 * summaries list only the commands the lab carries out.
 */
import { CommandExit, UsageError } from '../cli/errors.js';
import { GENERIC_USAGE_PRINTED } from '../cli/generic-options.js';
import { err } from '../cli/output.js';

interface DfsadminCommandText {
  /** Its line in commonUsageSummary, without the tab and brackets. */
  summary: string;
  /** What printUsage(cmd) prints after `Usage: lab dfsadmin `. */
  usage: string;
  /** printHelp(cmd)'s string. */
  help: string;
  /** Where printHelp prints it when that is not its place in the summary: after this command's help. */
  helpAfter?: string;
}

/** DFSAdmin's quota commands' DESCRIPTIONs (SetQuotaCommand, ClearQuotaCommand, …). */
const SET_QUOTA_HELP =
  '-setQuota <quota> <dirname>...<dirname>: Set the quota <quota> for each directory <dirName>.\n' +
  '\t\tThe directory quota is a long integer that puts a hard limit\n' +
  '\t\ton the number of names in the directory tree\n' +
  '\t\tFor each directory, attempt to set the quota. An error will be reported if\n' +
  '\t\t1. quota is not a positive integer, or\n' +
  '\t\t2. User is not an administrator, or\n' +
  '\t\t3. The directory does not exist or is a file.\n' +
  '\t\tNote: A quota of 1 would force the directory to remain empty.\n';

const CLR_QUOTA_HELP =
  '-clrQuota <dirname>...<dirname>: Clear the quota for each directory <dirName>.\n' +
  '\t\tFor each directory, attempt to clear the quota. An error will be reported if\n' +
  '\t\t1. the directory does not exist or is a file, or\n' +
  '\t\t2. user is not an administrator.\n' +
  '\t\tIt does not fault if the directory has no quota.';

const STORAGE_TYPES_HELP =
  '\t\tAvailable storageTypes are \n' + '\t\t- DISK\n' + '\t\t- SSD\n' + '\t\t- ARCHIVE\n' + '\t\t- PROVIDED';

const SET_SPACE_QUOTA_USAGE = '-setSpaceQuota <quota> [-storageType <storagetype>] <dirname>...<dirname>';
const SET_SPACE_QUOTA_HELP =
  `${SET_SPACE_QUOTA_USAGE}: Set the space quota <quota> for each directory <dirName>.\n` +
  '\t\tThe space quota is a long integer that puts a hard limit\n' +
  '\t\ton the total size of all the files under the directory tree.\n' +
  '\t\tThe extra space required for replication is also counted. E.g.\n' +
  '\t\ta 1GB file with replication of 3 consumes 3GB of the quota.\n\n' +
  '\t\tQuota can also be specified with a binary prefix for terabytes,\n' +
  '\t\tpetabytes etc (e.g. 50t is 50TB, 5m is 5MB, 3p is 3PB).\n' +
  '\t\tFor each directory, attempt to set the quota. An error will be reported if\n' +
  '\t\t1. quota is not a positive integer or zero, or\n' +
  '\t\t2. user is not an administrator, or\n' +
  '\t\t3. the directory does not exist or is a file.\n' +
  '\t\tThe storage type specific quota is set when -storageType option is specified.\n' +
  STORAGE_TYPES_HELP;

const CLR_SPACE_QUOTA_USAGE = '-clrSpaceQuota [-storageType <storagetype>] <dirname>...<dirname>';
const CLR_SPACE_QUOTA_HELP =
  `${CLR_SPACE_QUOTA_USAGE}: Clear the space quota for each directory <dirName>.\n` +
  '\t\tFor each directory, attempt to clear the quota. An error will be reported if\n' +
  '\t\t1. the directory does not exist or is a file, or\n' +
  '\t\t2. user is not an administrator.\n' +
  '\t\tIt does not fault if the directory has no quota.\n' +
  '\t\tThe storage type specific quota is cleared when -storageType option is specified.\n' +
  STORAGE_TYPES_HELP;

/** The lab's DFSAdmin commands, in commonUsageSummary's order. */
export const DFSADMIN_TEXTS: Readonly<Record<string, DfsadminCommandText>> = {
  report: {
    summary:
      '-report [-live] [-dead] [-decommissioning] [-enteringmaintenance] [-inmaintenance] [-slownodes]',
    usage:
      '[-report] [-live] [-dead] [-decommissioning] [-enteringmaintenance] [-inmaintenance] [-slownodes]',
    help:
      '-report [-live] [-dead] [-decommissioning] [-enteringmaintenance] [-inmaintenance] [-slownodes]:\n' +
      '\tReports basic filesystem information and statistics. \n' +
      '\tThe dfs usage can be different from "du" usage, because it\n' +
      '\tmeasures raw space used by replication, checksums, snapshots\n' +
      '\tand etc. on all the DNs.\n' +
      '\tOptional flags may be used to filter the list of displayed DNs.\n',
  },
  safemode: {
    summary: '-safemode <enter | leave | get | wait | forceExit>',
    usage: '[-safemode enter | leave | get | wait | forceExit]',
    help:
      '-safemode <enter|leave|get|wait|forceExit>:  Safe mode maintenance command.\n' +
      '\t\tSafe mode is a Namenode state in which it\n' +
      '\t\t\t1.  does not accept changes to the name space (read-only)\n' +
      '\t\t\t2.  does not replicate or delete blocks.\n' +
      '\t\tSafe mode is entered automatically at Namenode startup, and\n' +
      '\t\tleaves safe mode automatically when the configured minimum\n' +
      '\t\tpercentage of blocks satisfies the minimum replication\n' +
      '\t\tcondition.  Safe mode can also be entered manually, but then\n' +
      '\t\tit can only be turned off manually as well.\n',
  },
  saveNamespace: {
    summary: '-saveNamespace [-beforeShutdown]',
    usage: '[-saveNamespace [-beforeShutdown]]',
    help:
      '-saveNamespace [-beforeShutdown]:\tSave current namespace into storage directories and reset edits \n' +
      '\t\t log. Requires safe mode.\n' +
      '\t\tIf the "beforeShutdown" option is given, the NameNode does a \n' +
      '\t\tcheckpoint if and only if there is no checkpoint done during \n' +
      '\t\ta time window (a configurable number of checkpoint periods).\n' +
      '\t\tThis is usually used before shutting down the NameNode to \n' +
      '\t\tprevent potential fsimage/editlog corruption.\n',
  },
  rollEdits: { summary: '-rollEdits', usage: '[-rollEdits]', help: '-rollEdits:\tRolls the edit log.\n' },
  refreshNodes: {
    summary: '-refreshNodes',
    usage: '[-refreshNodes]',
    help:
      '-refreshNodes: \tUpdates the namenode with the set of datanodes allowed to connect to the namenode.\n\n' +
      '\t\tNamenode re-reads datanode hostnames from the file defined by \n' +
      '\t\tdfs.hosts, dfs.hosts.exclude configuration parameters.\n' +
      '\t\tHosts defined in dfs.hosts are the datanodes that are part of \n' +
      '\t\tthe cluster. If there are entries in dfs.hosts, only the hosts \n' +
      '\t\tin it are allowed to register with the namenode.\n\n' +
      '\t\tEntries in dfs.hosts.exclude are datanodes that need to be \n' +
      '\t\tdecommissioned. Datanodes complete decommissioning when \n' +
      '\t\tall the replicas from them are replicated to other datanodes.\n' +
      '\t\tDecommissioned nodes are not automatically shutdown and \n' +
      '\t\tare not chosen for writing new replicas.\n',
  },
  setQuota: {
    summary: '-setQuota <quota> <dirname>...<dirname>',
    usage: '[-setQuota <quota> <dirname>...<dirname>]',
    help: SET_QUOTA_HELP,
  },
  clrQuota: {
    summary: '-clrQuota <dirname>...<dirname>',
    usage: '[-clrQuota <dirname>...<dirname>]',
    help: CLR_QUOTA_HELP,
  },
  setSpaceQuota: {
    summary: SET_SPACE_QUOTA_USAGE,
    usage: `[${SET_SPACE_QUOTA_USAGE}]`,
    help: SET_SPACE_QUOTA_HELP,
  },
  clrSpaceQuota: {
    summary: CLR_SPACE_QUOTA_USAGE,
    usage: `[${CLR_SPACE_QUOTA_USAGE}]`,
    help: CLR_SPACE_QUOTA_HELP,
  },
  printTopology: {
    summary: '-printTopology',
    usage: '[-printTopology]',
    help: '-printTopology: Print a tree of the racks and their\n\t\tnodes as reported by the Namenode\n',
  },
  setBalancerBandwidth: {
    summary: '-setBalancerBandwidth <bandwidth in bytes per second>',
    usage: '[-setBalancerBandwidth <bandwidth in bytes per second>]',
    help:
      '-setBalancerBandwidth <bandwidth>:\n' +
      '\tChanges the network bandwidth used by each datanode during\n' +
      '\tHDFS block balancing.\n\n' +
      '\t\t<bandwidth> is the maximum number of bytes per second\n' +
      '\t\tthat will be used by each datanode. This value overrides\n' +
      '\t\tthe dfs.datanode.balance.bandwidthPerSec parameter.\n\n' +
      '\t\t--- NOTE: The new value is not persistent on the DataNode.---\n',
  },
  getBalancerBandwidth: {
    summary: '-getBalancerBandwidth <datanode_host:ipc_port>',
    usage: '[-getBalancerBandwidth <datanode_host:ipc_port>]',
    help:
      '-getBalancerBandwidth <datanode_host:ipc_port>:\n' +
      '\tGet the network bandwidth for the given datanode.\n' +
      '\tThis is the maximum network bandwidth used by the datanode\n' +
      '\tduring HDFS block balancing.\n\n' +
      '\t--- NOTE: This value is not persistent on the DataNode.---\n',
  },
  fetchImage: {
    summary: '-fetchImage <local directory>',
    usage: '[-fetchImage <local directory>]',
    help:
      '-fetchImage <local directory>:\n' +
      '\tDownloads the most recent fsimage from the Name Node and saves it in' +
      '\tthe specified local directory.\n',
  },
  allowSnapshot: {
    summary: '-allowSnapshot <snapshotDir>',
    usage: '[-allowSnapshot <snapshotDir>]',
    help: '-allowSnapshot <snapshotDir>:\n\tAllow snapshots to be taken on a directory.\n',
  },
  disallowSnapshot: {
    summary: '-disallowSnapshot <snapshotDir>',
    usage: '[-disallowSnapshot <snapshotDir>]',
    help: '-disallowSnapshot <snapshotDir>:\n\tDo not allow snapshots to be taken on a directory any more.\n',
  },
  shutdownDatanode: {
    summary: '-shutdownDatanode <datanode_host:ipc_port> [upgrade]',
    usage: '[-shutdownDatanode <datanode_host:ipc_port> [upgrade]]',
    help:
      '-shutdownDatanode <datanode_host:ipc_port> [upgrade]\n' +
      '\tSubmit a shutdown request for the given datanode. If an optional\n' +
      '\t"upgrade" argument is specified, clients accessing the datanode\n' +
      '\twill be advised to wait for it to restart and the fast start-up\n' +
      '\tmode will be enabled. When the restart does not happen in time,\n' +
      '\tclients will timeout and ignore the datanode. In such case, the\n' +
      '\tfast start-up mode will also be disabled.\n',
  },
  getDatanodeInfo: {
    summary: '-getDatanodeInfo <datanode_host:ipc_port>',
    usage: '[-getDatanodeInfo <datanode_host:ipc_port>]',
    help:
      '-getDatanodeInfo <datanode_host:ipc_port>\n' +
      '\tGet the information about the given datanode. This command can\n' +
      '\tbe used for checking if a datanode is alive.\n',
  },
  metasave: {
    summary: '-metasave filename',
    usage: '[-metasave filename]',
    help:
      "-metasave <filename>: \tSave Namenode's primary data structures\n" +
      '\t\tto <filename> in the directory specified by hadoop.log.dir property.\n' +
      '\t\t<filename> is overwritten if it exists.\n' +
      '\t\t<filename> will contain one line for each of the following\n' +
      '\t\t\t1. Datanodes heart beating with Namenode\n' +
      '\t\t\t2. Blocks waiting to be replicated\n' +
      '\t\t\t3. Blocks currrently being replicated\n' +
      '\t\t\t4. Blocks waiting to be deleted\n',
    helpAfter: 'refreshNodes',
  },
  triggerBlockReport: {
    summary:
      '-triggerBlockReport [-incremental] <datanode_host:ipc_port> [-namenode <namenode_host:ipc_port>]',
    usage:
      '[-triggerBlockReport [-incremental] <datanode_host:ipc_port> [-namenode <namenode_host:ipc_port>]]',
    help:
      '-triggerBlockReport [-incremental] <datanode_host:ipc_port> [-namenode <namenode_host:ipc_port>]\n' +
      '\tTrigger a block report for the datanode.\n' +
      "\tIf 'incremental' is specified, it will be an incremental\n" +
      '\tblock report; otherwise, it will be a full block report.\n',
  },
  listOpenFiles: {
    summary: '-listOpenFiles [-blockingDecommission] [-path <path>]',
    usage: '[-listOpenFiles [-blockingDecommission] [-path <path>]]',
    help:
      '-listOpenFiles [-blockingDecommission]\n' +
      '\tList all open files currently managed by the NameNode along\n' +
      '\twith client name and client machine accessing them.\n' +
      "\tIf 'blockingDecommission' option is specified, it will list the\n" +
      '\topen files only that are blocking the ongoing Decommission.',
  },
  help: {
    summary: '-help [cmd]',
    usage: '[-help [cmd]]',
    help: '-help [cmd]: \tDisplays help for the given command or all commands if none\n\t\tis specified.\n',
  },
};

const USAGE_PREFIX = 'Usage: lab dfsadmin';

/** commonUsageSummary over the lab's commands. */
function usageSummary(): string {
  return Object.values(DFSADMIN_TEXTS)
    .map((c) => `\t[${c.summary}]\n`)
    .join('');
}

/** The text `-help cmd` names, if the lab has that command (DFSAdmin matches `-help` names exactly). */
function textOf(cmd: string): DfsadminCommandText | undefined {
  return Object.hasOwn(DFSADMIN_TEXTS, cmd) ? DFSADMIN_TEXTS[cmd] : undefined;
}

/**
 * DFSAdmin.printUsage(cmd)'s bytes, for stderr: the command's one line, or (for a command it does
 * not know, or none) the summary of every command and the generic options.
 */
export function dfsadminUsage(cmd = ''): string {
  const text = cmd.startsWith('-') ? textOf(cmd.slice(1)) : undefined;
  if (text !== undefined) return `${USAGE_PREFIX} ${text.usage}\n`;
  return (
    `${USAGE_PREFIX}\n` +
    'Note: Administrative commands can only be run as the HDFS superuser.\n' +
    `${usageSummary()}\n` +
    GENERIC_USAGE_PRINTED
  );
}

/**
 * DFSAdmin.printHelp(cmd)'s bytes, for stdout: the command's help (printed with println, so a text
 * ending in a newline leaves a blank line), or the summary, every command's help and the generic
 * options when `cmd` is not one of them.
 */
export function dfsadminHelp(cmd = ''): string {
  const text = textOf(cmd);
  if (text !== undefined) return `${text.help}\n`;
  const summary =
    'lab dfsadmin performs DFS administrative commands.\n' +
    'Note: Administrative commands can only be run with superuser permission.\n' +
    'The full syntax is: \n\n' +
    'lab dfsadmin\n' +
    usageSummary();
  const helps = helpOrder().map((c) => `${c.help}\n`);
  return `${summary}\n${helps.join('')}\n${GENERIC_USAGE_PRINTED}`;
}

/** printHelp's order: the summary's, but for a command whose help DFSAdmin prints elsewhere. */
function helpOrder(): DfsadminCommandText[] {
  const texts = Object.entries(DFSADMIN_TEXTS);
  const order = texts.filter(([, t]) => t.helpAfter === undefined).map(([name]) => name);
  for (const [name, t] of texts) {
    if (t.helpAfter !== undefined) order.splice(order.indexOf(t.helpAfter) + 1, 0, name);
  }
  return order.map((name) => DFSADMIN_TEXTS[name] as DfsadminCommandText);
}

/** DFSAdmin commands students meet that the lab does not carry out, and why. */
const NOT_IN_THE_LAB: Readonly<Record<string, string>> = {
  '-finalizeUpgrade': 'a lab cluster keeps the layout version it was formatted with and is never upgraded',
  '-upgrade': 'a lab cluster keeps the layout version it was formatted with and is never upgraded',
};

/** DFSAdmin's commands that talk to one DataNode's IPC port (ClientDatanodeProtocol), not the NameNode. */
export const DATANODE_COMMANDS: ReadonlySet<string> = new Set([
  '-getBalancerBandwidth',
  '-shutdownDatanode',
  '-getDatanodeInfo',
  '-triggerBlockReport',
]);

/** DFSAdmin.run's exit status for a usage error or a failed command (-1). */
export const DFSADMIN_FAILED = 255;

/**
 * A command the lab does not carry out: Hadoop's ones it lacks are refused with where the same
 * facts are; anything else is DFSAdmin.run's `<cmd>: Unknown command` and the summary, exit -1.
 * Returns for a command the lab has.
 */
export function refuseUnknownCommand(sub: string): void {
  if (sub.startsWith('-') && textOf(sub.slice(1)) !== undefined) return;
  if (Object.hasOwn(NOT_IN_THE_LAB, sub)) {
    throw new UsageError(
      `${sub.slice(1)}: Hadoop's command, not the lab's yet: ${NOT_IN_THE_LAB[sub]}`,
      dfsadminUsage(''),
      DFSADMIN_FAILED,
    );
  }
  err(`${sub.slice(1)}: Unknown command`);
  process.stderr.write(dfsadminUsage(''));
  throw new CommandExit(DFSADMIN_FAILED);
}
