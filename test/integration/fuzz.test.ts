/**
 * The all-ports fuzz, short form: a few seconds of malformed, oversize, wrong-typed and
 * path-bearing requests on every port of a real cluster. No process dies, nothing appears outside
 * the lab home, resident memory comes back within 20 %, and a put/get works afterwards.
 * `npm run fuzz` is the long form.
 * This short form runs in `npm test`; skipped until the daemons are built (npm run build).
 */
import { describe, expect, it } from 'vitest';
import { BUILT } from './requirements.js';
import { runFuzz } from '../stress/port-fuzz.js';

describe.skipIf(!BUILT)('all-ports fuzz (short)', () => {
  it(
    'survives a few seconds of hostile requests on every port, memory given back',
    { timeout: 240_000 },
    async () => {
      const result = await runFuzz({ durationMs: 4_000, seed: 'ci', datanodes: 2 });
      expect(result.problems).toEqual([]);
      // Every port was listed and attacked: RPC, DataNode transfer, HTTP (NameNode, Secondary, DataNodes).
      expect(result.ports.filter((p) => p.includes(' http ')).map((p) => p.split(' ')[0])).toEqual([
        'nn',
        'snn',
        'dn1',
        'dn2',
      ]);
      // RPC: the NameNode's port and each DataNode's IPC port (ClientDatanodeProtocol).
      expect(result.ports.filter((p) => p.includes(' rpc ')).map((p) => p.split(' ')[0])).toEqual([
        'nn',
        'dn1',
        'dn2',
      ]);
      for (const kind of ['rpc', 'xfer', 'http'])
        expect(Object.keys(result.attacks).some((k) => k.startsWith(`${kind}:`))).toBe(true);
      expect(result.rss.map((r) => r.id).sort()).toEqual(['dn1', 'dn2', 'nn', 'snn']);
    },
  );
});
