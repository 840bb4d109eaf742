import { noGrad } from '@lowbit/autograd';
import { randomNormal } from '@lowbit/tensor';
import { describe, expect, it } from 'vitest';
import { binaryNet } from './binary-networks.js';
import { MODELS, type ModelName } from './catalog.js';
import { resnet18 } from './resnet.js';
import { countParameters, summary } from './summary/summary.js';

// Trainable parameters, split into binary (1-bit) and real-valued (32-bit). Each total is worked
// out in the model's file comment and in the README; the binary counts of binaryNet and
// larqMnistBnn are Larq's published summaries.
const COUNTS: readonly { model: ModelName; total: number; binary: number }[] = [
  { model: 'lenet5', total: 61_706, binary: 0 },
  { model: 'alexnet', total: 2_472_266, binary: 0 },
  { model: 'binaryAlexnet', total: 2_473_428, binary: 2_445_312 },
  { model: 'resnet18', total: 11_173_962, binary: 0 },
  { model: 'mlp', total: 1_796_010, binary: 0 },
  { model: 'cifar10Quick', total: 145_578, binary: 0 },
  { model: 'binaryNet', total: 10_355_850, binary: 10_352_000 },
  { model: 'larqMnistBnn', total: 93_322, binary: 93_088 },
  { model: 'vgg3', total: 6_484_820, binary: 6_480_448 },
  { model: 'vgg7', total: 12_979_092, binary: 12_973_440 },
];

describe('parameter counts', () => {
  it.each(COUNTS)('$model: $total parameters, $binary binary', ({ model, total, binary }) => {
    const counts = countParameters(MODELS[model].create({ seed: 1 }));
    expect(counts.total).toBe(total);
    expect(counts.byBits[1] ?? 0).toBe(binary);
    expect(counts.byBits[32] ?? 0).toBe(total - binary);
  });

  it('binary weights stored as ±1 count the same as latent ones', () => {
    for (const model of ['binaryAlexnet', 'larqMnistBnn', 'vgg3'] as const) {
      const stored = countParameters(MODELS[model].create({ seed: 1, binaryWeights: 'stored' } as never));
      expect(stored).toEqual(countParameters(MODELS[model].create({ seed: 1 })));
    }
  });

  it.each([
    { name: 'ResNet-18, ImageNet stem, 1000 classes (torchvision resnet18)', options: { stem: 'imagenet', classes: 1000 } as const, total: 11_689_512 },
    { name: 'ResNet-18, ImageNet stem, 10 classes', options: { stem: 'imagenet' } as const, total: 11_181_642 },
    { name: 'ResNet-18, CIFAR stem, 100 classes', options: { classes: 100 } as const, total: 11_220_132 },
  ])('$name: $total', ({ options, total }) => {
    expect(countParameters(resnet18({ seed: 1, ...options })).total).toBe(total);
  });

  it('BinaryNet with the first convolution padded (the Theano layout): 14,022,016 binary weights', () => {
    expect(countParameters(binaryNet({ seed: 1, firstPadding: 'same' })).byBits).toEqual({ 1: 14_022_016, 32: 3_850 });
  });
});

describe('forward passes', () => {
  // Batch 2, evaluation mode, no gradients: about 5 s for all ten on the reference backend.
  it.each(Object.keys(MODELS) as ModelName[])('%s maps a batch of 2 samples to [2, 10], as the summary says', (name) => {
    const entry = MODELS[name];
    const model = entry.create({ seed: 3 });
    model.eval();
    const logits = noGrad(() => model.forward(randomNormal([2, ...entry.inputShape], { seed: 4 })));
    expect(logits.shape).toEqual([2, 10]);
    expect(logits.value.toArray().every(Number.isFinite)).toBe(true);
    expect(summary(model, entry.inputShape).outputShape).toEqual([10]);
  });

  it('a model takes `classes` for its last layer', () => {
    for (const name of Object.keys(MODELS) as ModelName[]) {
      const model = MODELS[name].create({ seed: 1, classes: 7 });
      expect(summary(model, MODELS[name].inputShape).outputShape).toEqual([7]);
    }
  });
});
