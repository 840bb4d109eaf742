/**
 * Batching into tensors: one epoch of a dataset as a sequence of { images, labels } tensors,
 * optionally in a seeded shuffled order, augmented and normalized. Everything is a function of
 * (dataset, options): the same options give the same batches, bit for bit.
 */
import { tensor, type CreationOptions, type Tensor } from '@lowbit/tensor';
import { checkDataset, type Dataset } from './dataset.js';
import { DatasetOptionsError, checkBoolean, checkPositiveInteger, checkSeed } from './errors.js';
import { checkEpoch } from './random.js';
import { shuffledIndices } from './shuffle.js';
import { resolveTransform, writeSample, type Augmentation, type Normalization } from './transform.js';

export interface BatchOptions {
  batchSize: number;
  /** Visit samples in a seeded random order (a new one each epoch). Default false: file order. */
  shuffle?: boolean;
  /** Seeds the shuffle and the augmentation (independent streams). Default 0. */
  seed?: number;
  /** Default 0. Changes the shuffle order and the augmentation, nothing else. */
  epoch?: number;
  /** Leave out a last batch smaller than batchSize. Default false. */
  dropLast?: boolean;
  /** Default: scale bytes to [0, 1] (value / 255), leave float values as they are. */
  normalization?: Normalization;
  /** Default: none. Needs image samples ([channels, height, width]). */
  augmentation?: Augmentation;
  /** Where the tensors go (a backend name or object). Default: the current backend. */
  backend?: CreationOptions['backend'];
}

export interface Batch {
  /** [N, ...sampleShape] float32: [N, C, H, W] for images, [N, D] for vectors. */
  images: Tensor<'float32'>;
  /** [N] int32 class indices. */
  labels: Tensor<'int32'>;
  /** The dataset index of each row, in order. */
  indices: Int32Array;
  /** 0, 1, ... within the epoch. */
  batchIndex: number;
}

/** Batches in one epoch: ceil(length / batchSize), or floor with dropLast. */
export function batchCount(dataset: Dataset, options: Pick<BatchOptions, 'batchSize' | 'dropLast'>): number {
  checkDataset('batchCount', dataset);
  const batchSize = checkPositiveInteger('batchCount', 'batchSize', options?.batchSize);
  const dropLast = checkBoolean('batchCount', 'dropLast', options.dropLast ?? false);
  return dropLast ? Math.floor(dataset.length / batchSize) : Math.ceil(dataset.length / batchSize);
}

/**
 * One epoch of batches. Options are checked when this is called (not at the first next()), so a
 * typo fails where it was written. Each batch's tensors are new; dispose them when done if the
 * backend holds memory outside the JS heap.
 */
export function batches(dataset: Dataset, options: BatchOptions): Generator<Batch, void, undefined> {
  const operation = 'batches';
  checkDataset(operation, dataset);
  if (typeof options !== 'object' || options === null) {
    throw new DatasetOptionsError(operation, 'options', options, '{ batchSize, shuffle?, seed?, epoch?, dropLast?, normalization?, augmentation? }');
  }
  const batchSize = checkPositiveInteger(operation, 'batchSize', options.batchSize);
  const shuffle = checkBoolean(operation, 'shuffle', options.shuffle ?? false);
  const seed = checkSeed(operation, options.seed ?? 0);
  const epoch = checkEpoch(operation, options.epoch ?? 0);
  const count = batchCount(dataset, { batchSize, dropLast: options.dropLast ?? false });
  const transform = resolveTransform(operation, dataset, { normalization: options.normalization, augmentation: options.augmentation, seed, epoch });
  const order = shuffle ? shuffledIndices(dataset.length, { seed, epoch }) : null;
  const creation = { backend: options.backend };
  return (function* generate(): Generator<Batch, void, undefined> {
    for (let batchIndex = 0; batchIndex < count; batchIndex++) {
      const start = batchIndex * batchSize;
      const size = Math.min(batchSize, dataset.length - start);
      const indices = new Int32Array(size);
      const labels = new Int32Array(size);
      const values = new Float32Array(size * dataset.sampleSize);
      for (let row = 0; row < size; row++) {
        const index = order === null ? start + row : order[start + row];
        indices[row] = index;
        labels[row] = dataset.labels[index];
        writeSample(dataset, index, transform, values, row * dataset.sampleSize);
      }
      yield {
        images: tensor(values, [size, ...dataset.sampleShape], { ...creation, dtype: 'float32' }),
        labels: tensor(labels, [size], { ...creation, dtype: 'int32' }),
        indices,
        batchIndex,
      };
    }
  })();
}
