/**
 * Probes of a live cluster for the `expect` step: they read what the cluster shows anyone — the
 * NameNode's answers (getFileInfo, getBlockLocations, getDatanodeReport, fsck), the DataNodes'
 * block files, the name directory, the journal and the effective configuration.
 *
 * Besides the exercise vocabulary (lab/exercises/probes.ts) the scenario runner answers
 * `journal.lines`: the journal as describe() prints it (`nn: dn3 dead (last heartbeat 11.0 s
 * ago)`), so a scenario can expect a described line with `matches` or its absence with
 * `notMatches`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { clusterConfig } from '../../cluster/launcher/cluster-config.js';
import { homePaths, type ClusterDescription } from '../../cluster/launcher/description.js';
import { readDescription } from '../../cluster/launcher/home.js';
import { finalizedBlockPath, finalizedMetaPath } from '../../cluster/datanode/layout.js';
import { describeRecord } from '../../cluster/protocol/describe.js';
import type { JournalRecord } from '../../cluster/protocol/journal-types.js';
import { readJournal } from '../../cluster/runtime/journal.js';
import type { NamenodeCalls } from './corrupt.js';
import type { LocatedBlock } from '../../cluster/protocol/types.js';
import { formatFsck } from '../format/fsck.js';
import { toReport } from '../commands/fsck.js';
import type { ProbeOutcome } from '../exercises/probes.js';

/** Probes answered here (the exercise vocabulary's live subset plus journal.lines). */
export const LIVE_PROBES = [
  'file.info',
  'file.blocks',
  'file.blockCount',
  'block.replicas',
  'block.files',
  'block.metaHeader',
  'datanode.list',
  'topology.rack',
  'namedir.files',
  'journal.bytes',
  'journal.rpcOrder',
  'journal.lines',
  'config.get',
  'fsck.status',
] as const;

export interface LiveProbeContext {
  home: string;
  namenode: NamenodeCalls;
  /** Journal records before this instant are ignored by the journal probes (the scenario's start). */
  sinceMs: number;
}

type Args = Record<string, unknown>;
type Probe = (ctx: LiveProbeContext, args: Args) => Promise<ProbeOutcome<unknown>>;

const ok = (value: unknown): ProbeOutcome<unknown> => ({ status: 'ok', value });
const error = (message: string): ProbeOutcome<unknown> => ({ status: 'error', message });

function str(args: Args, key: string): string | undefined {
  const v = args[key];
  return typeof v === 'string' ? v : undefined;
}

async function located(ctx: LiveProbeContext, file: string): Promise<{ blocks: LocatedBlock[] } | undefined> {
  const answer = await ctx.namenode.call('getBlockLocations', {
    src: file,
    offset: 0,
    length: Number.MAX_SAFE_INTEGER,
    readerHost: '',
  });
  return answer ?? undefined;
}

async function blockAt(ctx: LiveProbeContext, args: Args): Promise<LocatedBlock | string> {
  const file = str(args, 'path') ?? '/';
  const index = typeof args.block === 'number' ? args.block : 0;
  const found = await located(ctx, file);
  if (!found) return `${file}: No such file or directory`;
  return found.blocks[index] ?? `${file} has no block ${index} (it has ${found.blocks.length})`;
}

function description(ctx: LiveProbeContext): ClusterDescription {
  const desc = readDescription(ctx.home);
  if (!desc) throw new Error(`no cluster.json in ${ctx.home}`);
  return desc;
}

function journalSince(ctx: LiveProbeContext): JournalRecord[] {
  return readJournal(homePaths(ctx.home).journal).filter((r) => r.t >= ctx.sinceMs);
}

const PROBES: Record<(typeof LIVE_PROBES)[number], Probe> = {
  'file.info': async (ctx, args) => {
    const file = str(args, 'path') ?? '/';
    const status = await ctx.namenode.call('getFileInfo', { src: file });
    if (!status) return error(`${file}: No such file or directory`);
    return ok({
      path: file,
      type: status.type === 'DIRECTORY' ? 'directory' : 'file',
      length: status.length,
      replication: status.replication,
      blockSizeBytes: status.blockSize,
      inodeId: status.fileId,
    });
  },
  'file.blocks': async (ctx, args) => {
    const found = await located(ctx, str(args, 'path') ?? '/');
    if (!found) return error(`${String(args.path)}: No such file or directory`);
    return ok(
      found.blocks.map((b) => ({
        blockName: `blk_${b.block.blockId}`,
        blockId: b.block.blockId,
        genStamp: b.block.genStamp,
        numBytes: b.block.numBytes,
        replicas: b.locations.map((l) => l.name),
      })),
    );
  },
  'file.blockCount': async (ctx, args) => {
    const found = await located(ctx, str(args, 'path') ?? '/');
    return found ? ok(found.blocks.length) : error(`${String(args.path)}: No such file or directory`);
  },
  'block.replicas': async (ctx, args) => {
    const b = await blockAt(ctx, args);
    if (typeof b === 'string') return error(b);
    return ok([
      ...b.locations.map((l, i) => ({ datanode: l.name, rack: b.racks[i] ?? '', state: 'finalized' })),
      ...(b.corruptLocations ?? []).map((name) => ({ datanode: name, rack: '', state: 'corrupt' })),
    ]);
  },
  'block.files': async (ctx, args) => {
    const b = await blockAt(ctx, args);
    if (typeof b === 'string') return error(b);
    const desc = description(ctx);
    const only = str(args, 'datanode');
    const files = desc.datanodes
      .filter((dn) => only === undefined || dn.id === only)
      .map((dn) => {
        const dataDir = homePaths(ctx.home).dataDir(dn.id);
        const blockFile = finalizedBlockPath(dataDir, b.blockPoolId, b.block.blockId);
        const metaFile = finalizedMetaPath(dataDir, b.blockPoolId, b.block.blockId, b.block.genStamp);
        if (!fs.existsSync(blockFile)) return undefined;
        const metaBytes = fs.existsSync(metaFile) ? fs.statSync(metaFile).size : 0;
        return { datanode: dn.id, blockFile, metaFile, blockBytes: fs.statSync(blockFile).size, metaBytes };
      })
      .filter((f) => f !== undefined);
    return ok(files);
  },
  'block.metaHeader': async (ctx, args) => {
    const files = await PROBES['block.files'](ctx, args);
    if (files.status !== 'ok') return files;
    const first = (files.value as { metaFile: string }[])[0];
    if (!first) return error('no DataNode holds a replica of this block');
    const header = fs.readFileSync(first.metaFile).subarray(0, 7);
    const types = ['NULL', 'CRC32', 'CRC32C'];
    return ok({
      version: header.readUInt16BE(0),
      checksumType: types[header.readUInt8(2)] ?? 'NULL',
      bytesPerChecksum: header.readUInt32BE(3),
    });
  },
  'datanode.list': async (ctx) => {
    const all = await ctx.namenode.call('getDatanodeReport', { type: 'ALL' });
    return ok(all.map((d) => ({ id: d.name, rack: d.networkLocation, state: d.liveness })));
  },
  'topology.rack': async (ctx, args) => {
    const dn = description(ctx).datanodes.find((d) => d.id === str(args, 'datanode'));
    return dn ? ok(dn.rack) : error(`no DataNode ${String(args.datanode)}`);
  },
  'namedir.files': (ctx, args) => {
    const dir =
      str(args, 'dir') === 'namesecondary' ? homePaths(ctx.home).checkpointDir : homePaths(ctx.home).nameDir;
    try {
      return Promise.resolve(ok(fs.readdirSync(path.join(dir, 'current')).sort()));
    } catch {
      return Promise.resolve(error(`${dir}/current does not exist`));
    }
  },
  'journal.bytes': (ctx, args) => {
    const kind = str(args, 'kind') ?? 'data';
    let total = 0;
    for (const r of journalSince(ctx)) {
      if (r.k !== 'frame' || r.dir !== 'send' || r.ch !== kind) continue;
      if (str(args, 'src') !== undefined && r.src !== str(args, 'src')) continue;
      if (str(args, 'dst') !== undefined && r.dst !== str(args, 'dst')) continue;
      if (str(args, 'op') !== undefined && !(r.op ?? '').startsWith(str(args, 'op') as string)) continue;
      total += kind === 'data' ? r.data : r.bytes;
    }
    return Promise.resolve(ok(total));
  },
  'journal.rpcOrder': (ctx, args) => {
    const lines: string[] = [];
    for (const r of journalSince(ctx)) {
      if (r.k !== 'frame' || r.dir !== 'send' || r.ch !== 'rpc' || r.msg.type !== 'rpc-call') continue;
      if (str(args, 'src') !== undefined && r.src !== str(args, 'src')) continue;
      if (str(args, 'dst') !== undefined && r.dst !== str(args, 'dst')) continue;
      if (str(args, 'op') !== undefined && !(r.op ?? '').startsWith(str(args, 'op') as string)) continue;
      lines.push(`${r.src}->${r.dst} ${r.msg.method}`);
    }
    return Promise.resolve(ok(lines));
  },
  'journal.lines': (ctx, args) => {
    const proc = str(args, 'proc');
    const lines = journalSince(ctx)
      .filter((r) => r.k === 'event' || r.dir === 'send')
      .filter((r) => proc === undefined || r.proc === proc)
      .map((r) => describeRecord(r));
    return Promise.resolve(ok(lines.join('\n')));
  },
  'config.get': (ctx, args) => {
    const key = str(args, 'key') ?? '';
    try {
      return Promise.resolve(ok(clusterConfig(description(ctx), ctx.home).get(key)));
    } catch (e) {
      return Promise.resolve(error((e as Error).message));
    }
  },
  'fsck.status': async (ctx, args) => {
    const target = str(args, 'path') ?? '/';
    const result = await ctx.namenode.call('fsck', {
      path: target,
      files: false,
      blocks: false,
      locations: false,
      racks: false,
      openforwrite: false,
    });
    if (!result.exists) return error(`${target}: No such file or directory`);
    const text = formatFsck(
      toReport(result, {
        args: [],
        path: target,
        nnHttpAddress: '',
        clientIp: '',
        minReplication: 1,
        startTimeMs: 0,
        endTimeMs: 0,
      }),
    );
    return ok(/is HEALTHY/.test(text.stdout) ? 'HEALTHY' : 'CORRUPT');
  },
};

export function isLiveProbe(name: string): name is (typeof LIVE_PROBES)[number] {
  return (LIVE_PROBES as readonly string[]).includes(name);
}

/** Runs one probe; a connection failure is `unsettled` (the NameNode may be restarting). */
export async function runLiveProbe(
  ctx: LiveProbeContext,
  name: string,
  args: Args,
): Promise<ProbeOutcome<unknown>> {
  if (!isLiveProbe(name)) {
    return error(`probe ${name} is not available to lab run; it answers ${LIVE_PROBES.join(', ')}`);
  }
  try {
    return await PROBES[name](ctx, args);
  } catch (e) {
    return { status: 'unsettled', reason: (e as Error).message };
  }
}
