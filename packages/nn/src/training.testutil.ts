/** Helpers of the training tests: a plain SGD step (the optimizer package is above nn) and seeded synthetic images. */
import { mul, randomNormal, sub, tensor, type Tensor } from '@lowbit/tensor';
import { noGrad, type Parameter } from '@lowbit/autograd';

/** w <- w - learningRate grad for every parameter with a gradient (rounded into stored formats by assign). */
export function sgdStep(parameters: readonly Parameter[], learningRate: number): void {
  noGrad(() => {
    for (const p of parameters) if (p.grad !== null) p.assign(sub(p.value, mul(p.grad, learningRate)));
  });
}

/**
 * `count` single-channel size x size images of `classes` classes: class k is a template drawn
 * from `templateSeed` plus Gaussian noise (stddev `noise`) drawn from `noiseSeed`, labels cycling
 * 0..classes-1. Training and held-out sets share the template seed.
 */
export function syntheticImages(options: { count: number; classes: number; size: number; noise: number; templateSeed: number; noiseSeed: number }): { images: Tensor; labels: Tensor } {
  const { count, classes, size, noise, templateSeed, noiseSeed } = options;
  const pixels = size * size;
  const templates = randomNormal([classes, pixels], { seed: templateSeed }).toArray();
  const perturbation = randomNormal([count, pixels], { seed: noiseSeed, stddev: noise }).toArray();
  const values = new Float32Array(count * pixels);
  const labels = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    labels[n] = n % classes;
    for (let i = 0; i < pixels; i++) values[n * pixels + i] = templates[labels[n] * pixels + i] + perturbation[n * pixels + i];
  }
  return { images: tensor(values, [count, 1, size, size]), labels: tensor(labels) };
}
