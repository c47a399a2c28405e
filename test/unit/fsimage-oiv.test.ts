import { describe, expect, it } from 'vitest';
import { decodeImage, encodeImage } from '../../cluster/namenode/fsimage/codec.js';
import { imageToDelimited, imageToXml } from '../../cluster/namenode/fsimage/oiv.js';
import { expectGolden } from '../golden/golden.js';
import { freshImage, scriptedImage } from '../golden/history.js';

/** As `hdfs oiv` sees it: read back from the binary image. */
const viaBinary = (image = scriptedImage()) => decodeImage(encodeImage(image));

describe('hdfs oiv -p XML', () => {
  it('prints the scripted image (golden)', () => {
    expectGolden('fsimage-history.xml', imageToXml(viaBinary()));
  });

  it('prints a freshly formatted image (golden)', () => {
    expectGolden('fsimage-format.xml', imageToXml(viaBinary(freshImage())));
  });

  it('prints the root with an empty name, Long.MAX nsquota and -1 dsquota', () => {
    expect(imageToXml(freshImage())).toContain(
      '<inode><id>16385</id><type>DIRECTORY</type><name></name><mtime>0</mtime>' +
        '<permission>student:supergroup:0755</permission><nsquota>9223372036854775807</nsquota><dsquota>-1</dsquota></inode>\n',
    );
  });

  it('lists children in child-name byte order whatever order they are given in', () => {
    const image = scriptedImage();
    image.directories[1] = { parent: 16386, children: [16387, 16388] };
    expect(imageToXml(image)).toContain(
      '<directory><parent>16386</parent><child>16388</child><child>16387</child></directory>\n',
    );
  });

  it('escapes names with entity references and prints sticky modes as 1777', () => {
    const image = freshImage();
    const root = image.inodes[0];
    if (root?.directory) root.directory.permission.mode = 0o1777;
    image.inodes.push({
      id: 16386,
      type: 'DIRECTORY',
      name: `a&b<"c">\\`,
      directory: {
        mtime: 1,
        permission: { user: 'u', group: 'g', mode: 0o700 },
        nsQuota: '-1',
        dsQuota: '-1',
      },
    });
    const xml = imageToXml(image, { oivRevision: 'f'.repeat(40) });
    expect(xml).toContain('<name>a&amp;b&lt;&quot;c&quot;&gt;\\005c;</name>');
    expect(xml).toContain('<permission>student:supergroup:1777</permission>');
    expect(xml).toContain(`<oivRevision>${'f'.repeat(40)}</oivRevision>`);
  });
});

describe('hdfs oiv -p Delimited', () => {
  it('prints one line per inode by path (golden)', () => {
    expectGolden('fsimage-history.delimited.tsv', imageToDelimited(viaBinary()));
  });

  it('uses the header and columns of PBImageDelimitedTextWriter', () => {
    const lines = imageToDelimited(freshImage()).split('\n');
    expect(lines[0]).toBe(
      'Path\tReplication\tModificationTime\tAccessTime\tPreferredBlockSize\tBlocksCount\tFileSize\tNSQUOTA\tDSQUOTA\tPermission\tUserName\tGroupName',
    );
    expect(lines[1]).toBe(
      '/\t0\t1970-01-01 00:00\t1970-01-01 00:00\t0\t0\t0\t9223372036854775807\t-1\tdrwxr-xr-x\tstudent\tsupergroup',
    );
  });
});
