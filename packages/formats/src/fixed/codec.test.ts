import { describe, expect, it } from 'vitest';
import { EncodingError } from '../errors.js';
import { fixedPointFormat } from './index.js';
import type { FixedPointSpecInput } from './spec.js';

/** Every code decodes to a value that encodes back to the same code, for every word up to 16 bits. */
describe('fixed point codes: exhaustive round trip', () => {
  const specs: FixedPointSpecInput[] = [];
  for (let wordBits = 1; wordBits <= 16; wordBits++) {
    specs.push({ wordBits, fractionBits: wordBits >> 1 }, { wordBits, fractionBits: -3, signed: false });
  }
  specs.push({ wordBits: 16, fractionBits: 149, overflow: 'wrap' }, { wordBits: 16, fractionBits: -112, signed: false });

  it.each(specs.map((spec) => [JSON.stringify(spec), spec] as const))('%s', (_label, input) => {
    const format = fixedPointFormat(input);
    const { wordBits, fractionBits, signed } = format.spec;
    const codes = Uint32Array.from({ length: 2 ** wordBits }, (_, code) => code);
    const values = format.decode(codes);
    // Code k is the two's complement pattern of integer k (signed) or k itself (unsigned).
    const integers = Array.from(codes, (code) => (signed && code >= 2 ** (wordBits - 1) ? code - 2 ** wordBits : code));
    expect(Array.from(values)).toEqual(integers.map((integer) => integer * 2 ** -fractionBits + 0));
    expect(Array.from(format.encode(values))).toEqual(Array.from(codes));
    // Every value is already in the format: quantize leaves it alone in every deterministic mode.
    expect(Array.from(format.quantize(values, { rounding: 'odd' }))).toEqual(Array.from(values));
    expect(Math.max(...values)).toBe(format.range.max);
    expect(Math.min(...values)).toBe(format.range.min);
  });
});

describe('fixed point encode', () => {
  it('uses the narrowest code array', () => {
    expect(fixedPointFormat({ wordBits: 8, fractionBits: 0 }).encode(new Float32Array(1))).toBeInstanceOf(Uint8Array);
    expect(fixedPointFormat({ wordBits: 9, fractionBits: 0 }).encode(new Float32Array(1))).toBeInstanceOf(Uint16Array);
    expect(fixedPointFormat({ wordBits: 17, fractionBits: 0 }).encode(new Float32Array(1))).toBeInstanceOf(Uint32Array);
  });

  it('rounds, saturates and wraps like quantize', () => {
    const format = fixedPointFormat({ wordBits: 8, fractionBits: 4 });
    expect(Array.from(format.encode(Float32Array.of(0, -0, 1, -1, 0.03125, 0.09375, 100, -100, -Infinity)))).toEqual([0, 0, 16, 240, 0, 2, 127, 128, 128]);
    expect(Array.from(format.encode(Float32Array.of(0.03125), { rounding: 'toward-positive' }))).toEqual([1]);
    const wrap = fixedPointFormat({ wordBits: 4, fractionBits: 0, overflow: 'wrap' });
    expect(Array.from(wrap.encode(Float32Array.of(8, 9, -9, 16)))).toEqual([8, 9, 7, 0]);
  });

  it('throws EncodingError for NaN with its index', () => {
    const format = fixedPointFormat({ wordBits: 8, fractionBits: 4 });
    expect(() => format.encode(Float32Array.of(1, NaN))).toThrow(EncodingError);
    expect(() => format.encode(Float32Array.of(1, NaN))).toThrow(/NaN at index 1 has no code in fixed_w8_f4/);
  });
});

describe('fixed point decode rejects codes outside the word', () => {
  const format = fixedPointFormat({ wordBits: 4, fractionBits: 1 });
  const bad: [label: string, code: number, index: number][] = [
    ['too large', 16, 0],
    ['negative', -1, 1],
    ['fractional', 2.5, 2],
    ['NaN', NaN, 0],
  ];
  it.each(bad)('%s', (_label, code, index) => {
    const codes = [0, 0, 0];
    codes[index] = code;
    expect(() => format.decode(codes)).toThrow(EncodingError);
    expect(() => format.decode(codes)).toThrow(`code ${code} at index ${index} is not a 4-bit code of fixed_w4_f1 (allowed: integers 0..15)`);
  });

  it('accepts plain arrays and every typed array', () => {
    expect(Array.from(format.decode([0, 7, 8, 15]))).toEqual([0, 3.5, -4, -0.5]);
    expect(Array.from(format.decode(Uint8Array.of(1, 9)))).toEqual([0.5, -3.5]);
  });
});
