/**
 * Counter-based random bits for stochastic rounding.
 *
 * The bits for element i are a pure function of (seed, counter = offset + i): no state is carried
 * from one element to the next, so a result never depends on how an array is split into chunks,
 * on the thread count or on the backend. The mixer is two rounds of a 32-bit integer hash
 * (xor-shift / multiply, the "lowbias32" constants of Chris Wellons' hash-prospector), keyed by
 * words derived from the seed and the high half of the counter. It needs only 32-bit multiplies,
 * shifts and xors, so SIMD kernels reproduce it bit for bit.
 */
import { QuantizeOptionsError } from './errors.js';

const TWO_32 = 4294967296;

/** The 32-bit mixing function (a bijection on uint32). */
export function mix32(x: number): number {
  x ^= x >>> 16;
  x = Math.imul(x, 0x21f0aaad);
  x ^= x >>> 15;
  x = Math.imul(x, 0x735a2d97);
  x ^= x >>> 15;
  return x >>> 0;
}

/** Per-stream keys: derived once per (seed, counterHigh), shared by 2^32 consecutive counters. */
export interface StreamKey {
  first: number;
  second: number;
}

export function streamKey(seed: number, counterHigh: number): StreamKey {
  const seedLow = seed >>> 0;
  const seedHigh = Math.floor(seed / TWO_32) >>> 0;
  const first = mix32(seedLow ^ mix32(seedHigh ^ 0x6a09e667) ^ Math.imul(counterHigh, 0x9e3779b9));
  const second = mix32(first ^ 0xbb67ae85);
  return { first, second };
}

/** 32 random bits for the low 32 bits of a counter under a stream key. */
export function bitsAt(first: number, second: number, counterLow: number): number {
  return mix32(mix32(counterLow ^ first) ^ second);
}

/** 32 random bits for (seed, counter); counter may be any non-negative safe integer. */
export function randomUint32(seed: number, counter: number): number {
  const key = streamKey(seed, Math.floor(counter / TWO_32));
  return bitsAt(key.first, key.second, counter >>> 0);
}

/**
 * Receives one run of elements [start, end) whose counters share a stream key: element j uses
 * `bitsAt(first, second, (low + j - start) >>> 0)`.
 */
export type RandomRunVisitor = (start: number, end: number, first: number, second: number, low: number) => void;

/**
 * Walks the counters offset .. offset + length - 1 of a seed in runs that share one stream key, so
 * a kernel derives the key once per run instead of once per element. The key changes only where
 * the counter crosses a multiple of 2^32 (rare), so there is almost always a single run. Every
 * stochastic kernel draws its bits through this walk, which keeps them chunking-invariant and
 * identical to each other.
 */
export function forEachRandomRun(seed: number, offset: number, length: number, visit: RandomRunVisitor): void {
  let start = 0;
  while (start < length) {
    const counter = offset + start;
    const high = Math.floor(counter / TWO_32);
    const low = counter - high * TWO_32;
    const end = start + Math.min(length - start, TWO_32 - low);
    const { first, second } = streamKey(seed, high);
    visit(start, end, first, second, low);
    start = end;
  }
}

/**
 * Fills `out` with the random words of counters offset .. offset + out.length - 1.
 * Handles the (rare) crossing of a 2^32 boundary of the counter.
 */
export function fillRandomUint32(seed: number, offset: number, out: Uint32Array): Uint32Array {
  forEachRandomRun(seed, offset, out.length, (start, end, first, second, low) => {
    for (let j = start; j < end; j++) out[j] = bitsAt(first, second, (low + j - start) >>> 0);
  });
  return out;
}

export function checkSeed(seed: number): number {
  if (!Number.isSafeInteger(seed) || seed < 0) {
    throw new QuantizeOptionsError('seed', seed, 'a non-negative safe integer');
  }
  return seed;
}

export function checkOffset(offset: number): number {
  if (!Number.isSafeInteger(offset) || offset < 0) {
    throw new QuantizeOptionsError('offset', offset, 'a non-negative safe integer');
  }
  return offset;
}
