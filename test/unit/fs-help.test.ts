/**
 * `lab fs -help CMD` as FsShell.printInstanceHelp prints it. The expected lines are the
 * RegexpComparator patterns of Hadoop's own CLI test (hadoop-common's testConf.xml, "help: help for
 * <cmd>"): each must match a line of the output.
 */
import { describe, expect, it } from 'vitest';
import { fsCommandSpec, fsUsage } from '../../lab/commands/fs.js';
import { formatCommandHelp, wrapLines } from '../../lab/format/fs-help.js';

function help(name: string): string[] {
  const spec = fsCommandSpec(name);
  if (!spec?.description) throw new Error(`no description for ${name}`);
  return formatCommandHelp(spec.usage, spec.description).split('\n');
}

/** testConf.xml's comparators for one command, in its order. */
const TEST_CONF: Record<string, string[]> = {
  mkdir: [
    String.raw`^-mkdir \[-p\] <path> \.\.\. :\s*`,
    String.raw`^\s*Create a directory in specified location.( )*`,
  ],
  chmod: [
    String.raw`^-chmod \[-R\] <MODE\[,MODE\]... \| OCTALMODE> PATH... :\s*`,
    String.raw`^( |\t)*Changes permissions of a file. This works similar to the shell's chmod command( )*`,
    String.raw`^( |\t)*with a few exceptions.( )*`,
    String.raw`^( |\t)*-R\s*modifies the files recursively. This is the only option currently( )*`,
    String.raw`^( |\t)*supported.( )*`,
    String.raw`^( |\t)*<MODE>\s*Mode is the same as mode used for the shell's command. The only( )*`,
    String.raw`^( |\t)*letters recognized are 'rwxXt', e\.g\. \+t,a\+r,g-w,\+rwx,o=r\.( )*`,
    String.raw`^( |\t)*<OCTALMODE>\s+Mode specifed in 3 or 4 digits. If 4 digits, the first may be 1 or( )*`,
    String.raw`^( |\t)*0 to turn the sticky bit on or off, respectively.( )*Unlike( |\t)*the( )*`,
    String.raw`^( |\t)*shell command, it is not possible to specify only part of the( )*`,
    String.raw`^( |\t)*mode, e\.g\. 754 is same as u=rwx,g=rx,o=r\.( )*`,
    String.raw`^( |\t)*If none of 'augo' is specified, 'a' is assumed and unlike the shell command, no( )*`,
    String.raw`^( |\t)*umask is applied.( )*`,
  ],
  chgrp: [
    String.raw`^-chgrp \[-R\] GROUP PATH... :( )*`,
    String.raw`^( |\t)*This is equivalent to -chown ... :GROUP ...( )*`,
  ],
  stat: [
    String.raw`^-stat \[format\] <path> \.\.\. :\s*`,
    String.raw`^( |\t)*Print statistics about the file/directory at <path>( )*`,
    String.raw`^( |\t)*in the specified format. Format accepts permissions in( )*`,
    String.raw`^( |\t)*octal \(%a\) and symbolic \(%A\), filesize in( )*`,
    String.raw`^( |\t)*bytes \(%b\), type \(%F\), group name of owner \(%g\),( )*`,
    String.raw`^( |\t)*name \(%n\), block size \(%o\), replication \(%r\), user name( )*`,
    String.raw`^( |\t)*of owner \(%u\), access date \(%x, %X\).( )*`,
    String.raw`^( |\t)*modification date \(%y, %Y\).( )*`,
    String.raw`^( |\t)*%x and %y show UTC date as "yyyy-MM-dd HH:mm:ss" and( )*`,
    String.raw`^( |\t)*%X and %Y show milliseconds since January 1, 1970 UTC.( )*`,
    String.raw`^( |\t)*If the format is not specified, %y is used by default.( )*`,
  ],
  getmerge: [
    String.raw`^-getmerge \[-nl\] \[-skip-empty-file\] <src> <localdst> :\s*`,
    String.raw`^( |\t)*Get all the files in the directories that match the source file pattern and( )*`,
    String.raw`^( |\t)*merge and sort them to only one file on local fs. <src> is kept.( )*`,
    String.raw`^( |\t)*-nl\s+Add a newline character at the end of each file.( )*`,
    String.raw`^( |\t)*-skip-empty-file\s+Do not add new line character for empty file.( )*`,
  ],
  touch: [
    String.raw`^-touch \[-a\] \[-m\] \[-t TIMESTAMP \(yyyyMMdd\:HHmmss\) \] \[-c\] <path> \.\.\. :( )*`,
    String.raw`^\s*Updates the access and modification times of the file specified by the <path> to( )*`,
    String.raw`^\s*the current time. If the file does not exist, then a zero length file is created( )*`,
    String.raw`^\s*at <path> with current time as the timestamp of that <path>.( )*`,
    String.raw`^\s*-a\s+Change only the access time( )*`,
    String.raw`^\s*-m\s+Change only the modification time( )*`,
    String.raw`^\s*-t\s+TIMESTAMP\s+Use specified timestamp instead of current time( )*`,
    String.raw`^\s*TIMESTAMP format yyyyMMdd\:HHmmss`,
    String.raw`^\s*-c\s+Do not create any files( )*`,
  ],
  setrep: [
    String.raw`^-setrep \[-R\] \[-w\] <rep> <path> \.\.\. :\s*`,
    String.raw`^\s*Set the replication level of a file. If <path> is a directory then the command( )*`,
    String.raw`^\s*recursively changes the replication factor of all files under the directory tree( )*`,
    String.raw`^\s*rooted at <path>\. The EC files will be ignored here\.( )*`,
    String.raw`^\s*-w\s+It requests that the command waits for the replication to complete\. This( )*`,
    String.raw`^( |\t)*can potentially take a very long time\.( )*`,
    String.raw`^( |\t)*-R\s+It is accepted for backwards compatibility\. It has no effect\.( )*`,
  ],
  rmdir: [
    String.raw`^-rmdir \[--ignore-fail-on-non-empty\] <dir> \.\.\. :\s*`,
    String.raw`\s+Removes the directory entry specified by each directory argument, provided it is\s*`,
    String.raw`\s+empty\.\s*`,
  ],
};

describe('-help CMD (FsShell.printInstanceHelp, testConf.xml)', () => {
  for (const [name, patterns] of Object.entries(TEST_CONF)) {
    it(`-help ${name} prints every line testConf.xml expects`, () => {
      const lines = help(name);
      for (const pattern of patterns) {
        const re = new RegExp(pattern);
        expect(
          lines.some((line) => re.test(line)),
          `${pattern}\n${lines.join('\n')}`,
        ).toBe(true);
      }
    });
  }

  it('mkdir: the option line is a TableListing row (TokenComparator "-p  Do not fail …")', () => {
    // TableListing: each column is as wide as its longest value + 1 ('-p' → 3, the text → 44), the
    // untitled header row prints as that padding, and columns are joined by one space.
    const text = 'Do not fail if the directory already exists';
    expect(help('mkdir').slice(2)).toEqual([
      `  ${' '.repeat(3)} ${' '.repeat(text.length + 1)}`,
      `  -p  ${text} `,
    ]);
  });

  it('wraps as StringUtils.wrap: at the last space within the width, long words cut', () => {
    expect(wrapLines('aaa bbb ccc', 7)).toEqual(['aaa bbb', 'ccc']);
    expect(wrapLines('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
  });
});

/**
 * `hadoop fs -help` of Hadoop 3.3 (FsShell.printInfo: the sorted usages, then printInstanceHelp of
 * each command class's USAGE and DESCRIPTION), trailing blanks of the TableListing rows trimmed.
 */
const HADOOP_HELP: Record<string, string[]> = {
  du: [
    '-du [-s] [-h] [-v] [-x] <path> ... :',
    '  Show the amount of space, in bytes, used by the files that match the specified',
    '  file pattern. The following flags are optional:',
    '',
    '  -s  Rather than showing the size of each individual file that matches the',
    '      pattern, shows the total (summary) size.',
    '  -h  Formats the sizes of files in a human-readable fashion rather than a number',
    '      of bytes.',
    '  -v  option displays a header line.',
    '  -x  Excludes snapshots from being counted.',
    '',
    '  Note that, even without the -s option, this only shows size summaries one level',
    '  deep into a directory.',
    '',
    '  The output is in the form',
    '  \tsize\tdisk space consumed\tname(full path)',
  ],
  // Get since Hadoop 3.3.2 (HADOOP-17998: -t and -q); its "Flags:" rows are a TableListing.
  get: [
    '-get [-f] [-p] [-crc] [-ignoreCrc] [-t <thread count>] [-q <thread pool queue size>] <src> ... <localdst> :',
    '  Copy files that match the file pattern <src> to the local name. <src> is kept.',
    '  When copying multiple files, the destination must be a directory.',
    '  Flags:',
    '',
    '  -p                           Preserves timestamps, ownership and the mode.',
    '  -f                           Overwrites the destination if it already exists.',
    '  -crc                         write CRC checksums for the files downloaded.',
    '  -ignoreCrc                   Skip CRC checks on the file(s) downloaded.',
    '  -t <thread count>            Number of threads to be used, default is 1.',
    '  -q <thread pool queue size>  Thread pool queue size to be used, default is',
    '                               1024.',
  ],
  count: [
    '-count [-q] [-h] [-v] [-t [<storage type>]] [-u] [-x] [-e] <path> ... :',
    '  Count the number of directories, files and bytes under the paths',
    '  that match the specified file pattern.  The output columns are:',
    '  DIR_COUNT FILE_COUNT CONTENT_SIZE PATHNAME',
    '  or, with the -q option:',
    '  QUOTA REM_QUOTA SPACE_QUOTA REM_SPACE_QUOTA',
    '        DIR_COUNT FILE_COUNT CONTENT_SIZE PATHNAME',
    '  The -h option shows file sizes in human readable format.',
    '  The -v option displays a header line.',
    '  The -x option excludes snapshots from being calculated.',
    '  The -t option displays quota by storage types.',
    '  It should be used with -q or -u option, otherwise it will be ignored.',
    '  If a comma-separated list of storage types is given after the -t option,',
    '  it displays the quota and usage for the specified types.',
    '  Otherwise, it displays the quota and usage for all the storage',
    '  types that support quota. The list of possible storage types(case insensitive):',
    '  ram_disk, ssd, disk and archive.',
    "  It can also pass the value '', 'all' or 'ALL' to specify all the storage types.",
    '  The -u option shows the quota and',
    '  the usage against the quota without the detailed content summary.The -e option',
    '  shows the erasure coding policy.',
  ],
  tail: [
    '-tail [-f] [-s <sleep interval>] <file> :',
    '  Show the last 1KB of the file.',
    '',
    '  -f  Shows appended data as the file grows.',
    '  -s  With -f , defines the sleep interval between iterations in milliseconds.',
  ],
  rm: [
    '-rm [-f] [-r|-R] [-skipTrash] [-safely] <src> ... :',
    '  Delete all files that match the specified file pattern. Equivalent to the Unix',
    '  command "rm <src>"',
    '',
    '  -f          If the file does not exist, do not display a diagnostic message or',
    '              modify the exit status to reflect an error.',
    '  -[rR]       Recursively deletes directories.',
    '  -skipTrash  option bypasses trash, if enabled, and immediately deletes <src>.',
    '  -safely     option requires safety confirmation, if enabled, requires',
    '              confirmation before deleting large directory with more than',
    '              <hadoop.shell.delete.limit.num.files> files. Delay is expected when',
    '              walking over large directory recursively to count the number of',
    '              files to be deleted before the confirmation.',
  ],
};

describe('-help as Hadoop 3.3 prints it (every command class DESCRIPTION)', () => {
  for (const [name, expected] of Object.entries(HADOOP_HELP)) {
    it(`-help ${name}`, () => {
      expect(help(name).map((line) => line.trimEnd())).toEqual(expected);
    });
  }

  it('-usage lists every command sorted by name (CommandFactory.getNames), -help and -usage among them', () => {
    const names = fsUsage()
      .split('\n')
      .slice(1)
      .map((line) => /^\t\[-(\S+)/.exec(line)?.[1] ?? line);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['help', 'usage', 'ls', 'copyFromLocal', 'count']));
    // Every command the lab has carries its DESCRIPTION for -help.
    for (const name of names.filter((n) => n !== 'help' && n !== 'usage'))
      expect(fsCommandSpec(name)?.description, name).toBeDefined();
  });
});
