import { describe, expect, it } from 'vitest';
import {
  checkPath,
  childPath,
  compareNames,
  isSameOrUnder,
  isValidName,
  normalizePath,
  PATH_COMPONENT_BYTES_MAX,
  PATH_DEPTH_MAX,
} from '../../cluster/namenode/paths.js';
import { RemoteError } from '../../cluster/protocol/errors.js';

function errorOf(path: string): RemoteError {
  try {
    checkPath(path);
  } catch (e) {
    if (e instanceof RemoteError) return e;
    throw e;
  }
  throw new Error(`expected ${path} to be rejected`);
}

describe('checkPath', () => {
  it('accepts absolute paths and returns their components', () => {
    expect(checkPath('/')).toEqual([]);
    expect(checkPath('/data/a.txt')).toEqual(['data', 'a.txt']);
  });

  it('drops trailing slashes, like DFSUtil.isValidName allows them', () => {
    expect(normalizePath('/data/')).toBe('/data');
    expect(normalizePath('///')).toBe('/');
  });

  it.each([
    ['data/a.txt', 'relative path'],
    ['', 'empty path'],
    ['/a//b', 'empty component'],
    ['/a/./b', '"." component'],
    ['/a/../b', '".." component'],
    ['/a:b', '":"'],
    ['/a\0b', 'NUL'],
  ])('rejects %j with an InvalidPathException that names the problem (%s)', (path, why) => {
    const error = errorOf(path);
    expect(error.errorClass).toBe('InvalidPathException');
    expect(error.message).toContain(why);
    expect(error.message).toMatch(/^Invalid path name /);
  });

  it('limits a component to 255 UTF-8 bytes, not characters', () => {
    expect(isValidName('/' + 'a'.repeat(PATH_COMPONENT_BYTES_MAX))).toBe(true);
    expect(isValidName('/' + 'a'.repeat(PATH_COMPONENT_BYTES_MAX + 1))).toBe(false);
    // 128 two-byte characters = 256 bytes.
    expect(errorOf('/' + 'é'.repeat(128)).message).toContain('256 bytes (limit 255');
  });

  it('limits the depth', () => {
    expect(isValidName('/a'.repeat(PATH_DEPTH_MAX))).toBe(true);
    expect(errorOf('/a'.repeat(PATH_DEPTH_MAX + 1)).message).toContain('too deep');
  });
});

describe('path helpers', () => {
  it('joins children without doubling the root slash', () => {
    expect(childPath('/', 'a')).toBe('/a');
    expect(childPath('/a', 'b')).toBe('/a/b');
  });

  it('knows what lies under a directory', () => {
    expect(isSameOrUnder('/a/b', '/a')).toBe(true);
    expect(isSameOrUnder('/a', '/a')).toBe(true);
    expect(isSameOrUnder('/ab', '/a')).toBe(false);
    expect(isSameOrUnder('/x', '/')).toBe(true);
  });

  it('orders names by UTF-8 bytes, as HDFS lists them', () => {
    const names = ['b', 'B', 'a', '\u{1F600}', '\uFF21'];
    // UTF-16 order would put the emoji (a surrogate pair, 0xD83D…) before U+FF21.
    expect([...names].sort(compareNames)).toEqual(['B', 'a', 'b', '\uFF21', '\u{1F600}']);
  });
});
