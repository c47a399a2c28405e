import { describe, expect, it } from 'vitest';
import {
  checkRestartDeadline,
  planRecovery,
  recoveryStageOf,
  restartRetryDelayMs,
  shouldReplaceDatanode,
  shouldWaitForRestart,
} from '../../cluster/client/pipeline-recovery.js';

const base = { enabled: true, policy: 'DEFAULT' as const, hflushedOrAppended: false };

describe('pipeline recovery decisions', () => {
  it('DEFAULT replaces only when replication >= 3 and half the pipeline is gone (or hflushed)', () => {
    expect(shouldReplaceDatanode({ ...base, replication: 3, remaining: 2 })).toBe(false);
    expect(shouldReplaceDatanode({ ...base, replication: 3, remaining: 1 })).toBe(true);
    expect(shouldReplaceDatanode({ ...base, replication: 2, remaining: 1 })).toBe(false);
    expect(shouldReplaceDatanode({ ...base, replication: 3, remaining: 2, hflushedOrAppended: true })).toBe(
      true,
    );
    expect(shouldReplaceDatanode({ ...base, policy: 'ALWAYS', replication: 2, remaining: 1 })).toBe(true);
    expect(shouldReplaceDatanode({ ...base, policy: 'NEVER', replication: 3, remaining: 1 })).toBe(false);
    expect(shouldReplaceDatanode({ ...base, enabled: false, replication: 3, remaining: 1 })).toBe(false);
  });

  it('drops the bad DataNode, and gives up with HDFS messages', () => {
    expect(planRecovery({ pipeline: ['dn1', 'dn2', 'dn3'], bad: 'dn2', attempts: 0 })).toEqual({
      ok: true,
      pipeline: ['dn1', 'dn3'],
    });
    expect(planRecovery({ pipeline: ['dn1', 'dn2'], bad: '', attempts: 0 })).toEqual({
      ok: true,
      pipeline: ['dn2'],
    });
    expect(planRecovery({ pipeline: ['dn1'], bad: 'dn1', attempts: 0 })).toMatchObject({
      ok: false,
      message: 'All datanodes [dn1] are bad. Aborting...',
    });
    expect(planRecovery({ pipeline: ['dn1', 'dn2'], bad: 'dn1', attempts: 5 })).toMatchObject({
      ok: false,
      message: expect.stringContaining('Tried pipeline recovery 5 times'),
    });
  });

  // BlockConstructionStage.getRecoveryStage (ordinal | RECOVERY_BIT); PIPELINE_SETUP_CREATE throws.
  it('retries a failed setup in the recovery stage of the stage it failed in; a new block has none', () => {
    expect(recoveryStageOf('PIPELINE_SETUP_APPEND')).toBe('PIPELINE_SETUP_APPEND_RECOVERY');
    expect(recoveryStageOf('PIPELINE_SETUP_APPEND_RECOVERY')).toBe('PIPELINE_SETUP_APPEND_RECOVERY');
    expect(recoveryStageOf('DATA_STREAMING')).toBe('PIPELINE_SETUP_STREAMING_RECOVERY');
    expect(recoveryStageOf('PIPELINE_CLOSE')).toBe('PIPELINE_CLOSE_RECOVERY');
    expect(() => recoveryStageOf('PIPELINE_SETUP_CREATE')).toThrow(
      'Unexpected blockStage PIPELINE_SETUP_CREATE',
    );
  });

  // DataStreamer's restartingNodeIndex (HDFS-5924): a DataNode that sent OOB_RESTART.
  it('waits for a restarting DataNode when it is the only one or local, 4 s at most between attempts', () => {
    expect(shouldWaitForRestart({ pipelineLength: 1, local: false })).toBe(true);
    expect(shouldWaitForRestart({ pipelineLength: 3, local: true })).toBe(true);
    expect(shouldWaitForRestart({ pipelineLength: 3, local: false })).toBe(false);
    // dfs.client.datanode-restart.timeout is 30 s: an attempt every 4 s.
    expect(restartRetryDelayMs(30_000)).toBe(4_000);
    expect(restartRetryDelayMs(1_500)).toBe(1_500);
  });

  it('holds no failure against the restarting DataNode before its deadline, and drops it after', () => {
    const restarting = { name: 'dn2', deadlineMs: 30_000 };
    // Its own refusal (not back yet) is ignored; another DataNode's is kept.
    expect(checkRestartDeadline({ restarting, bad: 'dn2', nowMs: 4_000 })).toEqual({ restarting, bad: null });
    expect(checkRestartDeadline({ restarting, bad: 'dn3', nowMs: 4_000 })).toEqual({
      restarting,
      bad: 'dn3',
    });
    // Past the deadline it is the one to drop, unless the attempt blamed another.
    expect(checkRestartDeadline({ restarting, bad: 'dn2', nowMs: 30_000 })).toEqual({
      restarting: null,
      bad: 'dn2',
    });
    expect(checkRestartDeadline({ restarting, bad: 'dn3', nowMs: 31_000 })).toEqual({
      restarting: null,
      bad: 'dn3',
    });
  });
});
