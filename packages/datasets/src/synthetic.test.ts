import { describe, expect, it } from 'vitest';
import { labelCounts } from './dataset.js';
import { DatasetOptionsError } from './errors.js';
import { gaussianBlobs, syntheticImages } from './synthetic.js';

/** Accuracy of the nearest class mean (means from `train`) on `test`: how separable blobs are. */
function nearestMeanAccuracy(train: ReturnType<typeof gaussianBlobs>, test: ReturnType<typeof gaussianBlobs>): number {
  const dimensions = train.sampleSize;
  const means = new Float64Array(train.classCount * dimensions);
  const counts = labelCounts(train);
  for (let index = 0; index < train.length; index++) {
    const { values, label } = train.get(index);
    for (let axis = 0; axis < dimensions; axis++) means[label * dimensions + axis] += values[axis] / counts[label];
  }
  let correct = 0;
  for (let index = 0; index < test.length; index++) {
    const { values, label } = test.get(index);
    let best = -1;
    let bestDistance = Infinity;
    for (let candidate = 0; candidate < train.classCount; candidate++) {
      let distance = 0;
      for (let axis = 0; axis < dimensions; axis++) distance += (values[axis] - means[candidate * dimensions + axis]) ** 2;
      if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
    }
    if (best === label) correct++;
  }
  return correct / test.length;
}

describe('gaussianBlobs', () => {
  it('frozen values for a fixed seed (a change here changes every test that uses blobs)', () => {
    const blobs = gaussianBlobs({ classes: 2, dimensions: 2, samples: 2, separation: 4, seed: 1 });
    expect(Array.from(blobs.values)).toEqual([1.3903263807296753, -0.22741813957691193, -2.1958863735198975, 0.19862154126167297]);
  });

  it('shape, balanced labels, determinism, fresh test samples', () => {
    const options = { classes: 3, dimensions: 5, samples: 301, separation: 6, seed: 9 };
    const blobs = gaussianBlobs(options);
    expect(blobs.sampleShape).toEqual([5]);
    expect(blobs.values).toBeInstanceOf(Float32Array);
    expect(labelCounts(blobs)).toEqual([101, 100, 100]);
    expect(Array.from(blobs.labels.subarray(0, 4))).toEqual([0, 1, 2, 0]);
    expect(gaussianBlobs(options).values).toEqual(blobs.values);
    expect(gaussianBlobs({ ...options, split: 'test' }).values).not.toEqual(blobs.values);
    expect(gaussianBlobs({ ...options, seed: 10 }).values).not.toEqual(blobs.values);
  });

  it.each([
    { separation: 8, classes: 4, dimensions: 8, least: 0.99, most: 1 },
    { separation: 8, classes: 10, dimensions: 5, least: 0.99, most: 1 },
    // Random directions (classes > 2 * dimensions): some centers are closer than `separation`.
    { separation: 8, classes: 10, dimensions: 3, least: 0.75, most: 1 },
    { separation: 0, classes: 4, dimensions: 8, least: 0, most: 0.4 },
  ])('separation $separation, $classes classes in $dimensions dimensions: nearest-mean accuracy in [$least, $most]', ({ separation, classes, dimensions, least, most }) => {
    const options = { classes, dimensions, samples: 1000, separation, seed: 4 };
    const accuracy = nearestMeanAccuracy(gaussianBlobs(options), gaussianBlobs({ ...options, split: 'test' }));
    expect(accuracy).toBeGreaterThanOrEqual(least);
    expect(accuracy).toBeLessThanOrEqual(most);
  });

  it('sample noise has unit standard deviation around the center', () => {
    const blobs = gaussianBlobs({ classes: 1, dimensions: 4, samples: 5000, separation: 0, seed: 2 });
    let sum = 0;
    let square = 0;
    for (const value of blobs.values) [sum, square] = [sum + value, square + value * value];
    const mean = sum / blobs.values.length;
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(Math.abs(Math.sqrt(square / blobs.values.length - mean * mean) - 1)).toBeLessThan(0.03);
  });

  it.each([
    { patch: { classes: 0 }, message: 'gaussianBlobs: invalid classes: 0 (allowed: an integer in [1, 256])' },
    { patch: { separation: -1 }, message: 'gaussianBlobs: invalid separation: -1 (allowed: a finite number >= 0 (distance between centers in standard deviations))' },
    { patch: { seed: undefined }, message: 'gaussianBlobs: invalid seed: undefined (allowed: a non-negative safe integer)' },
    { patch: { samples: 2 ** 30 }, message: 'gaussianBlobs: invalid samples: 1073741824 (allowed: at most 1073741823 with 2 values per sample (2147483647 values in all))' },
  ])('rejects $patch', ({ patch, message }) => {
    const options = { classes: 2, dimensions: 2, samples: 10, separation: 1, seed: 1, ...patch };
    expect(() => gaussianBlobs(options as never)).toThrow(DatasetOptionsError);
    expect(() => gaussianBlobs(options as never)).toThrow(message);
  });
});

describe('syntheticImages', () => {
  it('frozen values for a fixed seed', () => {
    expect(Array.from(syntheticImages({ seed: 1, samples: 1, height: 2, width: 2 }).values)).toEqual([152, 126, 0, 227]);
  });

  it('defaults: 256 images of [1, 8, 8] bytes in 4 balanced classes', () => {
    const images = syntheticImages({ seed: 3 });
    expect(images.name).toBe('synthetic-images');
    expect(images.length).toBe(256);
    expect(images.sampleShape).toEqual([1, 8, 8]);
    expect(images.values).toBeInstanceOf(Uint8Array);
    expect(labelCounts(images)).toEqual([64, 64, 64, 64]);
  });

  it('is deterministic; test images are new noise around the same templates', () => {
    const options = { seed: 3, classes: 2, channels: 3, height: 5, width: 4, samples: 20 };
    const train = syntheticImages(options);
    const test = syntheticImages({ ...options, split: 'test' });
    expect(syntheticImages(options).values).toEqual(train.values);
    expect(test.values).not.toEqual(train.values);
    // Same class, other split: far closer than another class (the templates are shared).
    const distance = (a: ArrayLike<number>, b: ArrayLike<number>) => Array.from(a).reduce((sum, value, index) => sum + Math.abs(value - b[index]), 0);
    expect(distance(train.get(0).values, test.get(0).values)).toBeLessThan(distance(train.get(0).values, test.get(1).values));
  });

  it('noise 0 gives the templates exactly', () => {
    const images = syntheticImages({ seed: 3, noise: 0, classes: 2, samples: 4 });
    expect(images.get(2).values).toEqual(images.get(0).values);
    expect(images.get(1).values).not.toEqual(images.get(0).values);
  });

  it('rejects bad options', () => {
    expect(() => syntheticImages({ seed: 1, height: 0 })).toThrow('syntheticImages: invalid height: 0 (allowed: a positive integer)');
    expect(() => syntheticImages({ seed: 1, noise: Number.NaN })).toThrow('syntheticImages: invalid noise: NaN (allowed: a finite number >= 0 (fraction of the 0..255 range))');
  });
});
