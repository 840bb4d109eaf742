/**
 * What happens to a sample on its way into a batch: augmentation (random crop with zero padding,
 * horizontal flip) on the raw pixels, then normalization ((value * scale - mean[c]) / std[c]).
 * This is torchvision's usual order (RandomCrop, RandomHorizontalFlip, ToTensor, Normalize), so
 * padded pixels are raw 0 (black) and become -mean / std after normalization.
 *
 * Augmentation is deterministic per (seed, epoch, dataset index): the crop and flip of a sample
 * never depend on the batch size, the shuffle order or which other samples were drawn.
 */
import { checkDataset, type Dataset } from './dataset.js';
import { DatasetOptionsError, checkSeed } from './errors.js';
import { STREAMS, checkEpoch, epochBase, streamSeed, uniformOpen } from './random.js';

export interface Normalization {
  /** Multiplies raw values first. Default: 1/255 for byte datasets (so pixels land in [0, 1]), 1 for float datasets. */
  scale?: number;
  /** Subtracted after scaling: one value for every channel or one per channel. Default 0. */
  mean?: number | readonly number[];
  /** Divides after subtracting the mean: one value or one per channel, each > 0. Default 1. */
  std?: number | readonly number[];
}

export interface Augmentation {
  /** Pads each side with `padding` zero pixels, then crops the original size at a random offset. */
  randomCrop?: { padding: number };
  /** Mirrors left-right with probability 0.5 (true) or the given probability. */
  horizontalFlip?: boolean | { probability: number };
}

export interface SampleOptions {
  normalization?: Normalization;
  augmentation?: Augmentation;
  /** Seeds the augmentation (default 0). */
  seed?: number;
  /** Default 0: each epoch has different crops and flips. */
  epoch?: number;
}

/** Everything resolved and checked once per batch sequence. */
interface ResolvedTransform {
  channels: number;
  height: number;
  width: number;
  scale: number;
  mean: Float64Array;
  inverseStd: Float64Array;
  padding: number;
  flipProbability: number;
  seed: number;
  base: number;
}

/** Largest dataset index for augmentation: counters index * 4 + 0..2 stay below 2^32. */
const MAX_AUGMENTED_INDEX = 2 ** 30 - 1;

export function resolveTransform(operation: string, dataset: Dataset, options: SampleOptions): ResolvedTransform {
  const shape = dataset.sampleShape;
  const isImage = shape.length === 3;
  const channels = isImage ? shape[0] : 1;
  const normalization = options.normalization ?? {};
  const scale = normalization.scale ?? (dataset.values instanceof Uint8Array ? 1 / 255 : 1);
  if (typeof scale !== 'number' || !Number.isFinite(scale)) throw new DatasetOptionsError(operation, 'normalization.scale', scale, 'a finite number');
  const mean = perChannel(operation, 'normalization.mean', normalization.mean ?? 0, channels, (value) => Number.isFinite(value));
  const std = perChannel(operation, 'normalization.std', normalization.std ?? 1, channels, (value) => Number.isFinite(value) && value > 0);
  const augmentation = options.augmentation ?? {};
  const padding = augmentation.randomCrop === undefined ? 0 : augmentation.randomCrop.padding;
  if (!Number.isInteger(padding) || padding < 0) {
    throw new DatasetOptionsError(operation, 'augmentation.randomCrop.padding', padding, 'an integer >= 0 (pixels added on each side)');
  }
  const flip = augmentation.horizontalFlip ?? false;
  const flipProbability = flip === true ? 0.5 : flip === false ? 0 : flip.probability;
  if (typeof flipProbability !== 'number' || !(flipProbability >= 0 && flipProbability <= 1)) {
    throw new DatasetOptionsError(operation, 'augmentation.horizontalFlip', flip, 'true, false or { probability } with a probability in [0, 1]');
  }
  if ((padding > 0 || flipProbability > 0) && !isImage) {
    throw new DatasetOptionsError(operation, 'augmentation', augmentation, `images of shape [channels, height, width]; ${dataset.name} samples have shape [${shape.join(',')}]`);
  }
  return {
    channels,
    height: isImage ? shape[1] : 1,
    width: isImage ? shape[2] : dataset.sampleSize,
    scale,
    mean,
    inverseStd: std.map((value) => 1 / value),
    padding,
    flipProbability,
    seed: streamSeed(checkSeed(operation, options.seed ?? 0), STREAMS.augment),
    base: epochBase(checkEpoch(operation, options.epoch ?? 0)),
  };
}

function perChannel(operation: string, field: string, value: number | readonly number[], channels: number, valid: (value: number) => boolean): Float64Array {
  const values = typeof value === 'number' ? new Array<number>(channels).fill(value) : value;
  if (!Array.isArray(values) || values.length !== channels || !values.every((entry) => typeof entry === 'number' && valid(entry))) {
    throw new DatasetOptionsError(operation, field, value, `one number or ${channels} (one per channel)${field.endsWith('std') ? ', each > 0' : ''}`);
  }
  return Float64Array.from(values);
}

/**
 * Writes sample `index` of `dataset`, augmented and normalized, as float32 into `out` at
 * `outOffset` (sampleSize values in the sample's layout).
 */
export function writeSample(dataset: Dataset, index: number, transform: ResolvedTransform, out: Float32Array, outOffset: number): void {
  const { channels, height, width, scale, mean, inverseStd, padding, flipProbability } = transform;
  const source = dataset.values;
  const sourceOffset = index * dataset.sampleSize;
  const plane = height * width;
  if (padding === 0 && flipProbability === 0) {
    for (let channel = 0; channel < channels; channel++) {
      const shift = mean[channel];
      const factor = inverseStd[channel];
      const start = channel * plane;
      for (let offset = start; offset < start + plane; offset++) out[outOffset + offset] = (source[sourceOffset + offset] * scale - shift) * factor;
    }
    return;
  }
  if (index > MAX_AUGMENTED_INDEX) throw new DatasetOptionsError('augmentation', 'index', index, `at most ${MAX_AUGMENTED_INDEX}`);
  const counter = transform.base + index * 4;
  const span = 2 * padding + 1;
  const shiftY = Math.floor(uniformOpen(transform.seed, counter) * span) - padding;
  const shiftX = Math.floor(uniformOpen(transform.seed, counter + 1) * span) - padding;
  const flipped = uniformOpen(transform.seed, counter + 2) < flipProbability;
  for (let channel = 0; channel < channels; channel++) {
    const zero = (0 - mean[channel]) * inverseStd[channel];
    for (let y = 0; y < height; y++) {
      const sourceY = y + shiftY;
      const rowOut = outOffset + channel * plane + y * width;
      const rowIn = sourceOffset + channel * plane + sourceY * width;
      for (let x = 0; x < width; x++) {
        // Crop first, then flip the crop: output (y, x) reads padded (y + oy, (W - 1 - x) + ox).
        const sourceX = (flipped ? width - 1 - x : x) + shiftX;
        out[rowOut + x] =
          sourceY < 0 || sourceY >= height || sourceX < 0 || sourceX >= width ? zero : (source[rowIn + sourceX] * scale - mean[channel]) * inverseStd[channel];
      }
    }
  }
}

/**
 * The samples at `indices`, augmented and normalized, as one float32 array (row after row):
 * what `batches` puts into each images tensor, without the tensor.
 */
export function gatherSamples(dataset: Dataset, indices: ArrayLike<number>, options: SampleOptions = {}): Float32Array {
  const operation = 'gatherSamples';
  checkDataset(operation, dataset);
  const transform = resolveTransform(operation, dataset, options);
  const out = new Float32Array(indices.length * dataset.sampleSize);
  for (let position = 0; position < indices.length; position++) {
    const index = indices[position];
    if (!Number.isInteger(index) || index < 0 || index >= dataset.length) {
      throw new DatasetOptionsError(operation, `indices[${position}]`, index, `an integer in [0, ${dataset.length - 1}]`);
    }
    writeSample(dataset, index, transform, out, position * dataset.sampleSize);
  }
  return out;
}

export interface ChannelStatistics {
  mean: number[];
  std: number[];
}

/**
 * Mean and (population) standard deviation per channel of the scaled values (scale default as in
 * Normalization), over every sample: pass them as `normalization` to standardize inputs. MNIST
 * train gives mean 0.1307, std 0.3081. Accumulated in float64.
 */
export function channelStatistics(dataset: Dataset, options: { scale?: number } = {}): ChannelStatistics {
  checkDataset('channelStatistics', dataset);
  const scale = options.scale ?? (dataset.values instanceof Uint8Array ? 1 / 255 : 1);
  if (typeof scale !== 'number' || !Number.isFinite(scale)) throw new DatasetOptionsError('channelStatistics', 'scale', scale, 'a finite number');
  const channels = dataset.sampleShape.length === 3 ? dataset.sampleShape[0] : 1;
  const plane = dataset.sampleSize / channels;
  const sums = new Float64Array(channels);
  const squares = new Float64Array(channels);
  const values = dataset.values;
  for (let sample = 0; sample < dataset.length; sample++) {
    for (let channel = 0; channel < channels; channel++) {
      const start = sample * dataset.sampleSize + channel * plane;
      let sum = 0;
      let square = 0;
      for (let offset = start; offset < start + plane; offset++) {
        const value = values[offset];
        sum += value;
        square += value * value;
      }
      sums[channel] += sum;
      squares[channel] += square;
    }
  }
  const count = dataset.length * plane;
  const mean = Array.from(sums, (sum) => (sum / count) * scale);
  const std = Array.from(squares, (square, channel) => Math.sqrt(Math.max(0, square / count - (sums[channel] / count) ** 2)) * Math.abs(scale));
  return { mean, std };
}
