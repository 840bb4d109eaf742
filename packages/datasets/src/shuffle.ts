/**
 * Seeded shuffling: Fisher-Yates driven by counter-based random numbers. The order of an epoch
 * depends only on (seed, epoch, length): the same on every machine and run, whatever was computed
 * before, so a run resumed at epoch 12 sees exactly the order it would have seen.
 */
import { DatasetOptionsError, checkSeed } from './errors.js';
import { STREAMS, checkEpoch, epochBase, streamSeed, uniform53 } from './random.js';

export interface ShuffleOptions {
  seed: number;
  /** Default 0. Each epoch has its own order. */
  epoch?: number;
}

/** Largest length: position i draws counters 2i and 2i + 1 below 2^32. */
const MAX_LENGTH = 2 ** 31 - 1;

/**
 * A permutation of 0 .. length - 1. Step i (from the end) swaps position i with a position j
 * uniform in [0, i], drawn with 53 random bits from counter 2i of the epoch's block, so the bias of
 * j is below 2^-22 even for 2^31 items.
 */
export function shuffledIndices(length: number, options: ShuffleOptions): Int32Array {
  const operation = 'shuffledIndices';
  if (!Number.isInteger(length) || length < 0 || length > MAX_LENGTH) {
    throw new DatasetOptionsError(operation, 'length', length, `an integer in [0, ${MAX_LENGTH}]`);
  }
  const seed = streamSeed(checkSeed(operation, options?.seed), STREAMS.shuffle);
  const base = epochBase(checkEpoch(operation, options.epoch ?? 0));
  const order = new Int32Array(length);
  for (let index = 0; index < length; index++) order[index] = index;
  for (let index = length - 1; index > 0; index--) {
    const other = Math.floor(uniform53(seed, base, index) * (index + 1));
    const value = order[index];
    order[index] = order[other];
    order[other] = value;
  }
  return order;
}
