import { describe, expect, it } from 'vitest';
import { batchCount, batches } from './batches.js';
import { DatasetOptionsError } from './errors.js';
import { gaussianBlobs, syntheticImages } from './synthetic.js';

const images = syntheticImages({ seed: 1, samples: 10, channels: 3, height: 4, width: 4, classes: 3 });

describe('batches', () => {
  it.each([
    { batchSize: 4, dropLast: false, sizes: [4, 4, 2] },
    { batchSize: 4, dropLast: true, sizes: [4, 4] },
    { batchSize: 5, dropLast: true, sizes: [5, 5] },
    { batchSize: 10, dropLast: false, sizes: [10] },
    { batchSize: 32, dropLast: false, sizes: [10] },
    { batchSize: 32, dropLast: true, sizes: [] },
  ])('batchSize $batchSize dropLast $dropLast: sizes $sizes', ({ batchSize, dropLast, sizes }) => {
    const all = [...batches(images, { batchSize, dropLast })];
    expect(all.map((batch) => batch.images.shape)).toEqual(sizes.map((size) => [size, 3, 4, 4]));
    expect(all.map((batch) => batch.labels.shape)).toEqual(sizes.map((size) => [size]));
    expect(all.map((batch) => batch.batchIndex)).toEqual(sizes.map((_, index) => index));
    expect(batchCount(images, { batchSize, dropLast })).toBe(sizes.length);
  });

  it('images are float32 [N, C, H, W] scaled to [0, 1]; labels int32; in file order without shuffle', () => {
    const [first, last] = [...batches(images, { batchSize: 8 })];
    expect(first.images.dtype).toBe('float32');
    expect(first.labels.dtype).toBe('int32');
    expect(Array.from(first.indices)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Array.from(last.indices)).toEqual([8, 9]);
    expect(first.labels.toArray()).toEqual(Array.from(images.labels.subarray(0, 8)));
    const values = last.images.data();
    expect(values[images.sampleSize + 5]).toBeCloseTo(images.values[9 * images.sampleSize + 5] / 255, 6);
  });

  it('vector datasets give [N, D] rows', () => {
    const blobs = gaussianBlobs({ classes: 2, dimensions: 3, samples: 5, separation: 2, seed: 1 });
    const [batch] = [...batches(blobs, { batchSize: 5 })];
    expect(batch.images.shape).toEqual([5, 3]);
    expect(batch.images.data()).toEqual(blobs.values);
  });

  it('shuffled: every sample once per epoch, labels follow their images, same seed + epoch -> same batches', () => {
    const options = { batchSize: 3, shuffle: true, seed: 11, epoch: 2 };
    const run = () => [...batches(images, options)];
    const first = run();
    const indices = first.flatMap((batch) => Array.from(batch.indices));
    expect([...indices].sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(indices).not.toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const batch of first) expect(batch.labels.toArray()).toEqual(Array.from(batch.indices, (index) => images.labels[index]));
    const second = run();
    second.forEach((batch, position) => {
      expect(batch.indices).toEqual(first[position].indices);
      expect(batch.images.data()).toEqual(first[position].images.data());
    });
    const nextEpoch = [...batches(images, { ...options, epoch: 3 })].flatMap((batch) => Array.from(batch.indices));
    expect(nextEpoch).not.toEqual(indices);
  });

  it('augmentation of a sample does not depend on the batch size or the shuffle', () => {
    const augmentation = { randomCrop: { padding: 1 }, horizontalFlip: true };
    const rows = (batchSize: number, shuffle: boolean) => {
      const byIndex = new Map<number, number[]>();
      for (const batch of batches(images, { batchSize, shuffle, seed: 5, epoch: 1, augmentation })) {
        const values = batch.images.data();
        batch.indices.forEach((index, row) => byIndex.set(index, Array.from(values.subarray(row * images.sampleSize, (row + 1) * images.sampleSize))));
      }
      return byIndex;
    };
    const reference = rows(10, false);
    for (const [batchSize, shuffle] of [[3, true], [4, false]] as const) {
      const other = rows(batchSize, shuffle);
      for (let index = 0; index < images.length; index++) expect(other.get(index)).toEqual(reference.get(index));
    }
  });

  it.each([
    { options: { batchSize: 0 }, message: 'batches: invalid batchSize: 0 (allowed: a positive integer)' },
    { options: { batchSize: 2.5 }, message: 'batches: invalid batchSize: 2.5 (allowed: a positive integer)' },
    { options: { batchSize: 2, shuffle: 'yes' }, message: 'batches: invalid shuffle: "yes" (allowed: true or false)' },
    { options: { batchSize: 2, seed: -4 }, message: 'batches: invalid seed: -4 (allowed: a non-negative safe integer)' },
    { options: { batchSize: 2, epoch: 0.5 }, message: 'batches: invalid epoch: 0.5 (allowed: an integer in [0, 2097151]). count epochs from 0' },
  ])('rejects $options when called, before the first batch', ({ options, message }) => {
    expect(() => batches(images, options as never)).toThrow(DatasetOptionsError);
    expect(() => batches(images, options as never)).toThrow(message);
  });

  it('rejects something that is not a dataset', () => {
    expect(() => batches({ length: 3 } as never, { batchSize: 1 })).toThrow(
      'batches: invalid dataset: {"length":3} (allowed: a Dataset (from loadMnist, createDataset, gaussianBlobs, ...))',
    );
  });
});
