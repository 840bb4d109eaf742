import {
  binaryFormat,
  blockFormat,
  fixedPointFormat,
  floatFormat,
  mxFormat,
  ROUNDINGS,
  scaledFormat,
  type ElementFormat,
  type TensorFormat,
  type TensorQuantizeOptions,
} from '@lowbit/formats';
import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../testing/random.js';
import { quantizeKernels } from './quantize.js';
import { wrap } from './storage.js';

const float8 = floatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'fn' });
const formats: (ElementFormat | TensorFormat)[] = [
  float8,
  floatFormat({ exponentBits: 8, mantissaBits: 7 }), // bfloat16
  floatFormat({ exponentBits: 5, mantissaBits: 2 }), // float8_e5m2, ieee specials
  fixedPointFormat({ wordBits: 8, fractionBits: 4 }),
  binaryFormat({ scale: 0.5 }),
  scaledFormat({ element: float8, granularity: 'channel', axis: 0 }),
  blockFormat({ element: float8, blockSize: 4, scale: 'e8m0', axis: 0 }),
  mxFormat('mxfp4_e2m1'),
];

/** Values spanning normal, subnormal, overflowing and special inputs of the formats above. */
function inputs(random: SeededRandom, length: number): Float32Array {
  const values = new Float32Array(length);
  for (let i = 0; i < length; i++) values[i] = random.normal() * 2 ** random.integer(-12, 10);
  values.set([0, -0, Infinity, -Infinity, NaN, 448, 464, -1e-9].slice(0, length));
  return values;
}

const bits = (values: Float32Array) => Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));

describe('reference quantize', () => {
  const random = new SeededRandom(3);
  const shape = [6, 10];

  for (const format of formats) {
    it(`equals ${format.name}.quantize bit for bit in every rounding mode`, () => {
      for (const rounding of ROUNDINGS) {
        for (const [seed, offset, randomBits] of [[0, 0, 32], [12345, 77, 32], [9, 1000, 3]]) {
          const values = inputs(random, 60);
          const before = bits(values);
          const options = { rounding, seed, offset, randomBits };
          const expected = 'element' in format ? format.quantize(values, { ...options, shape }) : format.quantize(values, options);
          const result = quantizeKernels.quantize(wrap(values, shape), { format, ...options });
          expect(result.shape).toEqual(shape);
          expect(bits(result.handle as Float32Array)).toEqual(bits(expected));
          expect(bits(values)).toEqual(before); // the input tensor is never modified
          if (rounding !== 'stochastic') break; // seed, offset and random bits only matter for stochastic
        }
      }
    });
  }

  it('gives tensor formats the shape (block scales along axis 0 depend on it)', () => {
    const format = blockFormat({ element: float8, blockSize: 2, scale: 'e8m0', axis: 0 });
    const values = Float32Array.from([1, 1000, 1, 1000, 1, 1000]);
    const asColumns = quantizeKernels.quantize(wrap(values, [2, 3]), { format, rounding: 'nearest-even', seed: 0, offset: 0, randomBits: 32 });
    const asRow = quantizeKernels.quantize(wrap(values, [6, 1]), { format, rounding: 'nearest-even', seed: 0, offset: 0, randomBits: 32 });
    expect(bits(asColumns.handle as Float32Array)).toEqual(bits(format.quantize(values, { shape: [2, 3] })));
    expect(bits(asRow.handle as Float32Array)).toEqual(bits(format.quantize(values, { shape: [6, 1] })));

    // A stub tensor format records exactly what the kernel passes.
    const seen: TensorQuantizeOptions[] = [];
    const stub = { ...format, quantize: (input: Float32Array, options?: TensorQuantizeOptions) => (seen.push(options ?? {}), input.slice()) } as TensorFormat;
    quantizeKernels.quantize(wrap(values, [3, 2]), { format: stub, rounding: 'stochastic', seed: 5, offset: 6, randomBits: 7 });
    expect(seen).toEqual([{ rounding: 'stochastic', seed: 5, offset: 6, randomBits: 7, shape: [3, 2] }]);
  });

  it('stochastic rounding of a slice equals the same elements of the whole (offset is the element counter)', () => {
    const values = inputs(random, 64);
    const options = { format: float8, rounding: 'stochastic' as const, seed: 42, randomBits: 32 };
    const whole = quantizeKernels.quantize(wrap(values, [64]), { ...options, offset: 0 }).handle as Float32Array;
    const tail = quantizeKernels.quantize(wrap(values.slice(40), [24]), { ...options, offset: 40 }).handle as Float32Array;
    expect(bits(tail)).toEqual(bits(whole.subarray(40)));
  });
});
