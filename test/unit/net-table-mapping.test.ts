import { describe, expect, it } from 'vitest';
import { parseTableMapping, resolveRack } from '../../cluster/net/table-mapping.js';

describe('parseTableMapping', () => {
  it('reads two-column lines, skipping comments and blank lines', () => {
    const text = [
      '# host/ip        rack',
      '127.0.0.1        /dc1/rackA',
      '',
      '   ',
      '  127.0.0.2\t/dc1/rackB  ',
      '#127.0.0.3 /x',
    ].join('\n');
    const { mapping, warnings } = parseTableMapping(text);
    expect([...mapping]).toEqual([
      ['127.0.0.1', '/dc1/rackA'],
      ['127.0.0.2', '/dc1/rackB'],
    ]);
    expect(warnings).toEqual([]);
  });

  it('ignores lines without exactly two columns, warning with the line number', () => {
    const text = 'host1 /rack1\nhost2\nhost3 /rack3 extra\r\nhost4 /rack4\r\n';
    const { mapping, warnings } = parseTableMapping(text);
    expect([...mapping.keys()]).toEqual(['host1', 'host4']);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/^line 2: .*found 1/);
    expect(warnings[1]).toMatch(/^line 3: .*found 3/);
  });

  it('ignores a rack that is not a network location, with a warning', () => {
    const { mapping, warnings } = parseTableMapping('host1 rack1\nhost2 /dc1//rack2\nhost3 /rack3');
    expect([...mapping.keys()]).toEqual(['host3']);
    expect(warnings[0]).toMatch(/^line 1: .*must start with "\/"/);
    expect(warnings[1]).toMatch(/^line 2: .*empty path component/);
  });

  it('lets a later line override an earlier one for the same host, with a warning', () => {
    const { mapping, warnings } = parseTableMapping('h /rack1\nh /rack2');
    expect(mapping.get('h')).toBe('/rack2');
    expect(warnings).toEqual(['line 2: h was already mapped on line 1; the later line wins']);
  });

  it('returns an empty mapping for empty text', () => {
    expect(parseTableMapping('')).toEqual({ mapping: new Map(), warnings: [] });
  });
});

describe('resolveRack', () => {
  it('maps known hosts and sends unknown ones to /default-rack', () => {
    const { mapping } = parseTableMapping('127.0.0.1 /dc1/rackA\ndn2 /dc1/rackB');
    expect(resolveRack(mapping, '127.0.0.1')).toBe('/dc1/rackA');
    expect(resolveRack(mapping, 'dn2')).toBe('/dc1/rackB');
    expect(resolveRack(mapping, '10.9.9.9')).toBe('/default-rack');
  });
});
