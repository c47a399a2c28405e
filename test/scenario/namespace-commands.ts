/**
 * The golden scenarios' namespace commands: snapshots, quotas, extended attributes, ACLs and the
 * trash, each a client's RPC to the simulated NameNode (`client->nn …`, and the refusal's reply
 * when there is one), with what the matching `lab` command prints made by that command's own
 * formatter (snapshotDiff's report, -count -q's and -u's columns, -getfattr's and -getfacl's lines, -rm's
 * "Moved: …" line from the trash client the lab ships).
 */
import { moveToTrash } from '../../lab/commands/fs-trash.js';
import { getfaclLines } from '../../lab/commands/fs-acl.js';
import { xattrLine } from '../../lab/commands/fs-xattr.js';
import { excludeSnapshots, formatCount } from '../../lab/format/count.js';
import { formatDu } from '../../lab/format/du.js';
import { formatStat } from '../../lab/format/stat.js';
import { parseSize } from '../../cluster/common/units.js';
import { resolveConfig } from '../../cluster/config/config.js';
import { parseAclSpec } from '../../cluster/namenode/acl.js';
import { formatDiffReport } from '../../cluster/namenode/snapshot-diff.js';
import { decodeXAttrValue, parseXAttrName, prefixedName } from '../../cluster/namenode/xattr.js';
import { RemoteError } from '../../cluster/protocol/errors.js';
import type { RpcMethod, RpcMethods } from '../../cluster/protocol/messages.js';
import type { RpcClient } from '../../cluster/transport/rpc-client.js';
import type { ClusterSim } from '../../cluster/sim/cluster-sim.js';
import type { Directive } from '../datadriven.js';

/** ClientProtocol's QUOTA_DONT_SET (Long.MAX_VALUE): leave that quota as it is. */
const QUOTA_DONT_SET = '9223372036854775807';

/** The simulated cluster's fs.defaultFS, for the lines that qualify a path. */
const SIM_DEFAULT_FS = 'hdfs://127.0.0.1:8020';

type Command = (sim: ClusterSim, d: Directive) => string[] | Promise<string[]>;

/** How many bare words the directive has (setfattr's value is optional). */
function bareWords(d: Directive): number {
  return d.args.filter((a) => a.values.length === 0 && !a.list).length;
}

/** Calls as the command's `user=`; the refusal is already in the transcript, so nothing more to print. */
function call<M extends RpcMethod>(
  sim: ClusterSim,
  d: Directive,
  method: M,
  params: RpcMethods[M]['req'],
): RpcMethods[M]['res'] | undefined {
  const answer = sim.clientCall(method, params, d.has('user') ? d.get('user') : undefined);
  return answer.ok ? answer.result : undefined;
}

/** The lab's trash client, its NameNode the simulated one (a refusal rejects as an RPC's would). */
function trashClientOf(sim: ClusterSim, user: string): Parameters<typeof moveToTrash>[0] {
  const namenode = {
    call: <M extends RpcMethod>(method: M, params: RpcMethods[M]['req']) => {
      const answer = sim.clientCall(method, params, user);
      return answer.ok ? Promise.resolve(answer.result) : Promise.reject(answer.error);
    },
  } as unknown as RpcClient;
  const config = resolveConfig({ 'fs.defaultFS': SIM_DEFAULT_FS });
  return { namenode, config, user, opId: 'sim' };
}

// Long: one entry per scenario command: a table a reader scans beside the scenario files.
export const NAMESPACE_COMMANDS: Record<string, Command> = {
  mkdir: (sim, d) => {
    call(sim, d, 'mkdirs', {
      src: d.positional(0),
      permission: Number.parseInt(d.get('mode', '755'), 8),
      createParent: true,
    });
    return [];
  },
  chmod: (sim, d) => {
    call(sim, d, 'setPermission', { src: d.positional(1), permission: Number.parseInt(d.positional(0), 8) });
    return [];
  },
  mv: (sim, d) => {
    call(sim, d, 'rename2', { src: d.positional(0), dst: d.positional(1), overwrite: false });
    return [];
  },
  // dfsadmin -setQuota N / -setSpaceQuota SIZE: the other quota is left as it is.
  setquota: (sim, d) => {
    call(sim, d, 'setQuota', {
      src: d.positional(0),
      nsQuota: d.get('ns', QUOTA_DONT_SET),
      ssQuota: d.has('space') ? String(parseSize(d.get('space'))) : QUOTA_DONT_SET,
    });
    return [];
  },
  'count-q': (sim, d) => {
    const summary = call(sim, d, 'getContentSummary', { src: d.positional(0) });
    if (!summary) return [];
    return formatCount([{ path: d.positional(0), ...summary }], { quotas: true, human: false })
      .trimEnd()
      .split('\n');
  },
  // -count -u: getQuotaUsage, the usage a directory's quotas are checked against.
  'count-u': (sim, d) => {
    const usage = call(sim, d, 'getQuotaUsage', { src: d.positional(0) });
    if (!usage) return [];
    return formatCount([{ path: d.positional(0), ...usage }], {
      quotas: false,
      quotaUsageOnly: true,
      human: false,
    })
      .trimEnd()
      .split('\n');
  },
  // -count [-x] PATH and -du -s [-x] PATH: -x takes what only snapshots hold off, as the shell does.
  count: (sim, d) => {
    const summary = call(sim, d, 'getContentSummary', { src: d.positional(0) });
    if (!summary) return [];
    const shown = d.has('-x') ? excludeSnapshots(summary) : summary;
    return formatCount([{ path: d.positional(0), ...shown }], { quotas: false, human: false })
      .trimEnd()
      .split('\n');
  },
  du: (sim, d) => {
    const summary = call(sim, d, 'getContentSummary', { src: d.positional(0) });
    if (!summary) return [];
    const shown = d.has('-x') ? excludeSnapshots(summary) : summary;
    return formatDu([{ ...shown, path: d.positional(0) }], { human: false })
      .trimEnd()
      .split('\n');
  },
  'allow-snapshot': (sim, d) => {
    call(sim, d, 'allowSnapshot', { snapshotRoot: d.positional(0) });
    return [];
  },
  snapshot: (sim, d) => {
    const made = call(sim, d, 'createSnapshot', {
      snapshotRoot: d.positional(0),
      snapshotName: d.positional(1),
    });
    return made === undefined ? [] : [`Created snapshot ${made}`];
  },
  // -truncate LENGTH PATH: FsShell's Truncate line for the answer (true: cut on a block boundary).
  truncate: (sim, d) => {
    const [length, path] = [Number(d.positional(0)), d.positional(1)];
    const done = call(sim, d, 'truncate', {
      src: path,
      newLength: length,
      clientName: 'DFSClient_NONMAPREDUCE_sim_cut',
    });
    if (done === undefined) return [];
    return done
      ? [`Truncated ${path} to length: ${length}`]
      : [
          `Truncating ${path} to length: ${length}. Wait for block recovery to complete before further updating this file.`,
        ];
  },
  // -stat FORMAT PATH: getFileInfo through the shell's own formatter (%b: the length -ls shows).
  stat: (sim, d) => {
    const status = call(sim, d, 'getFileInfo', { src: d.positional(1) });
    return status ? [formatStat(d.positional(0), status).trimEnd()] : [];
  },
  // What a reader opening PATH is told (getBlockLocations): the length of the blocks it may read
  // as they are, and the last block as sent, whose length it asks a DataNode for when incomplete.
  locate: (sim, d) => {
    const located = call(sim, d, 'getBlockLocations', {
      src: d.positional(0),
      offset: 0,
      length: 1 << 30,
      readerHost: '127.0.0.1',
    });
    if (!located) return [];
    const last = located.lastBlock?.block;
    return [
      `fileLength=${located.fileLength} underConstruction=${located.underConstruction} ` +
        `lastBlock=${last ? `blk_${last.blockId}_${last.genStamp} numBytes=${last.numBytes}` : 'none'} ` +
        `isLastBlockComplete=${located.isLastBlockComplete}`,
    ];
  },
  'delete-snapshot': (sim, d) => {
    call(sim, d, 'deleteSnapshot', { snapshotRoot: d.positional(0), snapshotName: d.positional(1) });
    return [];
  },
  'rename-snapshot': (sim, d) => {
    call(sim, d, 'renameSnapshot', {
      snapshotRoot: d.positional(0),
      snapshotOldName: d.positional(1),
      snapshotNewName: d.positional(2),
    });
    return [];
  },
  // SnapshotDiff passes "." as "": the current tree.
  'snapshot-diff': (sim, d) => {
    const name = (s: string): string => (s === '.' ? '' : s);
    const report = call(sim, d, 'getSnapshotDiffReport', {
      snapshotRoot: d.positional(0),
      fromSnapshot: name(d.positional(1)),
      toSnapshot: name(d.positional(2)),
    });
    return report ? formatDiffReport(report).trimEnd().split('\n') : [];
  },
  // -setfattr -n NAME -v VALUE PATH: FileSystem.setXAttr sends CREATE and REPLACE; flag= sends one.
  // The client parses the name (XAttrHelper) and refuses a bad one before any RPC, as the shell says.
  setfattr: (sim, d) => {
    const value = decodeXAttrValue(bareWords(d) > 2 ? d.positional(1) : '');
    const flag = d.has('flag') ? d.get('flag') : undefined;
    let name: ReturnType<typeof parseXAttrName>;
    try {
      name = parseXAttrName(d.positional(0));
    } catch (err) {
      if (err instanceof RemoteError) return [`setfattr: ${err.message}`];
      throw err;
    }
    call(sim, d, 'setXAttr', {
      src: d.positional(bareWords(d) - 1),
      xattr: { ...name, value: value.toString('base64') },
      flags: { create: flag !== 'replace', replace: flag !== 'create' },
    });
    return [];
  },
  'remove-xattr': (sim, d) => {
    call(sim, d, 'removeXAttr', { src: d.positional(1), xattr: parseXAttrName(d.positional(0)) });
    return [];
  },
  // -getfattr -d PATH
  getfattr: (sim, d) => {
    const xattrs = call(sim, d, 'getXAttrs', { src: d.positional(0), xattrs: [] });
    if (!xattrs) return [];
    return [
      `# file: ${d.positional(0)}`,
      ...xattrs.map((x) => xattrLine(prefixedName(x), Buffer.from(x.value ?? '', 'base64'), 'text')),
    ];
  },
  // -setfacl -m SPEC PATH (modifyAclEntries) or --set SPEC PATH (setAcl).
  setfacl: (sim, d) => {
    const [flag, spec] = [d.positional(0), d.positional(1)];
    const method = flag === '--set' ? 'setAcl' : 'modifyAclEntries';
    call(sim, d, method, { src: d.positional(2), aclSpec: parseAclSpec(spec, true) });
    return [];
  },
  getfacl: (sim, d) => {
    const status = call(sim, d, 'getFileInfo', { src: d.positional(0) });
    const acl = status ? call(sim, d, 'getAclStatus', { src: d.positional(0) }) : undefined;
    if (!status || !acl) return [];
    return getfaclLines(d.positional(0), status, acl.entries).slice(0, -1);
  },
  // -rm with fs.trash.interval > 0: TrashPolicyDefault.moveToTrash, the lab's client.
  trash: async (sim, d) => {
    const moved = await moveToTrash(trashClientOf(sim, d.get('user', 'student')), d.positional(0), sim.nowMs);
    return moved === null ? [] : [moved];
  },
};

/** Runs a namespace command when the directive names one; undefined when it does not. */
export function runNamespaceCommand(sim: ClusterSim, d: Directive): string[] | Promise<string[]> | undefined {
  const command = NAMESPACE_COMMANDS[d.cmd];
  return command ? command(sim, d) : undefined;
}
