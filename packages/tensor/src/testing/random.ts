/**
 * Seeded numbers for conformance cases, drawn from @lowbit/formats' counter-based generator so a
 * case sees the same inputs on every backend, machine and run.
 */
import { randomUint32 } from '@lowbit/formats';

const TWO_32 = 4294967296;

/** A stream of seeded random numbers: element n of the stream is a pure function of (seed, n). */
export class SeededRandom {
  private counter = 0;
  constructor(readonly seed: number) {}

  /** Uniform in [0, 1), 32 random bits. */
  next(): number {
    return randomUint32(this.seed, this.counter++) / TWO_32;
  }

  /** Uniform in [low, high). */
  uniform(low = 0, high = 1): number {
    return low + (high - low) * this.next();
  }

  /** A uniformly chosen integer in [low, high] (inclusive). */
  integer(low: number, high: number): number {
    return low + Math.min(high - low, Math.floor(this.next() * (high - low + 1)));
  }

  /** Standard normal (Box-Muller). */
  normal(): number {
    const u = 1 - this.next();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  /** A random element of a list. */
  pick<T>(items: readonly T[]): T {
    return items[this.integer(0, items.length - 1)];
  }

  /** A random shape of the given rank with dimensions in [low, high]. */
  shape(rank: number, low = 1, high = 5): number[] {
    return Array.from({ length: rank }, () => this.integer(low, high));
  }

  /** `length` uniform values in [low, high), rounded to float32. */
  values(length: number, low = -1, high = 1): Float32Array {
    const out = new Float32Array(length);
    for (let i = 0; i < length; i++) out[i] = this.uniform(low, high);
    return out;
  }
}

/** A 31-bit seed from a string (FNV-1a), so every case name has its own stream. */
export function seedFromName(name: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    hash ^= name.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) & 0x7fffffff;
}
