import { describe, expect, it } from 'vitest';
import { binaryFormat, fixedPointFormat, floatFormat } from '@lowbit/formats';
import { elementStep, updateInSteps } from './step-size.js';

const float32 = floatFormat({ exponentBits: 8, mantissaBits: 23 });
const e4m3 = floatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'fn' });
const e4m3NoSubnormals = floatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'fn', subnormals: false });

/** float32 spacing at a float32 value, independently: the distance to the next larger float32 magnitude. */
function float32Spacing(v: number): number {
  const a = Math.abs(Math.fround(v));
  const words = new Float32Array([a]);
  const bits = new Uint32Array(words.buffer);
  bits[0] += 1;
  return words[0] - a;
}

describe('elementStep', () => {
  const values = [1, 1.5, 2 - 2 ** -23, 2, 3, 0.1, -0.1, 1e-3, 2 ** -126, 2 ** -126 - 2 ** -149, 2 ** -140, 0, -0, 3e38, -7.5];
  it.each(values)('float32 at %s is the distance to the next float32', (v) => {
    expect(elementStep(float32.spec, float32.range, v)).toBe(float32Spacing(v));
  });

  it.each([
    // [format, value, step]: E4M3 has 3 mantissa bits, smallest normal 2^-6, subnormal spacing 2^-9
    ['e4m3', 1, 2 ** -3],
    ['e4m3', 1.99, 2 ** -3],
    ['e4m3', 2, 2 ** -2],
    ['e4m3', -448, 2 ** 5],
    ['e4m3', 2 ** -6, 2 ** -9],
    ['e4m3', 2 ** -7, 2 ** -9],
    ['e4m3', 0, 2 ** -9],
    ['e4m3 without subnormals', 2 ** -7, 2 ** -6],
  ] as const)('%s at %s is %s', (name, v, step) => {
    const format = name === 'e4m3' ? e4m3 : e4m3NoSubnormals;
    expect(elementStep(format.spec, format.range, v)).toBe(step);
  });

  it('fixed point and binary steps are uniform; non-finite values have none', () => {
    const fixed = fixedPointFormat({ wordBits: 8, fractionBits: 5 });
    expect(elementStep(fixed.spec, fixed.range, 0.7)).toBe(2 ** -5);
    const binary = binaryFormat({ scale: 0.25 });
    expect(elementStep(binary.spec, binary.range, -0.25)).toBe(0.5);
    expect(elementStep(float32.spec, float32.range, NaN)).toBeNaN();
    expect(elementStep(float32.spec, float32.range, Infinity)).toBeNaN();
  });
});

describe('updateInSteps', () => {
  it('sums |update| / step over finite terms and skips non-finite weights and updates', () => {
    const values = new Float32Array([1, 2, NaN, 4, 0.5]);
    const updates = new Float32Array([2 ** -3, -(2 ** -2), 1, Infinity, 2 ** -5]);
    // E4M3 steps: 1 -> 2^-3, 2 -> 2^-2, NaN skipped, 4 with an infinite update skipped, 0.5 -> 2^-4
    expect(updateInSteps(e4m3, values, updates, [5])).toEqual({ sum: 1 + 1 + 0.5, count: 3 });
  });

  it('uses float32 spacing without a format', () => {
    const values = new Float32Array([1, 3]);
    const updates = new Float32Array([2 ** -23, 2 ** -21]);
    // spacing 2^-23 at 1 and 2^-22 at 3: ratios 1 and 2
    expect(updateInSteps(undefined, values, updates, [2])).toEqual({ sum: 3, count: 2 });
  });
});
