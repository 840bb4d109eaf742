/**
 * The Dataset contract: every sample's values in one contiguous typed array plus one label per
 * sample. Contiguous arrays (rather than an array of samples) keep MNIST at 47 MB instead of
 * hundreds of MB of JS objects, load in tens of milliseconds, and let batching copy rows directly.
 */
import { DatasetOptionsError, checkPositiveInteger } from './errors.js';

export type DatasetSplit = 'train' | 'test';

/** Pixel bytes (0..255, what the image files store) or real values (synthetic vectors). */
export type SampleValues = Uint8Array | Float32Array;

export interface Sample {
  /** A view (not a copy) of the sample's values, laid out as `sampleShape`. */
  values: SampleValues;
  label: number;
}

export interface Dataset {
  /** 'mnist', 'fashion-mnist', 'cifar10', 'gaussian-blobs', 'synthetic-images', ... */
  readonly name: string;
  readonly split: DatasetSplit;
  /** Number of samples. */
  readonly length: number;
  /**
   * Shape of one sample: [channels, height, width] for images (channel-major, row-major inside
   * a channel, as the tensors' NCHW layout), [dimensions] for vector data such as gaussianBlobs.
   */
  readonly sampleShape: readonly number[];
  /** Product of sampleShape: the values per sample. */
  readonly sampleSize: number;
  /** length * sampleSize values, sample i at [i * sampleSize, (i + 1) * sampleSize). */
  readonly values: SampleValues;
  /** One label per sample, each in [0, classCount). */
  readonly labels: Uint8Array;
  readonly classCount: number;
  /** Human-readable class names, classCount of them. */
  readonly classNames: readonly string[];
  /** Sample i as a view of `values` and its label. */
  get(index: number): Sample;
}

export interface DatasetDefinition {
  name: string;
  split: DatasetSplit;
  sampleShape: readonly number[];
  values: SampleValues;
  labels: Uint8Array;
  classCount: number;
  /** Default: '0', '1', ... */
  classNames?: readonly string[];
}

class ArrayDataset implements Dataset {
  readonly name: string;
  readonly split: DatasetSplit;
  readonly length: number;
  readonly sampleShape: readonly number[];
  readonly sampleSize: number;
  readonly values: SampleValues;
  readonly labels: Uint8Array;
  readonly classCount: number;
  readonly classNames: readonly string[];

  constructor(definition: DatasetDefinition, sampleSize: number) {
    this.name = definition.name;
    this.split = definition.split;
    this.length = definition.labels.length;
    this.sampleShape = Object.freeze([...definition.sampleShape]);
    this.sampleSize = sampleSize;
    this.values = definition.values;
    this.labels = definition.labels;
    this.classCount = definition.classCount;
    this.classNames = Object.freeze([...(definition.classNames ?? Array.from({ length: definition.classCount }, (_, label) => String(label)))]);
  }

  get(index: number): Sample {
    if (!Number.isInteger(index) || index < 0 || index >= this.length) {
      throw new DatasetOptionsError(`${this.name} (${this.split}).get`, 'index', index, `an integer in [0, ${this.length - 1}]`);
    }
    const start = index * this.sampleSize;
    return { values: this.values.subarray(start, start + this.sampleSize), label: this.labels[index] };
  }

  toString(): string {
    return `Dataset(${this.name} ${this.split}: ${this.length} x [${this.sampleShape.join(',')}], ${this.classCount} classes)`;
  }
}

/**
 * A Dataset over arrays the caller owns (they are not copied). Checks that the sizes agree and
 * that every label is below classCount, so a bad label fails here and not as a wrong loss later.
 */
export function createDataset(definition: DatasetDefinition): Dataset {
  const operation = 'createDataset';
  const { sampleShape, values, labels, classCount } = definition;
  if (!Array.isArray(sampleShape) || sampleShape.length === 0 || !sampleShape.every((size) => Number.isSafeInteger(size) && size > 0)) {
    throw new DatasetOptionsError(operation, 'sampleShape', sampleShape, 'a non-empty array of positive integers, e.g. [1, 28, 28]');
  }
  if (!(values instanceof Uint8Array) && !(values instanceof Float32Array)) {
    throw new DatasetOptionsError(operation, 'values', values, 'a Uint8Array or a Float32Array');
  }
  if (!(labels instanceof Uint8Array)) throw new DatasetOptionsError(operation, 'labels', labels, 'a Uint8Array');
  checkPositiveInteger(operation, 'classCount', classCount);
  if (classCount > 256) throw new DatasetOptionsError(operation, 'classCount', classCount, 'at most 256 (labels are bytes)');
  const sampleSize = sampleShape.reduce((product, size) => product * size, 1);
  if (values.length !== labels.length * sampleSize) {
    throw new DatasetOptionsError(
      operation,
      'values',
      values,
      `${labels.length * sampleSize} values (${labels.length} labels x ${sampleSize} per sample of shape [${sampleShape.join(',')}])`,
    );
  }
  const largest = maximumLabel(labels);
  if (largest >= classCount) {
    throw new DatasetOptionsError(operation, 'labels', `label ${largest} at index ${labels.indexOf(largest)}`, `labels in [0, ${classCount - 1}]`);
  }
  if (definition.classNames !== undefined && definition.classNames.length !== classCount) {
    throw new DatasetOptionsError(operation, 'classNames', definition.classNames, `${classCount} names, one per class`);
  }
  return new ArrayDataset(definition, sampleSize);
}

function maximumLabel(labels: Uint8Array): number {
  let largest = 0;
  for (let index = 0; index < labels.length; index++) if (labels[index] > largest) largest = labels[index];
  return largest;
}

/**
 * The samples at `indices` (in that order) as a new dataset with copied arrays: a quick way to
 * train on the first 1000 images, or to hold out a validation set.
 */
export function subset(dataset: Dataset, indices: ArrayLike<number>, options: { name?: string } = {}): Dataset {
  const count = indices.length;
  const values = new (dataset.values.constructor as Uint8ArrayConstructor | Float32ArrayConstructor)(count * dataset.sampleSize);
  const labels = new Uint8Array(count);
  for (let position = 0; position < count; position++) {
    const index = indices[position];
    if (!Number.isInteger(index) || index < 0 || index >= dataset.length) {
      throw new DatasetOptionsError('subset', `indices[${position}]`, index, `an integer in [0, ${dataset.length - 1}]`);
    }
    values.set(dataset.values.subarray(index * dataset.sampleSize, (index + 1) * dataset.sampleSize), position * dataset.sampleSize);
    labels[position] = dataset.labels[index];
  }
  return createDataset({ ...datasetDefinition(dataset), name: options.name ?? dataset.name, values, labels });
}

/** The first `count` samples (all of them if there are fewer). */
export function take(dataset: Dataset, count: number): Dataset {
  checkPositiveInteger('take', 'count', count);
  return subset(dataset, Array.from({ length: Math.min(count, dataset.length) }, (_, index) => index));
}

/** How many samples each class has: counts[label]. */
export function labelCounts(dataset: Pick<Dataset, 'labels' | 'classCount'>): number[] {
  const counts = new Array<number>(dataset.classCount).fill(0);
  for (let index = 0; index < dataset.labels.length; index++) counts[dataset.labels[index]]++;
  return counts;
}

/** The fields createDataset needs, taken from an existing dataset. */
export function datasetDefinition(dataset: Dataset): DatasetDefinition {
  return {
    name: dataset.name,
    split: dataset.split,
    sampleShape: dataset.sampleShape,
    values: dataset.values,
    labels: dataset.labels,
    classCount: dataset.classCount,
    classNames: dataset.classNames,
  };
}

/** Checks that something passed as a dataset has the contract's fields (JS callers, typos). */
export function checkDataset(operation: string, dataset: unknown): Dataset {
  const candidate = dataset as Partial<Dataset> | undefined;
  if (
    typeof candidate !== 'object' ||
    candidate === null ||
    !(candidate.values instanceof Uint8Array || candidate.values instanceof Float32Array) ||
    !(candidate.labels instanceof Uint8Array) ||
    !Array.isArray(candidate.sampleShape)
  ) {
    throw new DatasetOptionsError(operation, 'dataset', dataset, 'a Dataset (from loadMnist, createDataset, gaussianBlobs, ...)');
  }
  return candidate as Dataset;
}
