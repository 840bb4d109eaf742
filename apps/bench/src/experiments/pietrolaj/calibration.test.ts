import { describe, expect, it } from 'vitest';
import { lenet5 } from '@lowbit/models';
import { loadImageData } from '../../training/data.js';
import { calibrateRoleMaxima } from './calibration.js';

describe('pietrolaj calibration', () => {
  it('measures max |x| of every role of the untrained model without changing its weights', { timeout: 30_000 }, async () => {
    const data = await loadImageData({ dataset: 'mnist', trainSamples: 32, testSamples: 8, seed: 1 });
    const built: ReturnType<typeof lenet5>[] = [];
    const maxima = await calibrateRoleMaxima({
      build: (plan) => {
        built.push(lenet5({ seed: 1, quantization: plan }));
        return built[0];
      },
      data,
      batchSize: 16,
      batches: 2,
      seed: 1,
    });
    // PyTorch's default init draws weights from U(-1/sqrt(fanIn), 1/sqrt(fanIn)); conv1 has the smallest fanIn (25): bound 0.2.
    expect(maxima.weights).toBeGreaterThan(0.15);
    expect(maxima.weights).toBeLessThanOrEqual(0.2);
    // The first layer's inputs are the normalized images: more than 2 standard deviations above the mean.
    expect(maxima.activations).toBeGreaterThan(2);
    for (const role of ['errors', 'weightGradients'] as const) {
      expect(maxima[role]).toBeGreaterThan(0);
      expect(maxima[role]).toBeLessThan(1);
    }
    const point = built[0].module('conv1').quantizationPoint('weights')!;
    expect(point.history).toHaveLength(2);
    const fresh = new Map(lenet5({ seed: 1 }).namedParameters());
    for (const [name, parameter] of built[0].namedParameters()) expect(parameter.data()).toEqual(fresh.get(name)!.data());
    await expect(calibrateRoleMaxima({ build: () => built[0], data, batchSize: 16, batches: 0, seed: 1 })).rejects.toThrow(/calibrationBatches: 0/);
  });
});
