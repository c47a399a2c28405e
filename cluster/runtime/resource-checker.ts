/**
 * NameNodeResourceChecker: the NameNode watches the free space of the volume its name directory
 * is on. Below dfs.namenode.resource.du.reserved it enters safe mode ("NameNode low on available
 * disk space. Entering safe mode."), so no mutation reaches an edit log that is about to fail —
 * a full disk becomes a clear, readable state (reads keep working, `lab status` says why) instead
 * of a NameNode that must terminate because it cannot log.
 */
import fs from 'node:fs';

export interface VolumeSpace {
  availableBytes: number;
}

export function volumeSpace(dir: string): VolumeSpace | null {
  try {
    const st = fs.statfsSync(dir);
    return { availableBytes: st.bavail * st.bsize };
  } catch {
    return null; // an unreadable volume is reported by the writes that fail on it
  }
}

/** Whether the volume holding `dir` has at least `reservedBytes` free. */
export function hasResourcesAvailable(
  dir: string,
  reservedBytes: number,
  space: (dir: string) => VolumeSpace | null = volumeSpace,
): boolean {
  const s = space(dir);
  return s === null || s.availableBytes >= reservedBytes;
}
