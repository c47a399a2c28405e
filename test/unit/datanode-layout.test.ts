import { describe, expect, it } from 'vitest';
import {
  blockFileName,
  blockPoolDir,
  DATANODE_LAYOUT_VERSION,
  finalizedBlockPath,
  finalizedDir,
  finalizedMetaPath,
  idToBlockDir,
  isBlockPoolId,
  metaFileName,
  parseBlockFileName,
  parseMetaFileName,
  parseRestartDeadline,
  rbwDir,
  restartMetaPath,
  tmpDir,
} from '../../cluster/datanode/layout.js';

const BPID = 'BP-823583849-10.0.0.116-1736157598000';

describe('idToBlockDir (layout -57, 32x32)', () => {
  it.each([
    [1073741825, 'subdir0/subdir0'],
    [1073742079, 'subdir0/subdir0'],
    [1073742080, 'subdir0/subdir1'],
    [1073749760, 'subdir0/subdir31'],
    [1073750016, 'subdir0/subdir0'],
    [1073807361, 'subdir1/subdir0'],
  ])('block %d → %s (DatanodeUtil.idToBlockDir)', (id, dir) => {
    expect(idToBlockDir(id)).toBe(dir);
    expect(idToBlockDir(BigInt(id))).toBe(dir);
  });

  it('handles an erasure-coded (negative, > 2^53) id as bigint', () => {
    expect(idToBlockDir(-9223372036854775792n)).toBe('subdir0/subdir0');
  });

  it('uses all the bits of a safe integer above 2^32', () => {
    const id = 2 ** 40 + 0x1f1f00;
    expect(idToBlockDir(id)).toBe(idToBlockDir(BigInt(id)));
    expect(idToBlockDir(id)).toBe('subdir31/subdir31');
  });

  it('refuses an unsafe number', () => {
    expect(() => idToBlockDir(2 ** 60)).toThrow(/bigint/);
  });

  it('writes layout version -57', () => {
    expect(DATANODE_LAYOUT_VERSION).toBe(-57);
  });
});

describe('paths under a data dir', () => {
  it('builds the tree of a DataNode volume', () => {
    expect(blockPoolDir('/d', BPID)).toBe(`/d/current/${BPID}`);
    expect(finalizedDir('/d', BPID)).toBe(`/d/current/${BPID}/current/finalized`);
    expect(rbwDir('/d', BPID)).toBe(`/d/current/${BPID}/current/rbw`);
    expect(tmpDir('/d', BPID)).toBe(`/d/current/${BPID}/tmp`);
    expect(finalizedBlockPath('/d', BPID, 1073807361)).toBe(
      `/d/current/${BPID}/current/finalized/subdir1/subdir0/blk_1073807361`,
    );
    expect(finalizedMetaPath('/d', BPID, 1073741825, 1001)).toBe(
      `/d/current/${BPID}/current/finalized/subdir0/subdir0/blk_1073741825_1001.meta`,
    );
  });

  it('refuses a pool id that is not BP-…, so ../ cannot escape the volume', () => {
    expect(() => blockPoolDir('/d', '../etc')).toThrow(/block pool id must look like BP-/);
  });

  it('recognises block pool ids', () => {
    expect(isBlockPoolId(BPID)).toBe(true);
    expect(isBlockPoolId('BP-1-10.0.0-1')).toBe(false);
    expect(isBlockPoolId(`${BPID}x`)).toBe(false);
  });
});

describe('block and meta file names', () => {
  it('formats and parses them', () => {
    expect(blockFileName(1073741825)).toBe('blk_1073741825');
    expect(metaFileName(1073741825, 1001)).toBe('blk_1073741825_1001.meta');
    expect(parseBlockFileName('blk_1073741825')).toEqual({ blockId: 1073741825 });
    expect(parseBlockFileName('blk_-5')).toEqual({ blockId: -5 });
    expect(parseMetaFileName('blk_1073741825_1001.meta')).toEqual({ blockId: 1073741825, genStamp: 1001 });
  });

  it('refuses a block id or generation stamp that is not an integer, so ../ cannot become a name', () => {
    const id = '../../../.bashrc' as unknown as number;
    expect(() => blockFileName(id)).toThrow(/needs an integer block id, got string "..\/..\/..\/.bashrc"/);
    expect(() => metaFileName(1, id)).toThrow(/needs an integer generation stamp/);
    expect(() => metaFileName(id, 1)).toThrow(/needs an integer block id/);
    expect(() => blockFileName(1.5)).toThrow(/needs an integer block id/);
  });

  it('rejects other names', () => {
    expect(parseBlockFileName('blk_1073741825_1001.meta')).toBeNull();
    expect(parseBlockFileName('blk_12a')).toBeNull();
    expect(parseBlockFileName('blk_99999999999999999999')).toBeNull();
    expect(parseMetaFileName('blk_1073741825.meta')).toBeNull();
    expect(parseMetaFileName('blk_1_-3.meta')).toBeNull();
    expect(parseMetaFileName('VERSION')).toBeNull();
  });
});

describe("an rbw replica's restart file (shutdownDatanode … upgrade)", () => {
  it('sits beside rbw/ as HDFS names it (rbw dir + File.pathSeparator + .blk_N.restart)', () => {
    expect(restartMetaPath('/data/dn1', BPID, 1073741825)).toBe(
      `/data/dn1/current/${BPID}/current/rbw:.blk_1073741825.restart`,
    );
  });

  it('holds a deadline read as Scanner.nextLong reads it: the first token, a whole number', () => {
    expect(parseRestartDeadline('1736157648000')).toBe(1736157648000);
    expect(parseRestartDeadline('  1736157648000\nrest')).toBe(1736157648000);
    expect(parseRestartDeadline('')).toBeNull();
    expect(parseRestartDeadline('soon')).toBeNull();
    expect(parseRestartDeadline('12.5')).toBeNull();
  });
});
