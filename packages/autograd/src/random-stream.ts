/**
 * Streams of stochastic-rounding counters. @lowbit/formats draws the random bits of element i from
 * (seed, offset + i) with a counter-based generator, so a stream is just a seed and a position:
 * each call takes `count` consecutive counters and advances by `count`. Element i of the n-th
 * value ever rounded by a stream therefore uses counter n (docs/decisions/0006): distinct for
 * every element of every step, reproducible, and independent of chunking and thread count.
 */
import { ArgumentError } from '@lowbit/tensor';
import { randomUint32 } from '@lowbit/formats';

export class RandomStream {
  constructor(
    /** Key of the generator (a non-negative safe integer). */
    readonly seed: number,
    /** Counter of the next value to round. */
    public position = 0,
  ) {}

  /** Offset for `count` values, then advances past them. */
  take(count: number): number {
    const offset = this.position;
    this.position += count;
    return offset;
  }
}

/** Checks a user seed (a non-negative safe integer, the generator's key). */
export function checkSeed(op: string, field: string, seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new ArgumentError(op, field, seed, 'a non-negative safe integer');
  }
  return seed;
}

/**
 * A seed for one named stream of a seeded object (a quantization point's forward side, ...):
 * 32 bits of the generator at (seed, hash(label)), so two streams of one object never share bits
 * and a user seed of 1 does not collide with the backward stream of seed 0.
 */
export function deriveSeed(seed: number, label: string): number {
  return randomUint32(seed, hashLabel(label));
}

/** FNV-1a of a string, 31 bits: a default seed from a name. */
export function hashLabel(label: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < label.length; i++) {
    hash ^= label.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) & 0x7fffffff;
}
