import { describe, expect, it } from 'vitest';
import { flopsOf, OverBudgetError, rate, timeCall, unitOf, type Workload } from './workloads.js';

describe('micro workloads', () => {
  it('counts 2 operations per multiply-add and reports throughputs', () => {
    const conv: Workload = { kind: 'conv', name: 'c', batch: 2, inChannels: 6, outChannels: 16, size: 14, kernel: 5, stride: 1, padding: 0 };
    expect(flopsOf(conv)).toBe(2 * 2 * 16 * 10 * 10 * 6 * 25);
    expect(flopsOf({ kind: 'gemm', name: 'g', size: 4 })).toBe(128);
    expect(rate({ kind: 'step', name: 's', model: 'lenet5', batch: 64, precision: 'float32' }, 0.5)).toBe(128);
    expect(unitOf({ kind: 'quantize', name: 'q', elements: 8, format: 'float8_e4m3fn', rounding: 'stochastic' })).toBe('G elements/s');
  });

  it('warms up once, then runs until both the repetitions and the duration are reached', async () => {
    let calls = 0;
    await timeCall(() => void calls++, { minimumSeconds: 0, minimumRepetitions: 3 });
    expect(calls).toBe(4);
  });

  it('stops after a warm-up call over the budget', async () => {
    let calls = 0;
    const slow = () => {
      calls++;
      const until = performance.now() + 30;
      while (performance.now() < until);
    };
    await expect(timeCall(slow, { minimumSeconds: 0, minimumRepetitions: 3, budgetSeconds: 0.01 })).rejects.toBeInstanceOf(OverBudgetError);
    expect(calls).toBe(1);
  });
});
