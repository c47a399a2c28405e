/**
 * `lab oiv -p DetectCorruption` (PBImageCorruptionDetector) over the golden history's image with
 * inodes taken out. Expected rows follow OutputEntryBuilder.build: CorruptionType, Id, IsSnapshot,
 * ParentPath, ParentId (or "Missing"), Name, NodeType, CorruptChildren; a corrupt directory whose
 * path is known prints in INODE section order, the ids that are no inode after it, by id, with
 * IsSnapshot true (afterOutput), and names pass through StringEscapeUtils.escapeCsv.
 */
import { describe, expect, it } from 'vitest';
import type { FsImage } from '../../cluster/namenode/fsimage/image.js';
import { imageCorruptions } from '../../cluster/namenode/fsimage/oiv-corruption.js';
import { scriptedImage } from '../golden/history.js';

const HEADER = 'CorruptionType\tId\tIsSnapshot\tParentPath\tParentId\tName\tNodeType\tCorruptChildren';

/** The golden image (/, /data, /data/moved.bin 16387, /data/incoming.log 16388) without `ids`. */
function imageWithout(...ids: number[]): FsImage {
  const image = scriptedImage();
  image.inodes = image.inodes.filter((n) => !ids.includes(n.id));
  return image;
}

describe('oiv -p DetectCorruption (PBImageCorruptionDetector)', () => {
  it('prints the header alone for an image the lab wrote', () => {
    expect(imageCorruptions(scriptedImage())).toBe(`${HEADER}\n`);
  });

  it('a missing file: its directory has a missing child, the file is a corrupt node of unknown type', () => {
    expect(imageCorruptions(imageWithout(16387)).split('\n')).toEqual([
      HEADER,
      'MissingChild\t16386\tfalse\t/\t16385\tdata\tNode\t1',
      'CorruptNode\t16387\ttrue\t\t16386\t\tUnknown\t0',
      '',
    ]);
  });

  it('a missing directory: the root misses a child; the directory, a parent that is no inode, prints last', () => {
    expect(imageCorruptions(imageWithout(16386)).split('\n')).toEqual([
      HEADER,
      'MissingChild\t16385\tfalse\t/\tMissing\t\tNode\t1',
      'CorruptNode\t16386\ttrue\t\t16385\t\tUnknown\t0',
      '',
    ]);
  });

  it('takes -delimiter and quotes a name that holds it, as escapeCsv does', () => {
    const image = imageWithout(16387, 16388);
    image.inodes.find((n) => n.id === 16386)!.name = 'da,"ta"';
    expect(imageCorruptions(image, { delimiter: ',' }).split('\n')).toEqual([
      HEADER.replaceAll('\t', ','),
      'MissingChild,16386,false,/,16385,"da,""ta""",Node,2',
      'CorruptNode,16387,true,,16386,,Unknown,0',
      'CorruptNode,16388,true,,16386,,Unknown,0',
      '',
    ]);
  });
});
