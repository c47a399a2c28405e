/**
 * The DESCRIPTION of the FsShell commands whose spec does not carry its own, as Hadoop 3.3's
 * command classes declare them (AppendToFile, CopyCommands, Count, Cp, SnapshotCommands, FsUsage.Du,
 * Delete.Expunge, Find with its Name/Print/And expressions, AclCommands, XAttrCommands, Ls,
 * Delete.Rm, Truncate, FsShell.Help/Usage). `lab fs -help [cmd]` prints them through
 * FsShell.printInstanceHelp (lab/format/fs-help.ts). Lines starting with `-` or `<` and holding one
 * ':' are option rows, which printInstanceHelp tables.
 */

/** CopyCommands.CopyFromLocal / Put (Hadoop 3.3.5 on: -t and -q for the thread pool). */
const COPY_FROM_LOCAL =
  'Copy files from the local file system into fs. Copying fails if the file already exists, ' +
  'unless the -f flag is given.\n' +
  'Flags:\n' +
  '  -p : Preserves access and modification times, ownership and the mode.\n' +
  '  -f : Overwrites the destination if it already exists.\n' +
  '  -t <thread count> : Number of threads to be used, default is 1.\n' +
  '  -q <thread pool queue size> : Thread pool queue size to be used, default is 1024.\n' +
  '  -l : Allow DataNode to lazily persist the file to disk. Forces replication factor of 1. ' +
  'This flag will result in reduced durability. Use with care.\n' +
  '  -d : Skip creation of temporary file(<dst>._COPYING_).\n';

/** ContentSummary.getHeaderFields / getQuotaHeaderFields joined by spaces. */
const CONTENT_HEADER = 'DIR_COUNT FILE_COUNT CONTENT_SIZE';
const QUOTA_HEADER = 'QUOTA REM_QUOTA SPACE_QUOTA REM_SPACE_QUOTA';

export const FS_DESCRIPTIONS: Readonly<Record<string, string>> = {
  appendToFile:
    'Appends the contents of all the given local files to the given dst file. The dst file will be ' +
    'created if it does not exist. If <localSrc> is -, then the input is read from stdin.',
  copyFromLocal: COPY_FROM_LOCAL,
  put: COPY_FROM_LOCAL,
  // CopyCommands.Get (Hadoop 3.3.2 on: -t and -q, HADOOP-17998).
  get:
    'Copy files that match the file pattern <src> to the local name. <src> is kept.\n' +
    'When copying multiple files, the destination must be a directory.\n' +
    'Flags:\n' +
    '  -p : Preserves timestamps, ownership and the mode.\n' +
    '  -f : Overwrites the destination if it already exists.\n' +
    '  -crc : write CRC checksums for the files downloaded.\n' +
    '  -ignoreCrc : Skip CRC checks on the file(s) downloaded.\n' +
    '  -t <thread count> : Number of threads to be used, default is 1.\n' +
    '  -q <thread pool queue size> : Thread pool queue size to be used, default is 1024.\n',
  copyToLocal: 'Identical to the -get command.',
  count:
    'Count the number of directories, files and bytes under the paths\n' +
    'that match the specified file pattern.  The output columns are:\n' +
    `${CONTENT_HEADER} PATHNAME\n` +
    'or, with the -q option:\n' +
    `${QUOTA_HEADER}\n` +
    `      ${CONTENT_HEADER} PATHNAME\n` +
    'The -h option shows file sizes in human readable format.\n' +
    'The -v option displays a header line.\n' +
    'The -x option excludes snapshots from being calculated. \n' +
    'The -t option displays quota by storage types.\n' +
    'It should be used with -q or -u option, otherwise it will be ignored.\n' +
    'If a comma-separated list of storage types is given after the -t option, \n' +
    'it displays the quota and usage for the specified types. \n' +
    'Otherwise, it displays the quota and usage for all the storage \n' +
    'types that support quota. The list of possible storage types(case insensitive):\n' +
    'ram_disk, ssd, disk and archive.\n' +
    "It can also pass the value '', 'all' or 'ALL' to specify all the storage types.\n" +
    'The -u option shows the quota and \n' +
    'the usage against the quota without the detailed content summary.' +
    'The -e option shows the erasure coding policy.',
  cp:
    'Copy files that match the file pattern <src> to a destination.  When copying multiple files, ' +
    'the destination must be a directory. Passing -p preserves status [topax] (timestamps, ' +
    'ownership, permission, ACLs, XAttr). If -p is specified with no <arg>, then preserves ' +
    'timestamps, ownership, permission. If -pa is specified, then preserves permission also ' +
    'because ACL is a super-set of permission. Passing -f overwrites the destination if it already ' +
    'exists. raw namespace extended attributes are preserved if (1) they are supported (HDFS only) ' +
    'and, (2) all of the source and target pathnames are in the /.reserved/raw hierarchy. raw ' +
    'namespace xattr preservation is determined solely by the presence (or absence) of the ' +
    '/.reserved/raw prefix and not by the -p option. Passing -d will skip creation of temporary ' +
    'file(<dst>._COPYING_).\n',
  createSnapshot: 'Create a snapshot on a directory',
  deleteSnapshot: 'Delete a snapshot from a directory',
  renameSnapshot: 'Rename a snapshot from oldName to newName',
  du:
    'Show the amount of space, in bytes, used by the files that match the specified file pattern. ' +
    'The following flags are optional:\n' +
    '-s: Rather than showing the size of each individual file that matches the pattern, shows the ' +
    'total (summary) size.\n' +
    '-h: Formats the sizes of files in a human-readable fashion rather than a number of bytes.\n' +
    '-v: option displays a header line.\n' +
    '-x: Excludes snapshots from being counted.\n\n' +
    'Note that, even without the -s option, this only shows size summaries one level deep into a ' +
    'directory.\n\n' +
    'The output is in the form \n' +
    '\tsize\tdisk space consumed\tname(full path)\n',
  expunge: 'Delete files from the trash that are older than the retention threshold',
  find: [
    'Finds all files that match the specified expression and',
    'applies selected actions to them. If no <path> is specified',
    'then defaults to the current working directory. If no',
    'expression is specified then defaults to -print.',
    '',
    'The following primary expressions are recognised:',
    '  -name pattern',
    '  -iname pattern',
    '    Evaluates as true if the basename of the file matches the',
    '    pattern using standard file system globbing.',
    '    If -iname is used then the match is case insensitive.',
    '',
    '  -print',
    '  -print0',
    '    Always evaluates to true. Causes the current pathname to be',
    '    written to standard output followed by a newline. If the -print0',
    '    expression is used then an ASCII NULL character is appended rather',
    '    than a newline.',
    '',
    'The following operators are recognised:',
    '  expression -a expression',
    '  expression -and expression',
    '  expression expression',
    '    Logical AND operator for joining two expressions. Returns',
    '    true if both child expressions return true. Implied by the',
    '    juxtaposition of two expressions and so does not need to be',
    '    explicitly specified. The second expression will not be',
    '    applied if the first fails.',
  ].join('\n'),
  getfacl:
    'Displays the Access Control Lists (ACLs) of files and directories. If a directory has a ' +
    'default ACL, then getfacl also displays the default ACL.\n' +
    '  -R: List the ACLs of all files and directories recursively.\n' +
    '  <path>: File or directory to list.\n',
  getfattr:
    'Displays the extended attribute names and values (if any) for a file or directory.\n' +
    '-R: Recursively list the attributes for all files and directories.\n' +
    '-n name: Dump the named extended attribute value.\n' +
    '-d: Dump all extended attribute values associated with pathname.\n' +
    '-e <encoding>: Encode values after retrieving them.Valid encodings are "text", "hex", and ' +
    '"base64". Values encoded as text strings are enclosed in double quotes ("), and values ' +
    'encoded as hexadecimal and base64 are prefixed with 0x and 0s, respectively.\n' +
    '<path>: The file or directory.\n',
  setfacl:
    'Sets Access Control Lists (ACLs) of files and directories.\n' +
    'Options:\n' +
    '  -b :Remove all but the base ACL entries. The entries for user, group and others are ' +
    'retained for compatibility with permission bits.\n' +
    '  -k :Remove the default ACL.\n' +
    '  -R :Apply operations to all files and directories recursively.\n' +
    '  -m :Modify ACL. New entries are added to the ACL, and existing entries are retained.\n' +
    '  -x :Remove specified ACL entries. Other ACL entries are retained.\n' +
    '  --set :Fully replace the ACL, discarding all existing entries. The <acl_spec> must include ' +
    'entries for user, group, and others for compatibility with permission bits. If the ACL spec ' +
    'contains only access entries, then the existing default entries are retained. If the ACL ' +
    'spec contains only default entries, then the existing access entries are retained. If the ' +
    'ACL spec contains both access and default entries, then both are replaced.\n' +
    '  <acl_spec>: Comma separated list of ACL entries.\n' +
    '  <path>: File or directory to modify.\n',
  setfattr:
    'Sets an extended attribute name and value for a file or directory.\n' +
    '-n name: The extended attribute name.\n' +
    '-v value: The extended attribute value. There are three different encoding methods for the ' +
    'value. If the argument is enclosed in double quotes, then the value is the string inside the ' +
    'quotes. If the argument is prefixed with 0x or 0X, then it is taken as a hexadecimal number. ' +
    'If the argument begins with 0s or 0S, then it is taken as a base64 encoding.\n' +
    '-x name: Remove the extended attribute.\n' +
    '<path>: The file or directory.\n',
  ls:
    'List the contents that match the specified file pattern. If path is not specified, the ' +
    'contents of /user/<currentUser> will be listed. For a directory a list of its direct children ' +
    'is returned (unless -d option is specified).\n\n' +
    'Directory entries are of the form:\n' +
    '\tpermissions - userId groupId sizeOfDirectory(in bytes) modificationDate(yyyy-MM-dd HH:mm) directoryName\n\n' +
    'and file entries are of the form:\n' +
    '\tpermissions numberOfReplicas userId groupId sizeOfFile(in bytes) modificationDate(yyyy-MM-dd HH:mm) fileName\n\n' +
    '  -C  Display the paths of files and directories only.\n' +
    '  -d  Directories are listed as plain files.\n' +
    '  -h  Formats the sizes of files in a human-readable fashion\n' +
    '      rather than a number of bytes.\n' +
    '  -q  Print ? instead of non-printable characters.\n' +
    '  -R  Recursively list the contents of directories.\n' +
    '  -t  Sort files by modification time (most recent first).\n' +
    '  -S  Sort files by size.\n' +
    '  -r  Reverse the order of the sort.\n' +
    '  -u  Use time of last access instead of modification for\n' +
    '      display and sorting.\n' +
    '  -e  Display the erasure coding policy of files and directories.\n',
  rm:
    'Delete all files that match the specified file pattern. Equivalent to the Unix command ' +
    '"rm <src>"\n' +
    '-f: If the file does not exist, do not display a diagnostic message or modify the exit ' +
    'status to reflect an error.\n' +
    '-[rR]:  Recursively deletes directories.\n' +
    '-skipTrash: option bypasses trash, if enabled, and immediately deletes <src>.\n' +
    '-safely: option requires safety confirmation, if enabled, requires confirmation before ' +
    'deleting large directory with more than <hadoop.shell.delete.limit.num.files> files. Delay is ' +
    'expected when walking over large directory recursively to count the number of files to be ' +
    'deleted before the confirmation.\n',
  truncate:
    'Truncate all files that match the specified file pattern to the specified length.\n' +
    '-w: Requests that the command wait for block recovery to complete, if necessary.',
};

/** FsShell.Help and FsShell.Usage, which the dispatcher runs itself. */
export const HELP_USAGE = {
  help: 'Displays help for given command or all commands if none is specified.',
  usage: 'Displays the usage for given command or all commands if none is specified.',
} as const;
