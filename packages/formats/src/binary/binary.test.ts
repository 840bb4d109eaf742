import { describe, expect, it } from 'vitest';
import { EncodingError, FormatSpecError, QuantizeOptionsError } from '../errors.js';
import { ROUNDINGS } from '../types.js';
import { binaryFormat } from './index.js';
import type { BinarySpecInput } from './spec.js';

const inputs = Float32Array.of(0, -0, 1e-45, -1e-45, 3, -3, Infinity, -Infinity, 0.5, -1);

describe('binaryFormat', () => {
  it.each(ROUNDINGS)('is scale · sign(x) with sign(0) = +1 under %s', (rounding) => {
    const format = binaryFormat();
    const out = format.quantize(inputs, { rounding, seed: 3 });
    expect(Array.from(out)).toEqual([1, 1, 1, -1, 1, -1, 1, -1, 1, -1]);
  });

  it('scales both values and keeps NaN', () => {
    const out = binaryFormat({ scale: 0.25 }).quantize(Float32Array.of(-2, 0, NaN));
    expect(out[0]).toBe(-0.25);
    expect(out[1]).toBe(0.25);
    expect(Number.isNaN(out[2])).toBe(true);
  });

  it('codes +scale as 0 and -scale as 1, one bit each', () => {
    const format = binaryFormat({ scale: 0.5 });
    const codes = format.encode(inputs);
    expect(codes).toBeInstanceOf(Uint8Array);
    expect(Array.from(codes)).toEqual([0, 0, 0, 1, 0, 1, 0, 1, 0, 1]);
    expect(Array.from(format.decode(codes))).toEqual(Array.from(format.quantize(inputs)));
    expect(Array.from(format.decode([0, 1]))).toEqual([0.5, -0.5]);
    expect(format.bits).toBe(1);
  });

  it('rejects NaN in encode and bad codes in decode, with the index', () => {
    const format = binaryFormat();
    expect(() => format.encode(Float32Array.of(1, 2, NaN))).toThrow(new EncodingError('NaN at index 2 has no code in binary (binary has no NaN)'));
    expect(() => format.decode([0, 2])).toThrow(EncodingError);
    expect(() => format.decode([0, 2])).toThrow(/code 2 at index 1 is not a 1-bit code of binary \(allowed: 0 = \+1, 1 = -1\)/);
    expect(() => format.decode([0.5])).toThrow(EncodingError);
  });

  it('still validates quantize options and the output array', () => {
    const format = binaryFormat();
    expect(() => format.quantize(inputs, { rounding: 'up' as never })).toThrow(QuantizeOptionsError);
    expect(() => format.quantize(inputs, { out: new Float32Array(2) })).toThrow(QuantizeOptionsError);
    const out = new Float32Array(inputs.length);
    expect(format.quantize(inputs, { out })).toBe(out);
    expect(() => format.encode([1, 2] as never)).toThrow(QuantizeOptionsError);
    expect(() => format.encode(inputs, { seed: -1 })).toThrow(QuantizeOptionsError);
  });

  it('has a spec, name and range', () => {
    const format = binaryFormat({ scale: 0.5 });
    expect(format.spec).toEqual({ kind: 'binary', scale: 0.5 });
    expect(format.name).toBe('binary_s0.5');
    expect(binaryFormat().name).toBe('binary');
    expect(format.range).toEqual({ max: 0.5, min: -0.5, smallestNormal: 0.5, smallestSubnormal: 0.5, epsilon: 2 });
  });

  const bad: [label: string, input: BinarySpecInput, message: RegExp][] = [
    ['zero', { scale: 0 }, /invalid scale: 0 \(allowed: a positive finite float32 number\)/],
    ['negative', { scale: -1 }, /scale: -1/],
    ['infinite', { scale: Infinity }, /scale: Infinity/],
    ['NaN', { scale: NaN }, /scale: NaN/],
    ['beyond float32', { scale: 1e39 }, /scale: 1e\+39/],
    ['not a float32', { scale: 0.1 }, /scale: 0\.1 .*nearest float32 is 0\.10000000149011612/],
    ['a string', { scale: '1' as never }, /scale: "1"/],
  ];
  it.each(bad)('rejects scale %s', (_label, input, message) => {
    expect(() => binaryFormat(input)).toThrow(FormatSpecError);
    expect(() => binaryFormat(input)).toThrow(message);
  });
});
