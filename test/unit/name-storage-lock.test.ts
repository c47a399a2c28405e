/**
 * The name directory's in_use.lock (Storage.StorageDirectory.tryLock in HDFS: a file lock that dies
 * with its process). A second NameNode on a directory a live one holds is refused; a lock whose pid
 * is no lab daemon any more (gone, not yet reaped, or reused by another program) is taken over.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { lockStorage } from '../../cluster/runtime/name-storage.js';

describe('name directory lock', () => {
  it('takes over a lock whose pid now belongs to a program that is no NameNode', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-lock-'));
    // A live process that is not a lab daemon stands in for a reused pid.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    try {
      fs.writeFileSync(path.join(dir, 'in_use.lock'), `${other.pid}@${os.hostname()}`);
      expect(() => lockStorage(dir)).not.toThrow();
      expect(fs.readFileSync(path.join(dir, 'in_use.lock'), 'utf8')).toBe(`${process.pid}@${os.hostname()}`);
    } finally {
      other.kill('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
