/**
 * Issue 15 defect 5: a daemon's log write that fails (a full disk) is counted, never thrown, and
 * the next write that succeeds says how many lines were lost.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { logWriteFailures, safeWrite } from '../../cluster/runtime/safe-log.js';

describe.skipIf(!fs.existsSync('/dev/full'))('safe logging', () => {
  it('survives ENOSPC and reports the lost lines once there is room again', () => {
    const full = fs.openSync('/dev/full', 'w'); // every write answers ENOSPC
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-safelog-'));
    const file = path.join(dir, 'nn.log');
    const roomy = fs.openSync(file, 'a');
    try {
      const before = logWriteFailures().total;
      expect(() => safeWrite(full, 'STATE* Safe mode is OFF\n')).not.toThrow();
      expect(() => safeWrite(full, 'another line\n')).not.toThrow();
      expect(logWriteFailures()).toMatchObject({ lost: 2, total: before + 2, lastCode: 'ENOSPC' });
      safeWrite(roomy, 'back\n');
      expect(fs.readFileSync(file, 'utf8')).toBe(
        '[log] 2 log line(s) could not be written (ENOSPC); logging resumed\nback\n',
      );
      expect(logWriteFailures().lost).toBe(0);
    } finally {
      fs.closeSync(full);
      fs.closeSync(roomy);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
