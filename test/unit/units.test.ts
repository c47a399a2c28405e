import { describe, expect, it } from 'vitest';
import {
  floatPercentOf,
  formatByteDesc,
  formatHumanReadable,
  formatPercent,
  javaFixed,
  javaFloatPercent,
  parseDuration,
  parseSize,
} from '../../cluster/common/units.js';

describe('parseSize', () => {
  it('reads plain bytes and Hadoop binary suffixes', () => {
    expect(parseSize('134217728')).toBe(134217728);
    expect(parseSize('1m')).toBe(1048576);
    expect(parseSize('64m')).toBe(67108864);
    expect(parseSize('128M')).toBe(134217728);
    expect(parseSize('1g')).toBe(1073741824);
    expect(parseSize('512k')).toBe(524288);
    expect(parseSize(' 100m ')).toBe(104857600);
  });
  it('reads human forms as binary units', () => {
    expect(parseSize('128 MB')).toBe(134217728);
    expect(parseSize('128MiB')).toBe(134217728);
    expect(parseSize('1.5 GB')).toBe(1610612736);
    expect(parseSize('30 B')).toBe(30);
  });
  it('names the text and the accepted forms on bad input', () => {
    expect(() => parseSize('lots')).toThrow(/Invalid size 'lots'.*64m.*128 MB/);
    expect(() => parseSize('1.3k')).toThrow(/'1.3k': not a whole number of bytes/);
    expect(() => parseSize('-5m')).toThrow(/cannot be negative/);
    expect(() => parseSize('')).toThrow(/empty/);
  });
});

describe('parseDuration', () => {
  it('uses the key unit for bare numbers and Hadoop suffixes otherwise', () => {
    expect(parseDuration('300000', 'ms')).toBe(300000);
    expect(parseDuration('3', 's')).toBe(3000);
    expect(parseDuration('3s', 'ms')).toBe(3000);
    expect(parseDuration('3600s', 's')).toBe(3_600_000);
    expect(parseDuration('1500ms', 's')).toBe(1500);
    expect(parseDuration('2m', 'ms')).toBe(120_000);
    expect(parseDuration('1h', 'ms')).toBe(3_600_000);
    expect(parseDuration('1d', 'ms')).toBe(86_400_000);
    expect(parseDuration('2500us', 'ms')).toBe(2);
  });
  it('rejects what Long.parseLong rejects', () => {
    expect(() => parseDuration('1.5s', 's')).toThrow(/Invalid duration '1.5s'/);
    expect(() => parseDuration('3 sec', 's')).toThrow(/bare number is in s/);
  });
});

describe('Hadoop size text', () => {
  it('byteDesc: integer for exact multiples, two decimals otherwise, plain bytes below 1 KB', () => {
    expect(formatByteDesc(19945680896)).toBe('18.58 GB');
    expect(formatByteDesc(12856573952)).toBe('11.97 GB');
    expect(formatByteDesc(6052327424)).toBe('5.64 GB');
    expect(formatByteDesc(49152)).toBe('48 KB');
    expect(formatByteDesc(30)).toBe('30 B');
    expect(formatByteDesc(0)).toBe('0 B');
    expect(formatByteDesc(274877906944)).toBe('256 GB');
    expect(formatByteDesc(750055424)).toBe('715.31 MB');
  });
  it('-h: one decimal, bare prefix letter, plain number below 1024', () => {
    expect(formatHumanReadable(1536)).toBe('1.5 K');
    expect(formatHumanReadable(134217728)).toBe('128 M');
    expect(formatHumanReadable(1023)).toBe('1023');
    expect(formatHumanReadable(1048575)).toBe('1.0 M'); // 1024.0 K rounds up to the next prefix
  });
  it('rounds the way Java %.Nf does (half-up on the shortest decimal form)', () => {
    expect(javaFixed(1.005, 2)).toBe('1.01');
    expect(javaFixed(0.125, 2)).toBe('0.13');
    expect(javaFixed(64.46, 2)).toBe('64.46');
    expect(javaFixed(0.9990000128746033, 4)).toBe('0.9990');
    expect(javaFixed(0, 2)).toBe('0.00');
    expect(formatPercent(0.0000038, 2)).toBe('0.00%');
  });
});

describe('javaFloatPercent', () => {
  it('prints Float.toString of the float32 value', () => {
    expect(javaFloatPercent(100)).toBe('100.0');
    expect(javaFloatPercent(0)).toBe('0.0');
    expect(javaFloatPercent(floatPercentOf(1, 3))).toBe('33.333332');
    expect(javaFloatPercent(floatPercentOf(2, 3))).toBe('66.666664');
    expect(javaFloatPercent(3)).toBe('3.0');
    expect(javaFloatPercent(0.1)).toBe('0.1');
    expect(javaFloatPercent(1e7)).toBe('1.0E7');
    expect(javaFloatPercent(0.0001)).toBe('1.0E-4');
  });
});
