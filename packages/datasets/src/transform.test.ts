import { describe, expect, it } from 'vitest';
import { createDataset, type Dataset } from './dataset.js';
import { DatasetOptionsError } from './errors.js';
import { gaussianBlobs } from './synthetic.js';
import { channelStatistics, gatherSamples } from './transform.js';

/** `count` images of [channels, height, width] whose pixels are all distinct and non-zero. */
function distinctImages(count: number, channels: number, height: number, width: number): Dataset {
  const size = channels * height * width;
  const values = Uint8Array.from({ length: count * size }, (_, index) => 1 + ((index * 37) % 251));
  return createDataset({ name: 'distinct', split: 'train', sampleShape: [channels, height, width], values, labels: new Uint8Array(count), classCount: 1 });
}

/** The source pixel (scaled to [0, 1]) that crop offset (dy, dx) and flip put at output (c, y, x). */
function expected(source: Uint8Array | Float32Array, shape: readonly number[], dy: number, dx: number, flipped: boolean): number[] {
  const [channels, height, width] = shape;
  const out: number[] = [];
  for (let c = 0; c < channels; c++)
    for (let y = 0; y < height; y++)
      for (let x = 0; x < width; x++) {
        const sy = y + dy;
        const sx = (flipped ? width - 1 - x : x) + dx;
        out.push(sy < 0 || sy >= height || sx < 0 || sx >= width ? 0 : Math.fround(source[c * height * width + sy * width + sx] * (1 / 255)));
      }
  return out;
}

/** Which (dy, dx, flip) produced `row` from `source`; fails if none does. */
function identify(row: Float32Array, source: Uint8Array | Float32Array, shape: readonly number[], padding: number): string {
  for (let dy = -padding; dy <= padding; dy++)
    for (let dx = -padding; dx <= padding; dx++)
      for (const flipped of [false, true]) if (expected(source, shape, dy, dx, flipped).every((value, index) => value === row[index])) return `${dy},${dx},${flipped}`;
  throw new Error('no crop/flip explains the output');
}

describe('normalization', () => {
  const images = createDataset({
    name: 'two-channel',
    split: 'train',
    sampleShape: [2, 1, 2],
    values: Uint8Array.from([0, 255, 51, 102]),
    labels: new Uint8Array(1),
    classCount: 1,
  });
  it.each([
    { name: 'bytes default to value / 255', normalization: undefined, values: [0, 1, 0.2, 0.4] },
    { name: 'one mean and std for all channels', normalization: { mean: 0.5, std: 0.5 }, values: [-1, 1, -0.6, -0.2] },
    { name: 'per-channel mean and std', normalization: { mean: [0, 0.2], std: [1, 0.1] }, values: [0, 1, 0, 2] },
    { name: 'explicit scale', normalization: { scale: 1 }, values: [0, 255, 51, 102] },
  ])('$name', ({ normalization, values }) => {
    const row = gatherSamples(images, [0], { normalization });
    values.forEach((value, index) => expect(row[index]).toBeCloseTo(value, 6));
  });

  it('float datasets default to scale 1', () => {
    const blobs = gaussianBlobs({ classes: 2, dimensions: 3, samples: 4, separation: 1, seed: 1 });
    expect(gatherSamples(blobs, [2])).toEqual(blobs.get(2).values);
  });

  it.each([
    { normalization: { std: 0 }, message: 'gatherSamples: invalid normalization.std: 0 (allowed: one number or 2 (one per channel), each > 0)' },
    { normalization: { mean: [0.1, 0.2, 0.3] }, message: 'gatherSamples: invalid normalization.mean: [0.1,0.2,0.3] (allowed: one number or 2 (one per channel))' },
    { normalization: { scale: Number.POSITIVE_INFINITY }, message: 'gatherSamples: invalid normalization.scale: Infinity (allowed: a finite number)' },
  ])('rejects $normalization', ({ normalization, message }) => {
    expect(() => gatherSamples(images, [0], { normalization })).toThrow(DatasetOptionsError);
    expect(() => gatherSamples(images, [0], { normalization })).toThrow(message);
  });

  it('channelStatistics: mean and population std per channel of the scaled values', () => {
    const statistics = channelStatistics(images);
    expect(statistics.mean[0]).toBeCloseTo(0.5, 12);
    expect(statistics.std[0]).toBeCloseTo(0.5, 12);
    expect(statistics.mean[1]).toBeCloseTo(0.3, 12);
    expect(statistics.std[1]).toBeCloseTo(0.1, 12);
  });
});

describe('augmentation', () => {
  const images = distinctImages(200, 3, 6, 5);
  const shape = images.sampleShape;

  it('horizontal flip with probability 1 and no padding mirrors every row exactly', () => {
    const rows = gatherSamples(images, [0, 1], { augmentation: { horizontalFlip: { probability: 1 } } });
    expect(Array.from(rows.subarray(0, images.sampleSize))).toEqual(expected(images.get(0).values, shape, 0, 0, true));
  });

  it('every output is the source shifted by (dy, dx) in [-p, p] with zero fill, maybe flipped; all 25 offsets and both flips occur', () => {
    const padding = 2;
    const indices = Array.from({ length: images.length }, (_, index) => index);
    const rows = gatherSamples(images, indices, { augmentation: { randomCrop: { padding }, horizontalFlip: true }, seed: 7 });
    const seen = new Set<string>();
    let flips = 0;
    for (const index of indices) {
      const found = identify(rows.subarray(index * images.sampleSize, (index + 1) * images.sampleSize), images.get(index).values, shape, padding);
      seen.add(found.split(',').slice(0, 2).join(','));
      if (found.endsWith('true')) flips++;
    }
    expect(seen.size).toBe(25);
    expect(flips).toBeGreaterThan(60);
    expect(flips).toBeLessThan(140);
  });

  const augmentation = { randomCrop: { padding: 1 }, horizontalFlip: true };
  it('depends only on (seed, epoch, dataset index): not on the other samples gathered with it', () => {
    const alone = gatherSamples(images, [42], { augmentation, seed: 3, epoch: 5 });
    const together = gatherSamples(images, [7, 42, 199], { augmentation, seed: 3, epoch: 5 });
    expect(together.subarray(images.sampleSize, 2 * images.sampleSize)).toEqual(alone);
  });

  it.each([
    { name: 'another epoch', other: { seed: 3, epoch: 6 } },
    { name: 'another seed', other: { seed: 4, epoch: 5 } },
  ])('$name changes the augmentation', ({ other }) => {
    const indices = Array.from({ length: 50 }, (_, index) => index);
    const base = gatherSamples(images, indices, { augmentation, seed: 3, epoch: 5 });
    expect(gatherSamples(images, indices, { augmentation, ...other })).not.toEqual(base);
    expect(gatherSamples(images, indices, { augmentation, seed: 3, epoch: 5 })).toEqual(base);
  });

  it('padding pixels are raw zeros, normalized like any pixel', () => {
    const flat = createDataset({ name: 'flat', split: 'train', sampleShape: [1, 1, 1], values: Uint8Array.from([255]), labels: new Uint8Array(1), classCount: 1 });
    const values = new Set<number>();
    for (let epoch = 0; epoch < 40; epoch++) {
      values.add(gatherSamples(flat, [0], { augmentation: { randomCrop: { padding: 1 } }, epoch, normalization: { mean: 0.5, std: 0.5 } })[0]);
    }
    expect([...values].sort()).toEqual([-1, 1]);
  });

  it.each([
    { augmentation: { randomCrop: { padding: -1 } }, message: 'gatherSamples: invalid augmentation.randomCrop.padding: -1 (allowed: an integer >= 0 (pixels added on each side))' },
    { augmentation: { horizontalFlip: { probability: 2 } }, message: 'gatherSamples: invalid augmentation.horizontalFlip: {"probability":2} (allowed: true, false or { probability } with a probability in [0, 1])' },
  ])('rejects $augmentation', ({ augmentation: bad, message }) => {
    expect(() => gatherSamples(images, [0], { augmentation: bad })).toThrow(message);
  });

  it('needs images: vector samples cannot be cropped', () => {
    const blobs = gaussianBlobs({ classes: 2, dimensions: 3, samples: 4, separation: 1, seed: 1 });
    expect(() => gatherSamples(blobs, [0], { augmentation: { horizontalFlip: true } })).toThrow(
      'gatherSamples: invalid augmentation: {"horizontalFlip":true} (allowed: images of shape [channels, height, width]; gaussian-blobs samples have shape [3])',
    );
  });
});
