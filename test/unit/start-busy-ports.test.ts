// `lab start` says loudly when a Hadoop default port was busy and names the address it took.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ClusterDescription } from '../../cluster/home/description.js';
import { busyDefaultPorts } from '../../lab/commands/start.js';

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'busy-ports-'));
const describe_ = (nn: number, snn: number) =>
  ({
    namenode: { host: '127.0.0.1', port: nn },
    secondary: { host: '127.0.0.2', port: snn },
    datanodes: [],
  }) as unknown as ClusterDescription;

describe('busy default ports', () => {
  it('says nothing when the cluster has the defaults', () => {
    expect(busyDefaultPorts(describe_(8020, 9868), home)).toEqual([]);
  });

  it('names each default that was busy and where the process is instead', () => {
    const lines = busyDefaultPorts(describe_(41234, 9868), home).join('\n');
    expect(lines).toContain('WARNING: a default port was busy');
    expect(lines).toContain('the NameNode is on 127.0.0.1:41234 (port 8020 was busy)');
    expect(lines).not.toContain('Secondary');
  });
});
