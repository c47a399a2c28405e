/**
 * `lab fs` commands declare their flags once, in their usage line: the options the dispatcher
 * parses are read from it. Expected values are the options of each command's CommandFormat in
 * Hadoop's FsShell classes (flags, and addOptionWithValue for those that take a value).
 */
import { describe, expect, it } from 'vitest';
import { fsCommandSpec } from '../../lab/commands/fs.js';
import { optionsOfUsage } from '../../lab/commands/fs-command.js';

/** `name` for a flag, `name=` for an option with a value, sorted. */
function optionsOfCommand(name: string): string[] {
  const spec = fsCommandSpec(name);
  if (spec === undefined) throw new Error(`no -${name}`);
  return spec.options.map((o) => (o.values ? `${o.name}=` : o.name)).sort();
}

describe('options read from the usage line', () => {
  it('parses every form a usage writes an option in', () => {
    expect(
      optionsOfUsage('-x [-a] [-r|-R] [--long-one] {-n name | -d} [-t [<type>]] [-s <ms>] <path>'),
    ).toEqual([
      { name: 'a' },
      { name: 'r' },
      { name: 'R' },
      { name: '-long-one' },
      { name: 'n', values: 1 },
      { name: 'd' },
      { name: 't', values: 1 },
      { name: 's', values: 1 },
    ]);
    // Dashes inside placeholders and the command's own name are not options.
    expect(optionsOfUsage('-chmod [-R] <MODE[,MODE]... | OCTALMODE> PATH...')).toEqual([{ name: 'R' }]);
  });

  it("gives each command its CommandFormat's options", () => {
    // Delete.Rm: new CommandFormat(1, MAX, "f", "r", "R", "skipTrash", "safely").
    expect(optionsOfCommand('rm')).toEqual(['R', 'f', 'r', 'safely', 'skipTrash']);
    // Delete.Rmdir: new CommandFormat(1, MAX, "-ignore-fail-on-non-empty").
    expect(optionsOfCommand('rmdir')).toEqual(['-ignore-fail-on-non-empty']);
    // Tail: new CommandFormat(1, 1, "f"); addOptionWithValue("s").
    expect(optionsOfCommand('tail')).toEqual(['f', 's=']);
    // SetReplication: new CommandFormat(2, MAX, "R", "w").
    expect(optionsOfCommand('setrep')).toEqual(['R', 'w']);
    // CopyCommands.Put: new CommandFormat(1, MAX, "f", "p", "l", "d"); addOptionWithValue("t"), ("q").
    expect(optionsOfCommand('put')).toEqual(['d', 'f', 'l', 'p', 'q=', 't=']);
    // MoveCommands.MoveFromLocal parses as Put does although its usage omits -t and -q.
    expect(optionsOfCommand('moveFromLocal')).toEqual(['d', 'f', 'l', 'p', 'q=', 't=']);
    // Display.Cat: new CommandFormat(1, MAX, "ignoreCrc"); USAGE "[-ignoreCrc] <src> ...".
    expect(optionsOfCommand('cat')).toEqual(['ignoreCrc']);
    // XAttrCommands.SetfattrCommand: popOptionWithArgument for -n, -v and -x.
    expect(optionsOfCommand('setfattr')).toEqual(['n=', 'v=', 'x=']);
  });
});
