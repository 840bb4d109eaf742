/**
 * Batches of one epoch, addressable by index. @lowbit/datasets' shuffle and augmentation are pure
 * functions of (seed, epoch, sample index), so batch b of epoch e can be built directly: a run
 * resumed at (e, b) sees exactly the batches an uninterrupted run sees, without replaying the
 * epoch's earlier batches. The values are those `batches()` yields (same `gatherSamples` code).
 */
import { tensor, type Tensor, type CreationOptions } from '@lowbit/tensor';
import { gatherSamples, shuffledIndices, type Augmentation, type Dataset, type Normalization } from '@lowbit/datasets';

export interface EpochPlanOptions {
  batchSize: number;
  shuffle: boolean;
  seed: number;
  epoch: number;
  dropLast: boolean;
  normalization?: Normalization;
  augmentation?: Augmentation;
  backend?: CreationOptions['backend'];
}

export interface TrainingBatch {
  images: Tensor;
  labels: Tensor;
  /** Labels as numbers, for accuracy without a download. */
  labelValues: Int32Array;
  size: number;
}

export class EpochPlan {
  readonly batchCount: number;
  private readonly order: Int32Array | null;

  constructor(
    readonly dataset: Dataset,
    readonly options: EpochPlanOptions,
  ) {
    const { batchSize, dropLast } = options;
    this.batchCount = dropLast ? Math.floor(dataset.length / batchSize) : Math.ceil(dataset.length / batchSize);
    this.order = options.shuffle ? shuffledIndices(dataset.length, { seed: options.seed, epoch: options.epoch }) : null;
  }

  /** Batch `index` (0-based) of the epoch. */
  batch(index: number): TrainingBatch {
    const { dataset, options } = this;
    const start = index * options.batchSize;
    const size = Math.min(options.batchSize, dataset.length - start);
    const indices = new Int32Array(size);
    const labelValues = new Int32Array(size);
    for (let row = 0; row < size; row++) {
      const sample = this.order === null ? start + row : this.order[start + row];
      indices[row] = sample;
      labelValues[row] = dataset.labels[sample];
    }
    const values = gatherSamples(dataset, indices, { normalization: options.normalization, augmentation: options.augmentation, seed: options.seed, epoch: options.epoch });
    return {
      images: tensor(values, [size, ...dataset.sampleShape], { backend: options.backend, dtype: 'float32' }),
      labels: tensor(labelValues, [size], { backend: options.backend, dtype: 'int32' }),
      labelValues,
      size,
    };
  }
}

/**
 * Lets the event loop run (timers, I/O, and the FinalizationRegistry callbacks that free wasm
 * tensors, which are tasks: awaiting only resolved promises never runs them).
 */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => (typeof setImmediate === 'function' ? setImmediate(resolve) : setTimeout(resolve, 0)));
}
