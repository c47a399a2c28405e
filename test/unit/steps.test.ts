import { describe, expect, it } from 'vitest';
import { describeStep, StepSchema, stepName } from '../../lab/scenario/steps.js';

describe('scenario steps', () => {
  it('reads each step with its options and describes it in one deterministic line', () => {
    const put = StepSchema.parse({ put: { path: '/data/a.bin', size: '150m', blockSize: '128m' } });
    expect(stepName(put)).toBe('put');
    expect(describeStep(put)).toBe('put /data/a.bin size=150m blockSize=128m');
    const wait = StepSchema.parse({ 'wait-for': { condition: 'dead', target: 'dn3', deadline: '30s' } });
    expect(describeStep(wait)).toBe('wait-for dead target=dn3 deadline=30s');
    expect(describeStep(StepSchema.parse({ corrupt: { path: '/a', replica: 'dn2' } }))).toBe(
      'corrupt /a block=0 replica=dn2',
    );
    expect(describeStep(StepSchema.parse({ heal: {} }))).toBe('heal');
  });

  it('rejects two actions in one step, bad sizes and durations, and put without exactly one source', () => {
    expect(StepSchema.safeParse({ heal: {}, kill: { datanode: 'dn1' } }).success).toBe(false);
    expect(StepSchema.safeParse({}).success).toBe(false);
    expect(StepSchema.safeParse({ put: { path: '/a', size: 'huge' } }).success).toBe(false);
    expect(StepSchema.safeParse({ put: { path: '/a' } }).success).toBe(false);
    expect(StepSchema.safeParse({ put: { path: '/a', size: '1m', local: 'x' } }).success).toBe(false);
    expect(StepSchema.safeParse({ 'wait-for': { condition: 'live', deadline: 'soon' } }).success).toBe(false);
    expect(StepSchema.safeParse({ kill: { datanode: 'namenode' } }).success).toBe(false);
  });
});
