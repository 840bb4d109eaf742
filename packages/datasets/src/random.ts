/**
 * Seeded randomness for shuffling, augmentation and synthetic data, built on @lowbit/formats'
 * counter-based generator: a random word is a pure function of (seed, counter), so the order of
 * epoch 7 or the crop of sample 123 can be computed without replaying anything before it.
 *
 * Each purpose draws from its own stream (a seed derived from the user's seed and a stream
 * number), so shuffling and augmentation with the same seed are independent. Inside a stream the
 * counter is epoch * 2^32 + position: the high half (the epoch) selects the generator's stream key,
 * the low half the element, which allows epochs up to 2^21 - 1 with counters staying exact.
 */
import { randomUint32 } from '@lowbit/formats';
import { DatasetOptionsError } from './errors.js';

const TWO_32 = 4294967296;
/** Epochs are limited so that epoch * 2^32 + 2^32 - 1 stays a safe integer. */
export const MAX_EPOCH = 2 ** 21 - 1;

/** Stream numbers: one per purpose, never reused for another. */
export const STREAMS = {
  shuffle: 1,
  augment: 2,
  blobCenters: 3,
  blobSamples: 4,
  imageTemplates: 5,
  imageSamples: 6,
} as const;

/** The seed of one purpose's stream (counter 2^52 + stream is never used by a stream itself). */
export function streamSeed(seed: number, stream: number): number {
  const high = randomUint32(seed, 2 ** 52 + 2 * stream);
  const low = randomUint32(seed, 2 ** 52 + 2 * stream + 1);
  // 53 bits, so seeds beyond 2^32 stay distinct after derivation.
  return (high >>> 11) * TWO_32 + low;
}

/** The first counter of an epoch's block. */
export function epochBase(epoch: number): number {
  return epoch * TWO_32;
}

/** A uniform double in [0, 1) with 53 random bits, from counters 2k and 2k + 1. */
export function uniform53(seed: number, base: number, k: number): number {
  const high = randomUint32(seed, base + 2 * k) >>> 5;
  const low = randomUint32(seed, base + 2 * k + 1) >>> 6;
  return (high * 67108864 + low) / 9007199254740992;
}

/** A uniform double in (0, 1) from one 32-bit word: never 0, so log() is safe. */
export function uniformOpen(seed: number, counter: number): number {
  return (randomUint32(seed, counter) + 0.5) / TWO_32;
}

/** A standard normal value (Box-Muller) from counters 2k and 2k + 1. */
export function standardNormal(seed: number, base: number, k: number): number {
  const radius = Math.sqrt(-2 * Math.log(uniformOpen(seed, base + 2 * k)));
  return radius * Math.cos(2 * Math.PI * uniformOpen(seed, base + 2 * k + 1));
}

export function checkEpoch(operation: string, epoch: unknown): number {
  if (typeof epoch !== 'number' || !Number.isInteger(epoch) || epoch < 0 || epoch > MAX_EPOCH) {
    throw new DatasetOptionsError(operation, 'epoch', epoch, `an integer in [0, ${MAX_EPOCH}]`, 'count epochs from 0');
  }
  return epoch;
}
