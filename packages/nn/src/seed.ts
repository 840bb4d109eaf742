/**
 * Default seeds of layers. Every random choice of a layer (initial weights, dropout masks,
 * stochastic rounding of stored weights) comes from its `seed`. A layer made without one takes the
 * next seed of a process-wide sequence, as PyTorch layers draw from the global generator: two
 * layers of the same shape then start from different weights, and a program that builds its model
 * in the same order gets the same weights every run. `manualSeed(n)` restarts the sequence
 * (torch.manual_seed). Give layers explicit seeds when the construction order may change.
 */
import { ArgumentError } from '@lowbit/tensor';
import { randomUint32 } from '@lowbit/formats';

let sequenceSeed = 0;
let counter = 0;

/** Restarts the sequence of default layer seeds from `seed`. */
export function manualSeed(seed: number): void {
  checkLayerSeed('manualSeed', seed);
  sequenceSeed = seed;
  counter = 0;
}

/** The next default layer seed: word `counter` of the generator keyed by the manual seed. */
export function nextSeed(): number {
  return randomUint32(sequenceSeed, counter++);
}

/** Checks a seed option (a non-negative safe integer, the generator's key). */
export function checkLayerSeed(op: string, seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new ArgumentError(op, 'seed', seed, 'a non-negative safe integer');
  }
  return seed;
}
