/**
 * The pure parts of `lab fs` commands, against Hadoop's classes: ChmodParser / PermissionParser
 * (-chmod), FsShellPermissions.Chown (-chown), TouchCommands.Touch (-touch -t), Find's expression
 * parser (-find), CommandFormat with a null option (unknown options kept as operands) and the
 * numbers options take (Integer.parseInt, Long.parseLong: -t, -q, -tail -s, -truncate).
 */
import { describe, expect, it } from 'vitest';
import {
  CommandFormatError,
  parseCommandFormat,
  parseOptionInt,
  parseOptionLong,
} from '../../lab/cli/hadoop-args.js';
import { qualify, splitPathUri } from '../../lab/commands/fs-command.js';
import { parseFindExpression } from '../../lab/commands/fs-find.js';
import { parseTouchTimestamp } from '../../lab/commands/fs-namespace.js';
import { FatalInternalError, popPreserveOption } from '../../lab/commands/fs-preserve.js';
import { applyMode, parseChmodMode, parseOwnerGroup } from '../../lab/commands/fs-permissions.js';

const chmod = (mode: string, existing: number, directory = false): string =>
  applyMode(parseChmodMode(mode), existing, directory).toString(8);

describe('-chmod modes (ChmodParser)', () => {
  it('octal: 3 digits set rwx and clear the sticky bit, a fourth leading digit sets it', () => {
    expect(chmod('754', 0o1777)).toBe('754');
    expect(chmod('1777', 0o755)).toBe('1777');
    expect(chmod('+644', 0o777)).toBe('644');
  });
  it('symbolic: who defaults to a, +/-/= per clause, clauses joined by commas', () => {
    expect(chmod('u+x', 0o644)).toBe('744');
    expect(chmod('go-w', 0o777)).toBe('755');
    expect(chmod('u=rwx,g=rx,o=r', 0)).toBe('754');
    expect(chmod('a=r', 0o777)).toBe('444');
    // The separator pattern [,\s]* may end the string: a trailing comma is accepted.
    expect(chmod('u+x,', 0o644)).toBe('744');
    expect(chmod('+w', 0o444)).toBe('666');
    // 't' is the sticky bit, set only through 'o' or 'a'.
    expect(chmod('+t', 0o777)).toBe('1777');
    expect(chmod('o-t', 0o1777)).toBe('777');
  });
  it('X adds execute only to directories and files already executable by someone', () => {
    expect(chmod('a+X', 0o644)).toBe('644');
    expect(chmod('a+X', 0o644, true)).toBe('755');
    expect(chmod('a+X', 0o744)).toBe('755');
  });
  it("refuses anything else with Chmod's message", () => {
    for (const bad of ['abc', '8777', '77', 'u+x g-w', 'u+q']) {
      expect(() => parseChmodMode(bad), bad).toThrow(
        `chmod : mode '${bad}' does not match the expected pattern.`,
      );
    }
  });
});

describe('-chown / -chgrp owner and group (FsShellPermissions.Chown.parseOwnerGroup)', () => {
  it('takes OWNER, OWNER:GROUP, :GROUP; an empty group is none', () => {
    expect(parseOwnerGroup('alice')).toEqual({ owner: 'alice', group: null });
    expect(parseOwnerGroup('alice:staff')).toEqual({ owner: 'alice', group: 'staff' });
    expect(parseOwnerGroup(':staff')).toEqual({ owner: null, group: 'staff' });
    expect(parseOwnerGroup('alice:')).toEqual({ owner: 'alice', group: null });
  });
  it("refuses names outside [-+_./@a-zA-Z0-9] and an empty change, with Chown's messages", () => {
    expect(() => parseOwnerGroup('al ice')).toThrow(
      "'al ice' does not match expected pattern for [owner][:group].",
    );
    expect(() => parseOwnerGroup(':')).toThrow("':' does not specify owner or group.");
  });
});

describe('-touch -t (TouchCommands.Touch, SimpleDateFormat yyyyMMdd:HHmmss)', () => {
  it('reads the timestamp in the local time zone', () => {
    expect(parseTouchTimestamp('20240229:235959')).toBe(new Date(2024, 1, 29, 23, 59, 59).getTime());
  });
  it("refuses another form with Touch's message", () => {
    expect(() => parseTouchTimestamp('2024-02-29')).toThrow(
      'Unable to parse the specified timestamp 2024-02-29. The expected format is yyyyMMdd:HHmmss',
    );
  });
});

describe('-find expressions (Find.parseExpression)', () => {
  it('implies -print when no action is given, and keeps an explicit -print0', () => {
    expect(parseFindExpression([]).map((p) => p.kind)).toEqual(['print']);
    expect(parseFindExpression(['-name', '*.txt']).map((p) => p.kind)).toEqual(['name', 'print']);
    expect(parseFindExpression(['-iname', 'A*', '-a', '-print0']).at(-1)).toEqual({
      kind: 'print',
      suffix: '\0',
    });
  });
  it("refuses an unknown word with Find's 'Unexpected argument'", () => {
    expect(() => parseFindExpression(['-size', '1'])).toThrow('Unexpected argument: -size');
  });
});

describe('CommandFormat with a null option (ignoreUnknownOpts)', () => {
  it('keeps an unknown option as an operand: -chmod -w f is mode -w', () => {
    const parsed = parseCommandFormat(['-R', '-w', 'f'], {
      options: [{ name: 'R' }],
      min: 2,
      ignoreUnknownOptions: true,
    });
    expect([...parsed.options.keys()]).toEqual(['R']);
    expect(parsed.operands).toEqual(['-w', 'f']);
  });
});

describe('path arguments (PathData.stringToUri)', () => {
  it('takes a scheme only when ":" is followed by "/", and an authority after "//"', () => {
    expect(splitPathUri('hdfs://nn:8020/a')).toEqual({ scheme: 'hdfs', authority: 'nn:8020', path: '/a' });
    // hdfs:///a has an empty authority (the default file system's), hdfs:/a none.
    expect(splitPathUri('hdfs:///a')).toEqual({ scheme: 'hdfs', authority: '', path: '/a' });
    expect(splitPathUri('hdfs:/a')).toEqual({ scheme: 'hdfs', path: '/a' });
    expect(splitPathUri('hdfs://nn')).toEqual({ scheme: 'hdfs', authority: 'nn', path: '' });
    // "a:b" is a relative name with a colon, not a scheme.
    expect(splitPathUri('a:b')).toEqual({ path: 'a:b' });
  });
  it('resolves each form to the NameNode path', () => {
    expect(qualify('hdfs://nn:8020/a/b')).toBe('/a/b');
    expect(qualify('hdfs:///a')).toBe('/a');
    expect(qualify('hdfs:/a')).toBe('/a');
    expect(qualify('hdfs://nn:8020')).toBe('/');
  });
});

describe('-cp -p[topax] (Cp.popPreserveOption, CommandWithDestination.FileAttribute)', () => {
  it('takes the first -p… wherever it stands before --; -p alone is timestamps, ownership, permission', () => {
    expect(popPreserveOption(['-f', '-p', 'a', 'b'])).toEqual({ rest: ['-f', 'a', 'b'], preserve: 'top' });
    // The loop looks at every argument, paths included, and stops at "--".
    expect(popPreserveOption(['a', 'b', '-pax'])).toEqual({ rest: ['a', 'b'], preserve: 'ax' });
    expect(popPreserveOption(['--', '-p', 'a'])).toEqual({ rest: ['--', '-p', 'a'], preserve: '' });
    // Only the first one is taken: a second -p reaches CommandFormat, which has no such option.
    expect(popPreserveOption(['-pt', '-po', 'a'])).toEqual({ rest: ['-po', 'a'], preserve: 't' });
  });
  it("an unknown symbol is FileAttribute.getAttribute's NoSuchElementException, which FsShell calls fatal", () => {
    expect(() => popPreserveOption(['-ptz', 'a', 'b'])).toThrow(FatalInternalError);
    expect(() => popPreserveOption(['-ptz', 'a', 'b'])).toThrow(
      'java.util.NoSuchElementException: No attribute for z',
    );
  });
});

describe("an option's number (Integer.parseInt, Long.parseLong)", () => {
  it('takes a sign and decimal digits within the type, as Java does', () => {
    expect(parseOptionInt('+2147483647')).toBe(2147483647);
    expect(parseOptionInt('-2147483648')).toBe(-2147483648);
    expect(parseOptionLong('-007')).toBe(-7);
    expect(parseOptionLong('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
  });
  it("refuses anything else with NumberFormatException's text", () => {
    for (const bad of ['', ' 1', '1.5', '0x10', '2147483648', '-2147483649']) {
      expect(() => parseOptionInt(bad)).toThrow(new CommandFormatError(`For input string: "${bad}"`));
    }
    // Past Long.MAX_VALUE Java refuses it; past 2^53 the lab does (no length or delay is that large).
    for (const bad of ['1e3', '9223372036854775808', '9007199254740992']) {
      expect(() => parseOptionLong(bad)).toThrow(new CommandFormatError(`For input string: "${bad}"`));
    }
  });
});
