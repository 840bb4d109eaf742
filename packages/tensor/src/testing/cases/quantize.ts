/**
 * Conformance cases of quantize: the result must equal @lowbit/formats' own `format.quantize` bit
 * for bit (NaN payloads and the sign of zero included) for element formats (floats, fixed point,
 * binary) and tensor formats (per-channel scales, blocks, MX), in every rounding mode. Stochastic
 * rounding draws element i's bits from (seed, offset + i): the cases vary seed, offset and
 * randomBits, and check that quantizing a slice with offset = its start matches the whole.
 */
import {
  binaryFormat,
  blockFormat,
  fixedPointFormat,
  floatFormat,
  mxFormat,
  ROUNDINGS,
  scaledFormat,
  type ElementFormat,
  type Rounding,
  type TensorFormat,
} from '@lowbit/formats';
import { quantize, type QuantizeOpOptions } from '../../ops/quantize.js';
import type { Tensor } from '../../tensor.js';
import { expectTensor } from '../assert.js';
import { defineCases, type CaseContext } from '../case.js';
import { sizeOf } from '../nd.js';

const float8E4M3 = floatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'fn' });
const bfloat16 = floatFormat({ exponentBits: 8, mantissaBits: 7 });

/** Stochastic settings: [seed, offset, randomBits]. */
const STOCHASTIC: readonly (readonly [number, number, number])[] = [
  [0, 0, 32],
  [1, 0, 32],
  [123456789, 1000, 32],
  [7, 2 ** 40, 8],
  [42, 5, 1],
];

/**
 * Values over a wide exponent range (normals, subnormals, overflow of every format here), plus
 * zeros of both signs, infinities, NaN, exact ties of E4M3 and values near its max (448, 464).
 */
function inputs(c: CaseContext, shape: readonly number[]): Tensor {
  const values = new Float32Array(sizeOf(shape));
  for (let i = 0; i < values.length; i++) values[i] = c.random.normal() * 2 ** c.random.integer(-14, 12);
  const specials = [0, -0, Infinity, -Infinity, NaN, 448, -464, 480, 1.0625, -1.1875, 2 ** -9, 3 * 2 ** -10, 1e-30];
  values.set(specials.slice(0, values.length));
  return c.tensor(values, shape);
}

function expectMatchesFormat(x: Tensor, format: ElementFormat | TensorFormat, options: QuantizeOpOptions, label: string): void {
  const full = { rounding: 'nearest-even' as Rounding, seed: 0, offset: 0, randomBits: 32, ...options };
  const values = x.data() as Float32Array;
  const expected = 'element' in format ? format.quantize(values, { ...full, shape: x.shape }) : format.quantize(values, full);
  expectTensor(quantize(x, format, options), { shape: x.shape, values: expected }, 'bitwise', `${format.name} ${JSON.stringify(options)} ${label}`);
}

/** Every rounding mode, and the stochastic one under several seeds, offsets and bit counts. */
function checkEveryRounding(c: CaseContext, format: ElementFormat | TensorFormat, shape: readonly number[]): void {
  const x = inputs(c, shape);
  expectMatchesFormat(x, format, {}, 'defaults');
  for (const rounding of ROUNDINGS) {
    if (rounding !== 'stochastic') {
      expectMatchesFormat(x, format, { rounding }, '');
      continue;
    }
    for (const [seed, offset, randomBits] of STOCHASTIC) expectMatchesFormat(x, format, { rounding, seed, offset, randomBits }, '');
  }
}

export const quantizeCases = defineCases('quantize', {
  'float8_e4m3fn, every rounding mode': (c) => checkEveryRounding(c, float8E4M3, [7, 33]),
  'bfloat16, every rounding mode': (c) => checkEveryRounding(c, bfloat16, [5, 40]),
  'float8_e5m2 (ieee specials, overflow to infinity), every rounding mode': (c) =>
    checkEveryRounding(c, floatFormat({ exponentBits: 5, mantissaBits: 2 }), [100]),
  'float4_e2m1fn-like finite format without subnormals': (c) =>
    checkEveryRounding(c, floatFormat({ exponentBits: 2, mantissaBits: 1, specials: 'finite', subnormals: false }), [3, 21]),
  'fixed point: signed saturating, unsigned, wrapping': (c) => {
    checkEveryRounding(c, fixedPointFormat({ wordBits: 8, fractionBits: 4 }), [64]);
    checkEveryRounding(c, fixedPointFormat({ wordBits: 6, fractionBits: 2, signed: false }), [64]);
    checkEveryRounding(c, fixedPointFormat({ wordBits: 8, fractionBits: 3, overflow: 'wrap' }), [64]);
  },
  'binary': (c) => checkEveryRounding(c, binaryFormat({ scale: 0.25 }), [2, 9]),
  'MX block formats (mxfp8_e4m3, mxfp4_e2m1, blocks of 32 along the last axis)': (c) => {
    checkEveryRounding(c, mxFormat('mxfp8_e4m3'), [3, 70]);
    checkEveryRounding(c, mxFormat('mxfp4_e2m1'), [2, 64]);
  },
  'block scales along axis 0 and per-channel scales see the shape': (c) => {
    checkEveryRounding(c, blockFormat({ element: float8E4M3, blockSize: 4, scale: 'e8m0', axis: 0 }), [9, 5]);
    checkEveryRounding(c, scaledFormat({ element: float8E4M3, granularity: 'channel', axis: 1 }), [3, 4, 5]);
  },
  'stochastic rounding of a slice with offset = its start equals the whole': (c) => {
    const x = inputs(c, [200]);
    const options = { rounding: 'stochastic' as const, seed: 99 };
    const whole = quantize(x, float8E4M3, options).data();
    const tail = c.tensor((x.data() as Float32Array).slice(120), [80]);
    expectTensor(quantize(tail, float8E4M3, { ...options, offset: 120 }), { shape: [80], values: whole.slice(120) }, 'bitwise');
  },
  'scalar, empty and rank-4 tensors': (c) => {
    expectMatchesFormat(c.tensor(3.3, []), float8E4M3, { rounding: 'nearest-away' }, 'scalar');
    expectMatchesFormat(c.uniform([0, 3]), float8E4M3, {}, 'empty');
    expectMatchesFormat(inputs(c, [2, 3, 4, 5]), float8E4M3, { rounding: 'stochastic', seed: 3 }, 'rank 4');
  },
});
