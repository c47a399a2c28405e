/**
 * cluster/protocol/limits.ts holds the lab's limits: a constant named as a bound (…_MAX, …_MIN,
 * …_TIMEOUT_MS, …_DEADLINE_MS, …_GRACE_MS) declared anywhere else in cluster/ or lab/ fails here,
 * unless it is one of HDFS's own values or a format's bound (a fact, kept beside the code it
 * describes), listed below with where it comes from.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../..');
const LIMITS = 'cluster/protocol/limits.ts';
const BOUND_NAME =
  /^(?:export )?const ([A-Z][A-Z0-9_]*(?:_(?:MAX|MIN)(?:_[A-Z]+)?|_TIMEOUT_MS|_DEADLINE_MS|_GRACE_MS))\b/gm;

/** Facts, not the lab's choices: `file:NAME` → where the value comes from. */
const FACTS: Record<string, string> = {
  'cluster/runtime/image-transfer.ts:IMAGE_TRANSFER_TIMEOUT_MS': 'dfs.image.transfer.timeout (60 s)',
  'cluster/runtime/namenode-http.ts:FSCK_PATH_BYTES_MAX':
    "HdfsServerConstants.MAX_PATH_LENGTH (8000), applied to /fsck's query",
  'cluster/protocol/byte-reader.ts:VARINT_BYTES_MAX': 'protobuf: a 64-bit varint is at most 10 bytes',
  'cluster/protocol/data-transfer.ts:PACKET_BYTES_MAX': 'PacketReceiver.MAX_PACKET_SIZE (16 MiB)',
  'cluster/protocol/packet.ts:PACKET_HEADER_PROTO_BYTES_MAX':
    'PacketHeader.PKT_MAX_HEADER_LEN less its 6 length bytes',
  'cluster/protocol/packet.ts:PACKET_FRAME_BYTES_MAX':
    'the largest packet frame: a full packet with syncBlock set',
  'cluster/protocol/packet.ts:SAFE_MAX': 'the largest integer a JS number holds exactly',
  'cluster/protocol/packet.ts:SAFE_MIN': 'the smallest integer a JS number holds exactly',
  'cluster/protocol/registry/client-protocol.ts:LONG_MAX_BIG': "Java's Long.MAX_VALUE",
  'cluster/namenode/acl.ts:ACL_ENTRIES_MAX': 'AclTransformation.MAX_ENTRIES (32)',
  'cluster/namenode/name-dir.ts:EXTRA_SEGMENTS_RETAINED_MAX_DEFAULT':
    'dfs.namenode.max.extra.edits.segments.retained',
  'cluster/namenode/namespace.ts:REPLICATION_MIN': 'dfs.namenode.replication.min',
  'cluster/namenode/paths.ts:PATH_COMPONENT_BYTES_MAX': 'dfs.namenode.fs-limits.max-component-length (255)',
  'cluster/namenode/paths.ts:PATH_DEPTH_MAX': 'HdfsServerConstants.MAX_PATH_DEPTH',
  'cluster/namenode/paths.ts:PATH_LENGTH_MAX': 'HdfsServerConstants.MAX_PATH_LENGTH',
  'cluster/namenode/permission.ts:PERMISSION_MAX': 'FsPermission: setuid, setgid, sticky and rwx three times',
  'cluster/namenode/placement.ts:STALE_WRITE_RATIO_MAX': 'dfs.namenode.write.stale.datanode.ratio',
  'cluster/namenode/request-checks.ts:SHORT_MAX': "Java's Short.MAX_VALUE (replication travels as one)",
  'cluster/namenode/request-checks.ts:LONG_MAX': 'the largest long a JS number holds exactly',
  'cluster/namenode/xattr.ts:XATTRS_PER_INODE_MAX': 'dfs.namenode.fs-limits.max-xattrs-per-inode',
  'cluster/namenode/xattr.ts:XATTR_SIZE_MAX': 'dfs.namenode.fs-limits.max-xattr-size',
  'cluster/namenode/fsimage/image.ts:LONG_MAX': "Java's Long.MAX_VALUE as the fsimage's text",
  'cluster/namenode/editlog/codec.ts:RECORD_BYTES_MIN':
    "the edit log's record layout: opcode, length, txid, CRC",
  'cluster/namenode/editlog/codec.ts:OP_BYTES_MAX': 'dfs.namenode.max.op.size',
  'cluster/namenode/editlog/ops.ts:CONCAT_SOURCES_MAX': 'ConcatDeleteOp.MAX_CONCAT_SRC',
  'cluster/namenode/editlog/writable.ts:UTF8_BYTES_MAX': "Hadoop's UTF8: an unsigned 16-bit length prefix",
  'cluster/common/trash.ts:CHECKPOINT_ATTEMPTS_MAX': "TrashPolicyDefault.createCheckpoint's 1000 tries",
  'cluster/common/units.ts:LONG_MAX': "Java's Long.MAX_VALUE",
  'cluster/common/units.ts:LONG_MIN': "Java's Long.MIN_VALUE",
  'cluster/transport/data-link.ts:DATA_SOCKET_TIMEOUT_MS': 'dfs.client.socket-timeout (60 s)',
  'cluster/transport/journal.ts:LINE_FIXED_BYTES_MAX':
    "the journal line format: a packet's or an ack's literals and six numbers",
  'cluster/transport/journal.ts:TIME_JSON_MICROS_MAX':
    "the journal's time format: microseconds a double holds exactly",
  'cluster/client/pipeline-recovery.ts:PIPELINE_RECOVERY_ATTEMPTS_MAX':
    "DataStreamer's 5 recoveries of one block",
  'cluster/client/webhdfs.ts:LONG_MAX': "Java's Long.MAX_VALUE",
  'cluster/datanode/scanner.ts:SUSPECT_BLOCKS_MAX': "VolumeScanner's suspect-block cache (1000)",
  'cluster/balancer/plan.ts:IDLE_ITERATIONS_MAX': "the balancer's -idleiterations default (5)",
  'lab/tui/dashboard.ts:SAMPLE_BYTES_MAX':
    "not a limit: the size of the sample file the dashboard's `u` puts",
  'lab/checks/live-probes.ts:INTERVAL_SAMPLES_MIN': 'not a limit: the intervals a median needs',
  'lab/format/count.ts:LONG_MAX_TEXT': "Java's Long.MAX_VALUE as `hdfs dfs -count -q` prints it",
  'lab/cli/hadoop-args.ts:JAVA_INT_MAX': "Java's Integer.MAX_VALUE",
  'lab/cli/hadoop-args.ts:JAVA_INT_MIN': "Java's Integer.MIN_VALUE",
  'lab/cli/hadoop-args.ts:JS_SAFE_MAX': 'the largest integer a JS number holds exactly',
  'lab/cli/progress.ts:PROGRESS_MIN_BYTES': 'not a limit: transfers smaller than this get no progress bar',
  'lab/commands/oiv.ts:FILE_DISTRIBUTION_INTERVALS_MAX': 'FileDistributionCalculator.MAX_INTERVALS',
};

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(repo, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === 'gen' ? [] : sources(rel);
    return e.name.endsWith('.ts') ? [rel] : [];
  });
}

describe('limits live in one place', () => {
  it('declares every limit-shaped constant of cluster/ and lab/ in limits.ts, facts aside', () => {
    const found: string[] = [];
    for (const file of [...sources('cluster'), ...sources('lab')]) {
      if (file === LIMITS) continue;
      for (const m of fs.readFileSync(path.join(repo, file), 'utf8').matchAll(BOUND_NAME))
        found.push(`${file}:${m[1]}`);
    }
    const strays = found.filter((key) => !(key in FACTS));
    expect(
      strays,
      `limit-shaped constants outside ${LIMITS}: move each there with its unit and a line saying why ` +
        "its value, or, if it is HDFS's own value or a format's bound, add it to FACTS in this test " +
        'with where it comes from',
    ).toEqual([]);
    // A fact that was renamed or removed leaves its entry behind.
    expect(Object.keys(FACTS).filter((key) => !found.includes(key))).toEqual([]);
  });
});
