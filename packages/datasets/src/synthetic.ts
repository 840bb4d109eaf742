/**
 * Synthetic datasets, so tests and quick experiments need no downloaded data: separable Gaussian
 * blobs (vectors) and tiny images (noisy class templates). Both are pure functions of their options:
 * the same seed gives the same values everywhere, and the train and test splits draw different
 * samples around the same class centers / templates.
 */
import { createDataset, type Dataset, type DatasetSplit } from './dataset.js';
import { DatasetOptionsError, checkPositiveInteger, checkSeed, checkSplit } from './errors.js';
import { STREAMS, epochBase, standardNormal, streamSeed, uniformOpen } from './random.js';

/** Counters of one sample value are 2k and 2k + 1 with k below 2^31. */
const MAX_VALUES = 2 ** 31 - 1;

export interface GaussianBlobsOptions {
  /** Number of classes (blobs), 1..256. */
  classes: number;
  dimensions: number;
  /** Total samples; labels cycle 0, 1, ..., classes - 1, 0, ... so classes are balanced. */
  samples: number;
  /**
   * Distance between class centers in units of the blobs' standard deviation (1 per dimension).
   * 6 or more gives nearly perfectly separable classes; 1 heavily overlapping ones.
   */
  separation: number;
  seed: number;
  /** Default 'train'. Test samples are fresh draws around the same centers. */
  split?: DatasetSplit;
}

/**
 * Classes drawn from N(center_c, I). Centers lie at distance separation / sqrt(2) from the origin:
 * at +r e_0, -r e_0, +r e_1, -r e_1, ... when classes <= 2 * dimensions (so every pair is at least
 * `separation` apart: exactly on different axes, sqrt(2) times more on one axis), in random
 * directions otherwise (pairs `separation` apart on average, some closer). sampleShape
 * [dimensions], Float32Array values.
 */
export function gaussianBlobs(options: GaussianBlobsOptions): Dataset {
  const operation = 'gaussianBlobs';
  const classes = checkClasses(operation, options?.classes);
  const dimensions = checkPositiveInteger(operation, 'dimensions', options.dimensions);
  const samples = checkPositiveInteger(operation, 'samples', options.samples);
  const split = checkSplit(operation, options.split ?? 'train');
  const seed = checkSeed(operation, options.seed);
  const separation = options.separation;
  if (typeof separation !== 'number' || !Number.isFinite(separation) || separation < 0) {
    throw new DatasetOptionsError(operation, 'separation', separation, 'a finite number >= 0 (distance between centers in standard deviations)');
  }
  checkValueCount(operation, samples, dimensions);
  const radius = separation / Math.SQRT2;
  const centers = new Float64Array(classes * dimensions);
  const centerSeed = streamSeed(seed, STREAMS.blobCenters);
  for (let label = 0; label < classes; label++) {
    const center = centers.subarray(label * dimensions, (label + 1) * dimensions);
    if (classes <= 2 * dimensions) center[label >> 1] = label % 2 === 0 ? radius : -radius;
    else {
      let norm = 0;
      for (let axis = 0; axis < dimensions; axis++) {
        center[axis] = standardNormal(centerSeed, 0, label * dimensions + axis);
        norm += center[axis] * center[axis];
      }
      const scale = radius / Math.sqrt(norm);
      for (let axis = 0; axis < dimensions; axis++) center[axis] *= scale;
    }
  }
  const sampleSeed = streamSeed(seed, STREAMS.blobSamples);
  const base = epochBase(split === 'train' ? 0 : 1);
  const values = new Float32Array(samples * dimensions);
  const labels = new Uint8Array(samples);
  for (let sample = 0; sample < samples; sample++) {
    const label = sample % classes;
    labels[sample] = label;
    for (let axis = 0; axis < dimensions; axis++) {
      const k = sample * dimensions + axis;
      values[k] = centers[label * dimensions + axis] + standardNormal(sampleSeed, base, k);
    }
  }
  return createDataset({ name: 'gaussian-blobs', split, sampleShape: [dimensions], values, labels, classCount: classes });
}

export interface SyntheticImagesOptions {
  /** Default 4. */
  classes?: number;
  /** Default 1. */
  channels?: number;
  /** Default 8. */
  height?: number;
  /** Default 8. */
  width?: number;
  /** Default 256; labels cycle 0, 1, ..., classes - 1, 0, ... */
  samples?: number;
  /** Standard deviation of the pixel noise as a fraction of the 0..255 range. Default 0.2. */
  noise?: number;
  seed: number;
  /** Default 'train'. Test images are fresh noise around the same templates. */
  split?: DatasetSplit;
}

/**
 * Tiny images of [channels, height, width] bytes, like MNIST or CIFAR in miniature: each class
 * has a random template (pixels uniform in 0..255) and each image is its class template plus
 * Gaussian noise, rounded and clamped to 0..255. A small conv net or MLP separates the classes
 * in a few steps, which is what tests of training loops need.
 */
export function syntheticImages(options: SyntheticImagesOptions): Dataset {
  const operation = 'syntheticImages';
  const classes = checkClasses(operation, options?.classes ?? 4);
  const channels = checkPositiveInteger(operation, 'channels', options.channels ?? 1);
  const height = checkPositiveInteger(operation, 'height', options.height ?? 8);
  const width = checkPositiveInteger(operation, 'width', options.width ?? 8);
  const samples = checkPositiveInteger(operation, 'samples', options.samples ?? 256);
  const split = checkSplit(operation, options.split ?? 'train');
  const seed = checkSeed(operation, options.seed);
  const noise = options.noise ?? 0.2;
  if (typeof noise !== 'number' || !Number.isFinite(noise) || noise < 0) {
    throw new DatasetOptionsError(operation, 'noise', noise, 'a finite number >= 0 (fraction of the 0..255 range)');
  }
  const imageSize = channels * height * width;
  checkValueCount(operation, samples, imageSize);
  const templateSeed = streamSeed(seed, STREAMS.imageTemplates);
  const templates = new Float64Array(classes * imageSize);
  for (let index = 0; index < templates.length; index++) templates[index] = Math.floor(uniformOpen(templateSeed, index) * 256);
  const sampleSeed = streamSeed(seed, STREAMS.imageSamples);
  const base = epochBase(split === 'train' ? 0 : 1);
  const values = new Uint8Array(samples * imageSize);
  const labels = new Uint8Array(samples);
  const spread = noise * 255;
  for (let sample = 0; sample < samples; sample++) {
    const label = sample % classes;
    labels[sample] = label;
    for (let pixel = 0; pixel < imageSize; pixel++) {
      const k = sample * imageSize + pixel;
      const value = Math.round(templates[label * imageSize + pixel] + spread * standardNormal(sampleSeed, base, k));
      values[k] = value < 0 ? 0 : value > 255 ? 255 : value;
    }
  }
  return createDataset({ name: 'synthetic-images', split, sampleShape: [channels, height, width], values, labels, classCount: classes });
}

function checkClasses(operation: string, classes: unknown): number {
  if (typeof classes !== 'number' || !Number.isInteger(classes) || classes < 1 || classes > 256) {
    throw new DatasetOptionsError(operation, 'classes', classes, 'an integer in [1, 256]');
  }
  return classes;
}

function checkValueCount(operation: string, samples: number, perSample: number): void {
  if (samples * perSample > MAX_VALUES) {
    const most = Math.floor(MAX_VALUES / perSample);
    throw new DatasetOptionsError(operation, 'samples', samples, `at most ${most} with ${perSample} values per sample (${MAX_VALUES} values in all)`);
  }
}
