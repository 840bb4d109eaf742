import { describe, expect, it } from 'vitest';
import { FormatSpecError } from '../errors.js';
import { fixedPointFormat } from './index.js';
import type { FixedPointSpecInput } from './spec.js';

function errorOf(run: () => unknown): FormatSpecError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(FormatSpecError);
    return error as FormatSpecError;
  }
  throw new Error('expected a FormatSpecError');
}

describe('fixedPointFormat spec validation', () => {
  const bad: [label: string, input: FixedPointSpecInput, field: string, message: RegExp][] = [
    ['wordBits 0', { wordBits: 0, fractionBits: 0 }, 'wordBits', /invalid wordBits: 0 \(allowed: an integer 1\.\.25 for signed fixed point\)/],
    ['wordBits 2.5', { wordBits: 2.5, fractionBits: 0 }, 'wordBits', /wordBits: 2\.5/],
    ['wordBits 32', { wordBits: 32, fractionBits: 0 }, 'wordBits', /wordBits: 32 .*1\.\.25.*not exactly a float32/],
    ['unsigned wordBits 25', { wordBits: 25, fractionBits: 0, signed: false }, 'wordBits', /wordBits: 25 \(allowed: an integer 1\.\.24 for unsigned/],
    ['wordBits missing', { fractionBits: 0 } as FixedPointSpecInput, 'wordBits', /wordBits: undefined/],
    ['wordBits as a string', { wordBits: '8' as never, fractionBits: 0 }, 'wordBits', /wordBits: "8"/],
    ['fractionBits NaN', { wordBits: 8, fractionBits: NaN }, 'fractionBits', /fractionBits: NaN \(allowed: an integer -120\.\.149 for wordBits 8\)/],
    ['fractionBits 150: step below 2^-149', { wordBits: 8, fractionBits: 150 }, 'fractionBits', /fractionBits: 150 .*smallest subnormal/],
    ['fractionBits -121: max beyond float32', { wordBits: 8, fractionBits: -121 }, 'fractionBits', /fractionBits: -121 .*-120\.\.149/],
    ['fractionBits 1.5', { wordBits: 8, fractionBits: 1.5 }, 'fractionBits', /fractionBits: 1\.5/],
    ['signed not boolean', { wordBits: 8, fractionBits: 0, signed: 1 as never }, 'signed', /signed: 1 \(allowed: true or false\)/],
    ['unknown overflow', { wordBits: 8, fractionBits: 0, overflow: 'clip' as never }, 'overflow', /overflow: "clip" \(allowed: saturate, wrap\)/],
    ['not an object', null as never, 'spec', /spec: null/],
  ];

  it.each(bad)('rejects %s', (_label, input, field, message) => {
    const error = errorOf(() => fixedPointFormat(input));
    expect(error.field).toBe(field);
    expect(error.name).toBe('FormatSpecError');
    expect(error.message).toMatch(message);
  });

  it('accepts the extremes of every field', () => {
    expect(fixedPointFormat({ wordBits: 25, fractionBits: 149 }).range.smallestNormal).toBe(2 ** -149);
    expect(fixedPointFormat({ wordBits: 24, fractionBits: -104, signed: false }).range.max).toBe(3.4028234663852886e38);
    expect(fixedPointFormat({ wordBits: 1, fractionBits: -127 }).range.min).toBe(-(2 ** 127));
  });
});

describe('fixedPointFormat spec, bits, range and name', () => {
  const cases: [input: FixedPointSpecInput, name: string, max: number, min: number, step: number][] = [
    [{ wordBits: 8, fractionBits: 4 }, 'fixed_w8_f4', 127 / 16, -8, 1 / 16],
    [{ wordBits: 12, fractionBits: 8 }, 'fixed_w12_f8', 2047 / 256, -8, 1 / 256],
    [{ wordBits: 8, fractionBits: 8, signed: false, overflow: 'wrap' }, 'ufixed_w8_f8_wrap', 255 / 256, 0, 1 / 256],
    [{ wordBits: 8, fractionBits: -2 }, 'fixed_w8_f-2', 508, -512, 4],
    [{ wordBits: 1, fractionBits: 0 }, 'fixed_w1_f0', 0, -1, 1],
    [{ wordBits: 4, fractionBits: 10, signed: false }, 'ufixed_w4_f10', 15 / 1024, 0, 1 / 1024],
  ];

  it.each(cases)('%j is %s', (input, name, max, min, step) => {
    const format = fixedPointFormat(input);
    expect(format.name).toBe(name);
    expect(format.bits).toBe(input.wordBits);
    expect(format.spec).toEqual({ kind: 'fixed', signed: true, overflow: 'saturate', ...input });
    expect(format.range).toEqual({ max, min, smallestNormal: step, smallestSubnormal: step, epsilon: step });
    expect(Object.isFrozen(format) && Object.isFrozen(format.spec) && Object.isFrozen(format.range)).toBe(true);
  });
});
