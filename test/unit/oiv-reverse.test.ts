import { describe, expect, it } from 'vitest';
import { parseXml } from '../../cluster/common/xml-tree.js';
import { decodeImage, encodeImage } from '../../cluster/namenode/fsimage/codec.js';
import type { FsImage } from '../../cluster/namenode/fsimage/image.js';
import { imageToXml } from '../../cluster/namenode/fsimage/oiv.js';
import { imageFromXml } from '../../cluster/namenode/fsimage/oiv-reverse.js';
import { Namespace } from '../../cluster/namenode/namespace.js';
import { freshImage, scriptedImage } from '../golden/history.js';
import { featureImage } from './namespace-files.js';

/** `hdfs oiv -p XML`, then `hdfs oiv -p ReverseXML` on its output: the image bytes written back. */
function reverse(image: FsImage): Buffer {
  return encodeImage(imageFromXml(parseXml(imageToXml(decodeImage(encodeImage(image))))));
}

describe('oiv -p ReverseXML (OfflineImageReconstructor)', () => {
  it('writes back the bytes of the image the XML was printed from', () => {
    for (const image of [freshImage(), scriptedImage(), featureImage()]) {
      expect(reverse(image).equals(encodeImage(image))).toBe(true);
    }
  });

  it('rebuilds an image a NameNode loads into the same namespace, snapshots included', () => {
    const image = featureImage();
    const loaded = Namespace.fromImage(decodeImage(reverse(image)));
    expect(loaded.toImage(42)).toEqual(image);
    expect(loaded.getFileInfo('/d & <e>/.snapshot/s1/sub/gone.txt')?.length).toBe(4);
  });

  it('refuses what it cannot rebuild, naming the element and its line', () => {
    const xml = imageToXml(freshImage());
    const load = (text: string): FsImage => imageFromXml(parseXml(text));
    const line = xml.split('\n').findIndex((l) => l.startsWith('<INodeSection>')) + 1;
    expect(() => load(xml.replace('<numInodes>1</numInodes>', '<numInodes>2</numInodes>'))).toThrow(
      `<INodeSection> on line ${line}: <numInodes> says 2 but the section has 1 <inode> elements`,
    );
    expect(() => load(xml.replace('<type>DIRECTORY</type>', '<type>SYMLINK</type>'))).toThrow(
      "<type> SYMLINK: the lab's images hold FILE and DIRECTORY inodes only",
    );
    expect(() => load(xml.replace(/<permission>[^<]*</, '<permission>hdfs:0755<'))).toThrow(
      '<permission> "hdfs:0755" is not user:group:octal-mode',
    );
    expect(() => load('<EDITS/>')).toThrow('expected <fsimage> at the top of the XML file, found <EDITS>');
  });
});
