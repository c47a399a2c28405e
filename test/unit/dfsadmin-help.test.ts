/**
 * `lab dfsadmin` usage, help and exit codes as DFSAdmin's. Help lines are checked against the
 * RegexpComparator patterns of Hadoop's own CLI test (hadoop-hdfs testHDFSConf.xml, "help: help for
 * dfsadmin <cmd>"); usage lines are DFSAdmin.printUsage's strings (`lab dfsadmin` for `hdfs dfsadmin`);
 * exit codes follow DFSAdmin.run, whose -1 a shell sees as 255.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { Command } from '../../lab/cli/commander.js';
import { CommandExit } from '../../lab/cli/errors.js';
import { registerDfsadmin } from '../../lab/commands/dfsadmin.js';
import { dfsadminHelp, dfsadminUsage } from '../../lab/commands/dfsadmin-help.js';

/** testHDFSConf.xml's comparators: each must match a line of `-help <cmd>`. */
const TEST_HDFS_CONF: Record<string, string[]> = {
  report: [
    String.raw`^-report \[-live\] \[-dead\] \[-decommissioning\] \[-enteringmaintenance\] \[-inmaintenance\] \[-slownodes\]:(.)*`,
    String.raw`^[ \t]*Reports basic filesystem information and statistics.( )*`,
  ],
  safemode: [
    String.raw`^-safemode <enter\|leave\|get\|wait\|forceExit>:( |\t)*Safe mode maintenance command.( )*`,
    String.raw`^( |\t)*Safe mode is a Namenode state in which it( )*`,
    String.raw`^( |\t)*1.( )*does not accept changes to the name space \(read-only\)( )*`,
    String.raw`^( |\t)*2.( )*does not replicate or delete blocks.( )*`,
    String.raw`^( |\t)*condition.  Safe mode can also be entered manually, but then( )*`,
    String.raw`^( |\t)*it can only be turned off manually as well.( )*`,
  ],
  refreshNodes: [
    String.raw`^-refreshNodes:( |\t)*Updates the namenode with the set of datanodes allowed to connect to the namenode.( )*`,
    String.raw`^( |\t)*Namenode re-reads datanode hostnames from the file defined by( )*`,
    String.raw`^( |\t)*dfs.hosts, dfs.hosts.exclude configuration parameters.( )*`,
  ],
  setQuota: [
    String.raw`^-setQuota <quota> <dirname>...<dirname>: Set the quota <quota> for each directory <dirName>.( )*`,
    String.raw`^( |\t)*Note: A quota of 1 would force the directory to remain empty.( )*`,
  ],
  clrQuota: [
    String.raw`^-clrQuota <dirname>...<dirname>: Clear the quota for each directory <dirName>.( )*`,
    String.raw`^( |\t)*It does not fault if the directory has no quota.( )*`,
  ],
  metasave: [String.raw`^-metasave <filename>:( |\t)*Save Namenode's primary data structures( )*`],
  help: [
    String.raw`^-help \[cmd\]:( |\t)*Displays help for the given command or all commands if none( )*`,
    String.raw`^( |\t)*is specified.( )*`,
  ],
};

describe('dfsadmin -help', () => {
  for (const [cmd, patterns] of Object.entries(TEST_HDFS_CONF)) {
    it(`-help ${cmd} prints DFSAdmin's text`, () => {
      const lines = dfsadminHelp(cmd).split('\n');
      for (const pattern of patterns)
        expect(
          lines.some((l) => new RegExp(pattern).test(l)),
          pattern,
        ).toBe(true);
    });
  }

  it('with no command prints the summary, every help, then the generic options', () => {
    const text = dfsadminHelp();
    expect(text.startsWith('lab dfsadmin performs DFS administrative commands.\n')).toBe(true);
    expect(text).toContain('\n\t[-safemode <enter | leave | get | wait | forceExit>]\n');
    expect(text).toContain('\n-rollEdits:\tRolls the edit log.\n\n');
    // commonUsageSummary lists -metasave after -getDatanodeInfo; printHelp prints its text after
    // -refreshNodes' (before the quota commands').
    expect(text).toContain('\t[-getDatanodeInfo <datanode_host:ipc_port>]\n\t[-metasave filename]\n');
    expect(text).toMatch(/\t\tare not chosen for writing new replicas\.\n\n-metasave <filename>: /);
    expect(text).toMatch(/4\. Blocks waiting to be deleted\n\n-setQuota /);
    // ToolRunner.printGenericCommandUsage, ending with its empty println.
    expect(text.endsWith('command [genericOptions] [commandOptions]\n\n')).toBe(true);
  });
});

describe('dfsadmin usage lines (DFSAdmin.printUsage)', () => {
  it("prints a command's own line", () => {
    expect(dfsadminUsage('-rollEdits')).toBe('Usage: lab dfsadmin [-rollEdits]\n');
    expect(dfsadminUsage('-metasave')).toBe('Usage: lab dfsadmin [-metasave filename]\n');
    expect(dfsadminUsage('-safemode')).toBe(
      'Usage: lab dfsadmin [-safemode enter | leave | get | wait | forceExit]\n',
    );
    expect(dfsadminUsage('-setQuota')).toBe(
      'Usage: lab dfsadmin [-setQuota <quota> <dirname>...<dirname>]\n',
    );
  });
});

describe('dfsadmin exit codes (DFSAdmin.run)', () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-dfsadmin-help-'));
  afterEach(() => vi.restoreAllMocks());

  async function dfsadmin(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const streams = { stdout: '', stderr: '' };
    for (const name of ['stdout', 'stderr'] as const) {
      vi.spyOn(process[name], 'write').mockImplementation((chunk: string | Uint8Array) => {
        streams[name] += String(chunk);
        return true;
      });
    }
    const program = new Command('lab').option('--home <dir>').exitOverride();
    registerDfsadmin(program);
    let code = 0;
    try {
      await program.parseAsync(['--home', home, 'dfsadmin', ...args], { from: 'user' });
    } catch (error) {
      if (!(error instanceof CommandExit)) throw error;
      code = error.exitCode;
    }
    vi.restoreAllMocks();
    return { code, ...streams };
  }

  it('no command: the summary of every command on stderr, exit -1', async () => {
    const r = await dfsadmin();
    expect(r.code).toBe(255);
    expect(r.stderr.split('\n').slice(0, 3)).toEqual([
      'Usage: lab dfsadmin',
      'Note: Administrative commands can only be run as the HDFS superuser.',
      '\t[-report [-live] [-dead] [-decommissioning] [-enteringmaintenance] [-inmaintenance] [-slownodes]]',
    ]);
  });

  it("a miscounted command: only its usage line, exit -1; an unknown one: '<cmd>: Unknown command'", async () => {
    expect(await dfsadmin('-rollEdits', 'now')).toEqual({
      code: 255,
      stdout: '',
      stderr: 'Usage: lab dfsadmin [-rollEdits]\n',
    });
    expect(await dfsadmin('-safemode')).toMatchObject({
      code: 255,
      stderr: 'Usage: lab dfsadmin [-safemode enter | leave | get | wait | forceExit]\n',
    });
    const unknown = await dfsadmin('-nope');
    expect(unknown.code).toBe(255);
    expect(unknown.stderr.split('\n').slice(0, 2)).toEqual(['nope: Unknown command', 'Usage: lab dfsadmin']);
  });

  it('-help needs no cluster and exits 0', async () => {
    const r = await dfsadmin('-help', 'rollEdits');
    expect(r).toEqual({ code: 0, stdout: '-rollEdits:\tRolls the edit log.\n\n', stderr: '' });
  });
});
