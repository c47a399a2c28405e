/**
 * What the decommissioning exercise reads without a cluster: the task step a student writes
 * (`exclude dn2`), the admin states a DataNode went through as the journal recorded them, and the
 * targets of a heartbeat reply's DNA_TRANSFER commands.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { homePaths, DESCRIPTION_VERSION } from '../../cluster/home/description.js';
import { writeDescription } from '../../cluster/home/home.js';
import type { JournalFrame } from '../../cluster/protocol/journal-types.js';
import { Journal, readJournal } from '../../cluster/transport/journal.js';
import { parseCommand } from '../../lab/answers/task-commands.js';
import { journaledAdminStates } from '../../lab/checks/live-probes.js';
import { liveProbes } from '../../lab/checks/registry.js';
import { transferCommands } from '../../lab/trace/operations.js';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'decommission-probes-'));
afterAll(() => fs.rmSync(home, { recursive: true, force: true }));

describe('the decommissioning exercise', () => {
  it('reads `exclude dnN` as the step that writes the exclude file, and a bare `exclude` as an empty one', () => {
    expect(parseCommand('exclude dn2')).toEqual({
      kind: 'step',
      text: 'exclude dn2',
      step: { exclude: { datanode: 'dn2' } },
    });
    expect(parseCommand('exclude')).toMatchObject({ kind: 'step', step: { exclude: {} } });
    expect(() => parseCommand('exclude 127.0.0.1:9866')).toThrow(/a DataNode id: dn1, dn2/);
  });

  it("lists one DataNode's admin states in the order the journal recorded them", async () => {
    const datanode = (id: string) => ({ id, host: '127.0.0.1', port: 9866, rack: '/default-rack' });
    writeDescription(home, {
      version: DESCRIPTION_VERSION,
      seed: 's',
      createdMs: 0,
      conf: {},
      namenode: { id: 'nn', host: '127.0.0.1', port: 8020 },
      secondary: null,
      datanodes: [datanode('dn1'), datanode('dn2')],
      client: { host: '127.0.0.1', rack: '/default-rack' },
      loopbackAliases: false,
    });
    const journal = new Journal(homePaths(home).journal, 'nn');
    journal.event({ type: 'datanode-admin-state', datanode: 'dn2', adminState: 'DECOMMISSION_INPROGRESS' });
    journal.event({ type: 'datanode-admin-state', datanode: 'dn1', adminState: 'DECOMMISSIONED' });
    journal.event({ type: 'datanode-admin-state', datanode: 'dn2', adminState: 'DECOMMISSIONED' });
    journal.event({ type: 'datanode-admin-state', datanode: 'dn2', adminState: 'NORMAL' });
    journal.close();
    expect(journaledAdminStates(readJournal(homePaths(home).journal), 'dn2')).toEqual([
      'DECOMMISSION_INPROGRESS',
      'DECOMMISSIONED',
      'NORMAL',
    ]);
    expect(await liveProbes(home).run('datanode.adminStates', { datanode: 'dn7' })).toMatchObject({
      status: 'error',
    });
  });

  it("names the DataNodes a heartbeat reply's DNA_TRANSFER commands copy to", () => {
    const reply = {
      k: 'frame',
      dir: 'send',
      src: 'nn',
      dst: 'dn1',
      msg: {
        type: 'rpc-reply',
        method: 'sendHeartbeat',
        callId: 3,
        ok: true,
        result: {
          commands: [
            { action: 'DNA_TRANSFER', block: { blockId: 1073741825 }, targets: [{ name: 'dn4' }] },
            { action: 'DNA_INVALIDATE', blocks: [{ blockId: 1073741826 }] },
            {
              action: 'DNA_TRANSFER',
              block: { blockId: 1073741827 },
              targets: [{ name: 'dn3' }, { name: 'dn4' }],
            },
          ],
        },
      },
    } as unknown as JournalFrame;
    expect(transferCommands(reply)).toEqual([
      { blockId: 1073741825, targets: ['dn4'] },
      { blockId: 1073741827, targets: ['dn3', 'dn4'] },
    ]);
  });
});
