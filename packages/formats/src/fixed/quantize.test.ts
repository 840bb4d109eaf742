import { describe, expect, it } from 'vitest';
import { randomUint32 } from '../random.js';
import { ROUNDINGS, type Rounding } from '../types.js';
import { fixedPointFormat } from './index.js';
import { referenceQuantize } from './reference.testutil.js';
import type { FixedPointSpecInput } from './spec.js';

const bitsOf = (values: Float32Array) => Array.from(new Uint32Array(values.buffer, values.byteOffset, values.length));
const quantizeOne = (input: FixedPointSpecInput, x: number, rounding: Rounding) =>
  fixedPointFormat(input).quantize(Float32Array.of(x), { rounding })[0];

describe('fixed point rounding by hand (fixed_w8_f2: step 0.25, range -32..31.75)', () => {
  const spec = { wordBits: 8, fractionBits: 2 };
  // input, nearest-even, nearest-away, toward-zero, toward-positive, toward-negative, odd
  const cases: [x: number, even: number, away: number, zero: number, positive: number, negative: number, odd: number][] = [
    [0.125, 0, 0.25, 0, 0.25, 0, 0.25], // tie between 0 and 1 steps
    [0.375, 0.5, 0.5, 0.25, 0.5, 0.25, 0.25], // tie between 1 and 2 steps: odd picks 1
    [0.625, 0.5, 0.75, 0.5, 0.75, 0.5, 0.75], // tie between 2 and 3 steps
    [0.3, 0.25, 0.25, 0.25, 0.5, 0.25, 0.25],
    [0.55, 0.5, 0.5, 0.5, 0.75, 0.5, 0.75], // odd rounds 2.2 steps up to 3
    [-0.125, 0, -0.25, 0, 0, -0.25, -0.25],
    [-0.375, -0.5, -0.5, -0.25, -0.25, -0.5, -0.25],
    [-0.55, -0.5, -0.5, -0.5, -0.5, -0.75, -0.75], // -2.2 steps: odd neighbour is -3
    [-1.1, -1, -1, -1, -1, -1.25, -1.25], // -4.4 steps: odd neighbour is -5, not -4 | 1 = -3
    [-0.8, -0.75, -0.75, -0.75, -0.75, -1, -0.75], // -3.2 steps: odd neighbour -3
    [1, 1, 1, 1, 1, 1, 1], // exact: every mode keeps it, odd included (4 steps is even)
    [31.9, 31.75, 31.75, 31.75, 31.75, 31.75, 31.75], // beyond max: saturates in every mode
    [-32.1, -32, -32, -32, -32, -32, -32],
    [1e30, 31.75, 31.75, 31.75, 31.75, 31.75, 31.75],
    [Infinity, 31.75, 31.75, 31.75, 31.75, 31.75, 31.75],
    [-Infinity, -32, -32, -32, -32, -32, -32],
  ];
  const modes: Rounding[] = ['nearest-even', 'nearest-away', 'toward-zero', 'toward-positive', 'toward-negative', 'odd'];
  it.each(cases)('%s', (x, ...expected) => {
    expect(modes.map((rounding) => quantizeOne(spec, x, rounding))).toEqual(expected);
  });
});

describe('fixed point special inputs', () => {
  it.each(ROUNDINGS)('NaN gives NaN and -0 gives +0 (%s)', (rounding) => {
    for (const overflow of ['saturate', 'wrap'] as const) {
      const format = fixedPointFormat({ wordBits: 8, fractionBits: 4, overflow });
      const out = format.quantize(Float32Array.of(NaN, -0, -1e-30, 0), { rounding });
      expect(Number.isNaN(out[0])).toBe(true);
      // Two's complement has no -0: -0 and tiny negatives that round to zero give +0.
      for (const value of out.slice(1)) if (value === 0) expect(Object.is(value, 0)).toBe(true);
      expect(Object.is(out[1], 0)).toBe(true);
    }
  });
});

describe('fixed point quantize output', () => {
  it.each(ROUNDINGS)('may be the input array itself (%s)', (rounding) => {
    for (const overflow of ['saturate', 'wrap'] as const) {
      const format = fixedPointFormat({ wordBits: 6, fractionBits: 2, overflow });
      const values = Float32Array.from({ length: 100 }, (_, i) => (i - 50) * 0.37);
      const expected = format.quantize(values, { rounding, seed: 4 });
      expect(format.quantize(values, { rounding, seed: 4, out: values })).toBe(values);
      expect(bitsOf(values)).toEqual(bitsOf(expected));
    }
  });
});

describe('fixed point overflow', () => {
  const wrapCases: [label: string, input: FixedPointSpecInput, x: number, expected: number][] = [
    ['signed max + 1 step wraps to min', { wordBits: 8, fractionBits: 0 }, 128, -128],
    ['signed 200 wraps to -56', { wordBits: 8, fractionBits: 0 }, 200, -56],
    ['signed -129 wraps to 127', { wordBits: 8, fractionBits: 0 }, -129, 127],
    ['signed 256 wraps to 0', { wordBits: 8, fractionBits: 0 }, 256, 0],
    ['rounds before wrapping: 127.6 -> 128 -> -128', { wordBits: 8, fractionBits: 0 }, 127.6, -128],
    ['fraction bits: 8.5 in fixed_w8_f4 wraps to -7.5', { wordBits: 8, fractionBits: 4 }, 8.5, -7.5],
    ['unsigned 256 wraps to 0', { wordBits: 8, fractionBits: 0, signed: false }, 256, 0],
    ['unsigned -1 wraps to 255', { wordBits: 8, fractionBits: 0, signed: false }, -1, 255],
    ['unsigned -0.25 in ufixed_w4_f2 wraps to 3.75', { wordBits: 4, fractionBits: 2, signed: false }, -0.25, 3.75],
    ['huge integers keep their low bits (2^100 -> 0)', { wordBits: 8, fractionBits: 0 }, 2 ** 100, 0],
    ['2^24 + 3·2^1 in a 25-bit word', { wordBits: 25, fractionBits: 0 }, 2 ** 24 + 6, -(2 ** 24) + 6],
    ['+Inf saturates (no bits to wrap)', { wordBits: 8, fractionBits: 0 }, Infinity, 127],
    ['-Inf saturates', { wordBits: 8, fractionBits: 0, signed: false }, -Infinity, 0],
  ];
  it.each(wrapCases)('wrap: %s', (_label, input, x, expected) => {
    expect(quantizeOne({ ...input, overflow: 'wrap' }, x, 'nearest-even')).toBe(expected);
  });

  it('saturates unsigned formats at 0 and 2^W - 1 steps', () => {
    const format = fixedPointFormat({ wordBits: 8, fractionBits: 8, signed: false });
    expect(Array.from(format.quantize(Float32Array.of(-5, -0.001, 0.5, 0.999, 1, 7)))).toEqual([0, 0, 0.5, 255 / 256, 255 / 256, 255 / 256]);
    expect(format.range).toEqual({ max: 255 / 256, min: 0, smallestNormal: 1 / 256, smallestSubnormal: 1 / 256, epsilon: 1 / 256 });
  });

  it('negative fractionBits give steps coarser than 1', () => {
    const format = fixedPointFormat({ wordBits: 4, fractionBits: -2 }); // multiples of 4 in -32..28
    expect(Array.from(format.quantize(Float32Array.of(5, 6, 10, 29, 31, -33, -1.9, -2)))).toEqual([4, 8, 8, 28, 28, -32, 0, 0]);
  });
});

describe('fixed point kernel against the BigInt reference model', () => {
  const specs: FixedPointSpecInput[] = [
    { wordBits: 8, fractionBits: 4 },
    { wordBits: 8, fractionBits: 0, overflow: 'wrap' },
    { wordBits: 12, fractionBits: 8, signed: false },
    { wordBits: 6, fractionBits: 3, signed: false, overflow: 'wrap' },
    { wordBits: 1, fractionBits: 0 },
    { wordBits: 1, fractionBits: 3, signed: false, overflow: 'wrap' },
    { wordBits: 16, fractionBits: 20 },
    { wordBits: 5, fractionBits: -3, overflow: 'wrap' },
    { wordBits: 25, fractionBits: 149 },
    { wordBits: 25, fractionBits: 10, overflow: 'wrap' },
    { wordBits: 24, fractionBits: -104, signed: false }, // max (2^24 - 1) · 2^104 = float32 max
  ];
  const inputs = testInputs(4000);

  it.each(specs.map((spec) => [JSON.stringify(spec), spec] as const))('%s', (_label, input) => {
    const format = fixedPointFormat(input);
    const step = 2 ** -format.spec.fractionBits;
    // Grid points, midpoints and their float32 neighbours, on top of the shared inputs.
    const grid = Float32Array.from({ length: 600 }, (_, i) => (i - 300) * step * 0.5);
    const values = Float32Array.from([...inputs, ...grid, ...neighbours(grid)]);
    for (const rounding of ROUNDINGS) {
      for (const randomBits of rounding === 'stochastic' ? [32, 3] : [32]) {
        const options = { rounding, seed: 7, offset: 11, randomBits };
        const actual = format.quantize(values, options);
        const expected = referenceQuantize(format.spec, values, options);
        expect(bitsOf(actual), `${rounding} randomBits ${randomBits}`).toEqual(bitsOf(expected));
      }
    }
  });
});

/** Special values and random float32 bit patterns of every magnitude (no NaN: compared as bits). */
function testInputs(count: number): Float32Array {
  const specials = [0, -0, 1, -1, Infinity, -Infinity, 3.4028234663852886e38, -3.4028234663852886e38, 2 ** -149, -(2 ** -149)];
  const random = Array.from({ length: count }, (_, i) => {
    const bits = randomUint32(12345, i);
    return (bits & 0x7f800000) === 0x7f800000 ? bits & 0xbfffffff : bits; // turn NaN/Inf patterns into finite ones
  });
  return Float32Array.from([...specials, ...new Float32Array(Uint32Array.from(random).buffer)]);
}

function neighbours(values: Float32Array): Float32Array {
  const bits = new Uint32Array(values.buffer);
  const result: number[] = [];
  for (const b of bits) {
    if ((b & 0x7fffffff) === 0) continue;
    result.push(b + 1, b - 1);
  }
  return new Float32Array(Uint32Array.from(result).buffer);
}
