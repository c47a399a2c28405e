import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { commandToRecord } from '../../lab/answers/command-log.js';
import { parseCommand } from '../../lab/answers/task-commands.js';
import { actionCommand } from '../../lab/tui/dashboard.js';

describe("the dashboard's keys in the record of what a student ran", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lab-tui-record-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('records k, r, c, u and C as the lab commands lab grade replays, an upload with its size', () => {
    const local = path.join(dir, 'sample-1.txt');
    fs.writeFileSync(local, 'x'.repeat(1234));
    const actions = [
      { action: { type: 'kill', node: 'dn3' }, text: 'lab kill dn3' },
      { action: { type: 'restart', node: 'dn3' }, text: 'lab restart dn3' },
      {
        action: {
          type: 'corrupt',
          path: '/e9/a.txt',
          blockIndex: 1,
          block: 'blk_1073741830',
          datanode: 'dn2',
        },
        text: 'lab corrupt /e9/a.txt --block 1 --replica dn2',
      },
      { action: { type: 'checkpoint' }, text: 'lab checkpoint' },
    ] as const;
    for (const { action, text } of actions) {
      const argv = actionCommand(action)!;
      expect(commandToRecord(argv, () => undefined)).toEqual({ argv, sizes: {} });
      expect(parseCommand(`lab ${argv.join(' ')}`)).toMatchObject({ kind: 'lab', argv, text });
    }
    const put = actionCommand({ type: 'put-sample' }, { local, target: '/samples/sample-9-1.txt' })!;
    expect(put).toEqual(['fs', '-put', local, '/samples/sample-9-1.txt']);
    expect(commandToRecord(put, (file) => fs.statSync(file).size)).toEqual({
      argv: put,
      sizes: { [local]: 1234 },
    });
    // An upload that did not happen is not recorded.
    expect(actionCommand({ type: 'put-sample' })).toBeUndefined();
  });
});
