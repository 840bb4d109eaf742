/** Tiny models and synthetic data for the tests: each fit runs in milliseconds. */
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, type Module } from '@lowbit/nn';
import { gaussianBlobs, syntheticImages, type Dataset } from '@lowbit/datasets';
import type { Parameter } from '@lowbit/autograd';

/** 3 well-separated classes of 4-dimensional points: 96 for training, 48 for testing. */
export function blobs(): { train: Dataset; test: Dataset } {
  const options = { classes: 3, dimensions: 4, separation: 4, seed: 1 };
  return { train: gaussianBlobs({ ...options, samples: 96 }), test: gaussianBlobs({ ...options, samples: 48, split: 'test' }) };
}

/** 4 -> 8 -> 3 with explicit seeds, so every call builds the same weights. */
export function mlp(seed = 10): Sequential {
  return new Sequential({
    fc1: new Linear({ inFeatures: 4, outFeatures: 8, seed }),
    relu: new ReLU(),
    fc2: new Linear({ inFeatures: 8, outFeatures: 3, seed: seed + 1 }),
  });
}

/** 3 classes of 1 x 8 x 8 noisy templates. */
export function images(): { train: Dataset; test: Dataset } {
  const options = { classes: 3, channels: 1, height: 8, width: 8, noise: 0.3, seed: 2 };
  return { train: syntheticImages({ ...options, samples: 48 }), test: syntheticImages({ ...options, samples: 24, split: 'test' }) };
}

/** conv 3x3 (4) -> relu -> pool 2 -> flatten -> fc (3). */
export function cnn(seed = 20): Sequential {
  return new Sequential({
    conv: new Conv2d({ inChannels: 1, outChannels: 4, kernelSize: 3, seed }),
    relu: new ReLU(),
    pool: new MaxPool2d({ kernelSize: 2 }),
    flatten: new Flatten(),
    fc: new Linear({ inFeatures: 4 * 3 * 3, outFeatures: 3, seed: seed + 1 }),
  });
}

/** Every parameter's values, by name (copies). */
export function weightsOf(model: Module): Record<string, Float32Array> {
  return Object.fromEntries(model.namedParameters().map(([name, parameter]: [string, Parameter]) => [name, parameter.value.data() as Float32Array]));
}

/** Bit patterns, so NaN and -0 compare exactly. */
export function bitsOf(model: Module): Record<string, number[]> {
  return Object.fromEntries(Object.entries(weightsOf(model)).map(([name, values]) => [name, Array.from(new Uint32Array(values.buffer))]));
}

/** Epoch records without the wall-clock fields. */
export function withoutTimes<T extends { seconds?: number }>(records: readonly T[]): Omit<T, 'seconds'>[] {
  return records.map(({ seconds: _seconds, ...rest }) => rest);
}
