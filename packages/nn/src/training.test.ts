/**
 * End to end: a small conv net (conv-bn-relu-pool-linear) learns seeded synthetic images with
 * plain SGD, in float32 and with an FP8 plan (E4M3 weights and activations forward, E5M2 errors
 * and weight gradients backward), and reports per-layer statistics for the quantized run.
 */
import { argmax, cast, equal, mean } from '@lowbit/tensor';
import { noGrad } from '@lowbit/autograd';
import { describe, expect, it } from 'vitest';
import { ReLU } from './layers/activations.js';
import { BatchNorm2d } from './layers/batch-norm.js';
import { Conv2d } from './layers/conv2d.js';
import { Flatten } from './layers/flatten.js';
import { Linear } from './layers/linear.js';
import { MaxPool2d } from './layers/pooling.js';
import { Sequential } from './layers/sequential.js';
import { crossEntropy } from './losses.js';
import { applyQuantization, type QuantizationPlan } from './quantization/plan.js';
import { quantizationStatistics } from './quantization/points.js';
import { sgdStep, syntheticImages } from './training.testutil.js';

const classes = 4;
const data = syntheticImages({ count: 64, classes, size: 8, noise: 1, templateSeed: 21, noiseSeed: 22 });
const test = syntheticImages({ count: 64, classes, size: 8, noise: 1, templateSeed: 21, noiseSeed: 23 });

function convNet(): Sequential {
  return new Sequential({
    conv: new Conv2d({ inChannels: 1, outChannels: 4, kernelSize: 3, padding: 1, seed: 1 }),
    bn: new BatchNorm2d({ numFeatures: 4 }),
    relu: new ReLU(),
    pool: new MaxPool2d({ kernelSize: 2 }),
    flatten: new Flatten(),
    fc: new Linear({ inFeatures: 4 * 4 * 4, outFeatures: classes, seed: 2 }),
  });
}

function run(plan?: QuantizationPlan): { losses: number[]; accuracy: number; model: Sequential } {
  const model = convNet();
  if (plan !== undefined) applyQuantization(model, plan);
  const losses: number[] = [];
  for (let step = 0; step < 25; step++) {
    model.zeroGrad();
    const loss = crossEntropy(model.forward(data.images), data.labels);
    losses.push(loss.item());
    loss.backward();
    sgdStep(model.parameters(), 0.2);
  }
  model.eval();
  const predictions = noGrad(() => argmax(model.forward(test.images).value, { axis: 1 }));
  const accuracy = mean(equal(cast(predictions, 'float32'), cast(test.labels, 'float32'))).item();
  return { losses, accuracy, model };
}

describe('a small conv net trains on synthetic images', () => {
  it('in float32: the loss falls and held-out images are classified', () => {
    const { losses, accuracy } = run();
    expect(losses[losses.length - 1]).toBeLessThan(0.3 * losses[0]);
    expect(accuracy).toBeGreaterThan(0.9);
  });

  it('with an FP8 plan (E4M3 forward, E5M2 errors and weight gradients)', () => {
    const plan: QuantizationPlan = { layers: { weights: 'float8_e4m3fn', inputs: 'float8_e4m3fn', errors: 'float8_e5m2', weightGradients: 'float8_e5m2' } };
    const { losses, accuracy, model } = run(plan);
    expect(losses[losses.length - 1]).toBeLessThan(0.3 * losses[0]);
    expect(accuracy).toBeGreaterThan(0.85);
    const statistics = quantizationStatistics(model);
    expect(statistics.map((s) => `${s.layer}.${s.role}`)).toEqual(['conv.weights', 'conv.inputs', 'conv.outputs', 'fc.weights', 'fc.inputs', 'fc.outputs']);
    for (const { latest } of statistics) {
      expect(latest!.step).toBe(24);
      for (const side of [latest!.forward, latest!.backward]) if (side !== undefined) expect(side.nan).toBe(0);
    }
    // Per-layer counts are there to report: without scaling, many of the conv layer's small errors flush to zero in E5M2.
    const convErrors = statistics.find((s) => s.layer === 'conv' && s.role === 'outputs')!.latest!.backward!;
    expect(convErrors.elements).toBe(64 * 4 * 8 * 8);
    expect(convErrors.flushedToZero).toBeGreaterThan(0);
  });
});
