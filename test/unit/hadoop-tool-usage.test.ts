/**
 * Usage errors of the Hadoop tools outside `lab fs` and `lab dfsadmin`, run in process with no
 * cluster: what each prints and its exit code, as the tool's run() has them (`hdfs` read as `lab`).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { captureOutput, labInProcess, type CapturedOutput } from './lab-in-process.js';

let home = '';
let output: CapturedOutput = { stdout: [], stderr: [] };

beforeEach(() => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-tool-usage-'));
  output = captureOutput();
});

afterEach(() => {
  vi.restoreAllMocks();
  fs.rmSync(home, { recursive: true, force: true });
});

const lab = (...args: string[]): Promise<number> => labInProcess(home, ...args);

describe('snapshot tools (LsSnapshottableDir, LsSnapshot, SnapshotDiff)', () => {
  it('lsSnapshottableDir with an argument: "Usage: \\n" + its description, return 1', async () => {
    expect(await lab('lsSnapshottableDir', '/x')).toBe(1);
    expect(output.stderr.join('')).toBe(
      'Usage: \n' +
        'lab lsSnapshottableDir: \n' +
        '\tGet the list of snapshottable directories that are owned by the current user.\n' +
        '\tReturn all the snapshottable directories if the current user is a super user.\n\n',
    );
    expect(output.stdout.join('')).toBe('');
  });

  it('lsSnapshot without its directory: "Invalid no of arguments", then its usage, return 1', async () => {
    expect(await lab('lsSnapshot')).toBe(1);
    expect(output.stderr.join('')).toBe(
      'Invalid no of arguments\n' +
        'Usage: \n' +
        'lab lsSnapshot <snapshotDir>: \n' +
        '\tGet the list of snapshots for a snapshottable directory.\n\n',
    );
  });

  it('snapshotDiff without three arguments: its description, return 1, before any cluster is asked', async () => {
    expect(await lab('snapshotDiff', '/snap', 's1')).toBe(1);
    const lines = output.stderr.join('').split('\n');
    expect(lines.slice(0, 3)).toEqual([
      'Usage: ',
      'lab snapshotDiff <snapshotDir> <from> <to>:',
      '\tGet the difference between two snapshots, ',
    ]);
    expect(lines.slice(-3)).toEqual(['\twhere ".snapshot/" can be omitted', '', '']);
  });
});

describe('fsck usage errors (DFSck.doWork, DFSck.printUsage)', () => {
  it("prints DFSck's message, then the usage, an empty line and the generic options; exit -1", async () => {
    expect(await lab('fsck', '/a', '/b')).toBe(255);
    const lines = output.stderr.join('').split('\n');
    expect(lines[0]).toBe("fsck: can only operate on one path at a time '/b'");
    expect(lines[1]).toMatch(/^Usage: lab fsck <path> \[-list-corruptfileblocks \| /);
    expect(lines.slice(2, 4)).toEqual(['', 'Generic options supported are:']);
    output.stderr.length = 0;
    expect(await lab('fsck', '/', '-x')).toBe(255);
    expect(output.stderr.join('').split('\n')[0]).toBe("fsck: Illegal option '-x'");
    output.stderr.length = 0;
    // DFSck.main: -files first (GenericOptionsParser's own option) is only the usage.
    expect(await lab('fsck', '-files', '/')).toBe(255);
    expect(output.stderr.join('')).toMatch(/^Usage: lab fsck /);
  });
});

describe('failures read before any cluster is asked (FsShell.run, GenericOptionsParser, DFSAdmin)', () => {
  it('-cp -pz: FileAttribute.getAttribute throws NoSuchElementException, FsShell.run calls it fatal, -1', async () => {
    expect(await lab('fs', '-cp', '-pz', '/a', '/b')).toBe(255);
    expect(output.stderr.join('')).toBe(
      '-cp: Fatal internal error\njava.util.NoSuchElementException: No attribute for z\n',
    );
  });

  it('getconf -conf without its file: the parse failure is logged, then GetConf runs with no arguments', async () => {
    expect(await lab('getconf', '-conf')).toBe(255);
    const lines = output.stderr.join('').split('\n');
    expect(lines[0]).toMatch(
      / WARN util\.GenericOptionsParser: options parsing failed: Missing argument for option: conf$/,
    );
    // GetConf.printUsage: its USAGE on stderr, no `lab:` anywhere.
    expect(lines[1]).toBe(
      'hdfs getconf is utility for getting configuration information from the config file.',
    );
    expect(output.stderr.join('')).not.toContain('lab:');
  });

  it('dfsadmin -setBalancerBandwidth reads its value as TraditionalBinaryPrefix.string2long does', async () => {
    const usage = 'Usage: lab dfsadmin [-setBalancerBandwidth <bandwidth in bytes per second>]\n';
    expect(await lab('dfsadmin', '-setBalancerBandwidth', '1.5m')).toBe(255);
    expect(output.stderr.join('')).toBe(`NumberFormatException: For input string: "1.5"\n${usage}`);
    output.stderr.length = 0;
    expect(await lab('dfsadmin', '-setBalancerBandwidth', '-5')).toBe(255);
    expect(output.stderr.join('')).toBe('Bandwidth should be a non-negative integer\n');
    output.stderr.length = 0;
    // string2long's IllegalArgumentException is not a NumberFormatException: DFSAdmin.run prints it.
    expect(await lab('dfsadmin', '-setBalancerBandwidth', '10x')).toBe(255);
    expect(output.stderr.join('')).toBe(
      "setBalancerBandwidth: Invalid size prefix 'x' in '10x'. Allowed prefixes are k, m, g, t, p, e(case insensitive)\n" +
        usage,
    );
  });
});
