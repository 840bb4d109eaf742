/**
 * Inputs and cases shared by the quantize benchmarks (src/float/quantize.bench.ts and
 * scripts/bench-quantize.ts), so that the vitest bench and the README table measure the same thing.
 */
import { fixedPointFormat } from '../fixed/index.js';
import { randomUint32 } from '../random.js';
import type { ElementFormat, QuantizeOptions } from '../types.js';
import { floatFormat } from './index.js';

export const BENCH_LENGTH = 1 << 24;

/**
 * `length` seeded values N(0,1) · 2^k, k uniform in -4..4: most values are ordinary normals of the
 * 8-bit targets, a few percent land in their subnormal range, as in real weights and activations.
 */
export function benchInput(length: number = BENCH_LENGTH, seed = 1): Float32Array {
  const values = new Float32Array(length);
  let counter = 0;
  const uniform = () => (randomUint32(seed, counter++) + 0.5) / 4294967296;
  for (let i = 0; i < length; i += 2) {
    // Box-Muller: two normals from two uniforms in (0, 1).
    const radius = Math.sqrt(-2 * Math.log(uniform()));
    const angle = 2 * Math.PI * uniform();
    const scale = 2 ** ((randomUint32(seed, counter++) % 9) - 4);
    values[i] = radius * Math.cos(angle) * scale;
    if (i + 1 < length) values[i + 1] = radius * Math.sin(angle) * scale;
  }
  return values;
}

export interface BenchCase {
  name: string;
  format: ElementFormat;
  options: QuantizeOptions;
}

export function benchCases(): BenchCase[] {
  const e4m3fn = floatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'fn' });
  const bfloat16 = floatFormat({ exponentBits: 8, mantissaBits: 7 });
  const fixed12 = fixedPointFormat({ wordBits: 12, fractionBits: 8 });
  return [
    { name: 'float8_e4m3fn nearest-even', format: e4m3fn, options: { rounding: 'nearest-even' } },
    { name: 'float8_e4m3fn stochastic', format: e4m3fn, options: { rounding: 'stochastic', seed: 7 } },
    { name: 'bfloat16 nearest-even', format: bfloat16, options: { rounding: 'nearest-even' } },
    { name: 'fixed <12,8> nearest-even', format: fixed12, options: { rounding: 'nearest-even' } },
  ];
}

/** One timed call: the arrays are parameters, so V8 cannot specialise the call site on them. */
export function quantizeInto(format: ElementFormat, input: Float32Array, out: Float32Array, options: QuantizeOptions): void {
  format.quantize(input, { ...options, out });
}

/** The memcpy reference measured in the same run. */
export function copyInto(input: Float32Array, out: Float32Array): void {
  out.set(input);
}
