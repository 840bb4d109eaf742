import { describe, expect, it } from 'vitest';
import { floatFormat } from '@lowbit/formats';
import { trainBnn } from './bnn.testutil.js';
import { momentumRecorder } from './recorder.js';

describe("a small BNN trained with Bop (Larq's optimizer test)", () => {
  it('reaches at least 75 % with float32 momentum; binary kernels stay in {-1, +1}; every parameter moves', () => {
    const recorder = momentumRecorder({ fraction: 0.25, seed: 1 });
    const run = trainBnn({ recorder });
    expect(run.accuracy).toBeGreaterThanOrEqual(0.75);
    for (const kernel of run.kernels) expect(kernel.toArray().every((v) => v === 1 || v === -1)).toBe(true);
    run.parameters.forEach((p, i) => expect(p.toArray(), p.name).not.toEqual(Array.from(run.initial[i])));
    const statistics = run.optimizer.statistics()!;
    expect(statistics.routes!.bop.parameters.map((p) => p.name)).toEqual(['dense1.kernel', 'dense2.kernel']);
    expect(statistics.routes!.bop.totals.flipRatio).toBeLessThan(0.5);
    // 126 steps x about a quarter of the 240 binary weights, each one a series of consecutive steps.
    const samples = recorder.samples();
    expect(recorder.count).toBe(samples.momentum.length);
    expect(samples.momentum.length % 126).toBe(0);
    expect(samples.momentum.length / 126).toBeGreaterThan(40);
    expect(samples.momentum.length / 126).toBeLessThan(80);
    // Bop does the learning: without flips (gamma = 0) only batch norm trains, and does worse.
    expect(run.accuracy).toBeGreaterThan(trainBnn({ adaptivity: 0 }).accuracy);
  });

  it('still learns with the momentum stored in 12 bits (E4M7 with a bias for tiny values)', () => {
    const compact = floatFormat({ exponentBits: 4, mantissaBits: 7, bias: 30, specials: 'finite' });
    const run = trainBnn({ state: compact });
    expect(run.accuracy).toBeGreaterThanOrEqual(0.75);
    expect(run.optimizer.stateMemory().filter((row) => row.slot === 'momentum').map((row) => row.bytes)).toEqual([(12 * 200) / 8, (12 * 40) / 8]);
  });
});
