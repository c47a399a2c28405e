import { describe, expect, it } from 'vitest';
import { LeaseManager } from '../../cluster/namenode/leases.js';

const limits = { softLimitMs: 60_000, hardLimitMs: 1_200_000 };

// A writer whose file another create overwrote, and the lease refusals a client meets, are in
// testdata/namenode-core/leases.txt.
describe('LeaseManager', () => {
  it('keeps one lease per client covering all of its open files', () => {
    const leases = new LeaseManager();
    leases.addLease('client-a', '/a', 1_000);
    leases.addLease('client-a', '/b', 2_000);
    leases.addLease('client-b', '/c', 3_000);
    expect(leases.holderOf('/b')).toBe('client-a');
    expect([...leases.getLease('client-a')!.paths]).toEqual(['/a', '/b']);
    expect(leases.describe('client-a')).toBe('[Lease.  Holder: client-a, pending creates: 2]');
    expect(leases.describe('nobody')).toBe('Holder nobody does not have any open files.');
  });

  it('reports paths past the soft limit and past the hard limit separately', () => {
    const leases = new LeaseManager();
    leases.addLease('fresh', '/fresh', 0);
    leases.addLease('quiet', '/quiet', 0);
    leases.addLease('gone', '/gone', 0);
    const now = 1_300_000;
    leases.renewLease('fresh', now - 10_000);
    leases.renewLease('quiet', now - 61_000);
    const { soft, hard } = leases.expired(now, limits);
    expect(soft.map((l) => l.path)).toEqual(['/quiet']);
    expect(hard.map((l) => l.path)).toEqual(['/gone']);
  });

  it('renewing one client renews all its files and never moves time backwards', () => {
    const leases = new LeaseManager();
    leases.addLease('c', '/x', 100_000);
    leases.addLease('c', '/y', 100_000);
    expect(leases.renewLease('c', 50_000)).toBe(true);
    expect(leases.getLease('c')!.lastRenewedMs).toBe(100_000);
    expect(leases.renewLease('stranger', 1)).toBe(false);
    expect(leases.expired(161_000, limits).soft.map((l) => l.path)).toEqual(['/x', '/y']);
  });

  it('forgets a client whose last file is closed', () => {
    const leases = new LeaseManager();
    leases.addLease('c', '/x', 0);
    leases.removeLease('c', '/x');
    expect(leases.getLease('c')).toBeUndefined();
    expect(leases.holderOf('/x')).toBeNull();
  });

  it('follows renames and deletes of directories holding open files', () => {
    const leases = new LeaseManager();
    leases.addLease('c', '/d/f', 0);
    leases.addLease('c', '/dx', 0);
    leases.renamePaths('/d', '/e');
    expect(leases.holderOf('/e/f')).toBe('c');
    expect(leases.holderOf('/dx')).toBe('c');
    leases.removeUnder('/e');
    expect(leases.holderOf('/e/f')).toBeNull();
    expect([...leases.getLease('c')!.paths]).toEqual(['/dx']);
  });

  it('reassigns a file to the NameNode keeping the old renewal time', () => {
    const leases = new LeaseManager();
    leases.addLease('c', '/f', 5_000);
    leases.reassign('/f', 'HDFS_NameNode');
    expect(leases.holderOf('/f')).toBe('HDFS_NameNode');
    expect(leases.getLease('c')).toBeUndefined();
    expect(leases.getLease('HDFS_NameNode')!.lastRenewedMs).toBe(5_000);
  });
});
