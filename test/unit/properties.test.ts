import { describe, expect, it } from 'vitest';
import { formatProperties, parseProperties } from '../../cluster/common/properties.js';

const DN_VERSION: [string, string][] = [
  ['storageID', 'DS-5ec2332c-eff2-4ead-8f36-0aaa5a01a31e'],
  ['clusterID', 'CID-8368f407-a3a6-4d9e-86eb-ed62198078e6'],
  ['cTime', '0'],
  ['datanodeUuid', 'dd05c2ac-6668-4317-8d72-15551cf97d98'],
  ['storageType', 'DATA_NODE'],
  ['layoutVersion', '-57'],
];

describe('formatProperties', () => {
  it('writes the reference DataNode VERSION file byte for byte', () => {
    const text = formatProperties(DN_VERSION, Date.UTC(2025, 0, 6, 10, 0, 0));
    expect(text).toBe(
      [
        '#Mon Jan 06 10:00:00 UTC 2025',
        'storageID=DS-5ec2332c-eff2-4ead-8f36-0aaa5a01a31e',
        'clusterID=CID-8368f407-a3a6-4d9e-86eb-ed62198078e6',
        'cTime=0',
        'datanodeUuid=dd05c2ac-6668-4317-8d72-15551cf97d98',
        'storageType=DATA_NODE',
        'layoutVersion=-57',
        '',
      ].join('\n'),
    );
  });

  it('escapes as Java does and round-trips', () => {
    const entries: [string, string][] = [
      ['a key', ' lead=x:y#z'],
      ['path', 'C:\\dir'],
      ['nl', 'one\ntwo'],
      ['uni', 'é'],
    ];
    const text = formatProperties(entries, 0);
    expect(text).toContain('a\\ key=\\ lead\\=x\\:y\\#z\n');
    expect(text).toContain('uni=\\u00E9\n');
    expect([...parseProperties(text)]).toEqual(entries);
  });
});

describe('parseProperties', () => {
  it('skips comments and blank lines and accepts the other separators', () => {
    const map = parseProperties('#comment\n! also\n\n  a = 1\nb:2\nc 3\nd\n');
    expect([...map]).toEqual([
      ['a', '1'],
      ['b', '2'],
      ['c', '3'],
      ['d', ''],
    ]);
  });

  it('joins continuation lines and lets later keys win', () => {
    const map = parseProperties('k=one\\\n    two\nk2=x\r\nk2=y\n');
    expect(map.get('k')).toBe('onetwo');
    expect(map.get('k2')).toBe('y');
  });
});
