import { describe, expect, it } from 'vitest';
import { createDataset, labelCounts, subset, take, type DatasetDefinition } from './dataset.js';
import { DatasetError, DatasetOptionsError } from './errors.js';

const definition: DatasetDefinition = {
  name: 'tiny',
  split: 'train',
  sampleShape: [1, 2, 2],
  values: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]),
  labels: Uint8Array.from([2, 0, 2]),
  classCount: 3,
};

describe('createDataset', () => {
  it('exposes the contract: length, shapes, views, class names', () => {
    const dataset = createDataset(definition);
    expect(dataset.length).toBe(3);
    expect(dataset.sampleSize).toBe(4);
    expect(dataset.classNames).toEqual(['0', '1', '2']);
    const sample = dataset.get(1);
    expect(Array.from(sample.values)).toEqual([5, 6, 7, 8]);
    expect(sample.label).toBe(0);
    expect(sample.values.buffer).toBe(definition.values.buffer);
    expect(String(dataset)).toBe('Dataset(tiny train: 3 x [1,2,2], 3 classes)');
  });

  it.each([
    { patch: { labels: Uint8Array.from([2, 0, 3]) }, message: 'createDataset: invalid labels: "label 3 at index 2" (allowed: labels in [0, 2])' },
    { patch: { values: new Uint8Array(11) }, message: 'createDataset: invalid values: Uint8Array(11) (allowed: 12 values (3 labels x 4 per sample of shape [1,2,2]))' },
    { patch: { sampleShape: [0, 2] }, message: 'createDataset: invalid sampleShape: [0,2] (allowed: a non-empty array of positive integers, e.g. [1, 28, 28])' },
    { patch: { values: [1, 2, 3] }, message: 'createDataset: invalid values: [1,2,3] (allowed: a Uint8Array or a Float32Array)' },
    { patch: { classNames: ['a'] }, message: 'createDataset: invalid classNames: ["a"] (allowed: 3 names, one per class)' },
    { patch: { classCount: 300 }, message: 'createDataset: invalid classCount: 300 (allowed: at most 256 (labels are bytes))' },
  ])('rejects $message', ({ patch, message }) => {
    const build = () => createDataset({ ...definition, ...patch } as DatasetDefinition);
    expect(build).toThrow(DatasetOptionsError);
    expect(build).toThrow(DatasetError);
    expect(build).toThrow(message);
  });

  it('get rejects an index out of range', () => {
    expect(() => createDataset(definition).get(3)).toThrow('tiny (train).get: invalid index: 3 (allowed: an integer in [0, 2])');
  });
});

describe('subset, take, labelCounts', () => {
  const dataset = createDataset(definition);
  it('subset copies the chosen samples in the given order', () => {
    const picked = subset(dataset, [2, 0]);
    expect(Array.from(picked.values)).toEqual([9, 10, 11, 12, 1, 2, 3, 4]);
    expect(Array.from(picked.labels)).toEqual([2, 2]);
    expect(picked.values.buffer).not.toBe(dataset.values.buffer);
  });

  it('take keeps the first samples (all when there are fewer)', () => {
    expect(take(dataset, 2).length).toBe(2);
    expect(take(dataset, 10).length).toBe(3);
  });

  it('labelCounts counts every class, empty ones included', () => {
    expect(labelCounts(dataset)).toEqual([1, 0, 2]);
  });

  it('subset rejects a bad index', () => {
    expect(() => subset(dataset, [0, 5])).toThrow('subset: invalid indices[1]: 5 (allowed: an integer in [0, 2])');
  });
});
