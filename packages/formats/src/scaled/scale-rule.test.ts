import { describe, expect, it } from 'vitest';
import { EncodingError, QuantizeOptionsError } from '../errors.js';
import { checkScales, floorLog2, scaleChooser, type ScaleRule } from './scale-rule.js';

describe('floorLog2', () => {
  const cases: [number, number][] = [
    [1, 0],
    [2, 1],
    [3, 1],
    [0.75, -1],
    [448, 8],
    [57344, 15],
    [2 ** -149, -149],
    [Math.fround(2 ** 20 * (1 - 2 ** -24)), 19],
    [3.4028234663852886e38, 127],
  ];
  it.each(cases)('floorLog2(%d) = %d', (value, expected) => expect(floorLog2(value)).toBe(expected));
});

describe('scaleChooser', () => {
  // [rule, element max, margin, amax, expected scale]
  const cases: [ScaleRule, number, number, number, number][] = [
    // power of two: smallest 2^k with amax / 2^k <= max
    ['power-of-two', 127, 0, 127, 1],
    ['power-of-two', 127, 0, 127.5, 2],
    ['power-of-two', 127, 0, 3, 2 ** -5], // 3·32 = 96 <= 127 < 3·64
    ['power-of-two', 448, 0, 448, 1],
    ['power-of-two', 448, 0, 449, 2],
    ['power-of-two', 448, 0, 224, 0.5],
    ['power-of-two', 448, 2, 3, 2 ** -7 * 4], // 3 / 2^-7 = 384 <= 448, times 2^2
    ['power-of-two', 448, -1, 3, 2 ** -8],
    ['power-of-two', 127, 0, 0, 1], // all zero
    ['power-of-two', 448, 0, 2 ** -149, 2 ** -127], // 2^-158 clamps to the smallest E8M0 scale
    ['power-of-two', 0.5, 0, 3.4028234663852886e38, NaN], // 2^129 does not fit E8M0
    ['power-of-two', 448, 0, Infinity, NaN],
    ['power-of-two', 448, 0, NaN, NaN],
    // OCP MX: 2^(floor(log2 amax) - emax)
    ['e8m0', 448, 0, 3, 2 ** (1 - 8)],
    ['e8m0', 448, 0, 511.9, 2 ** 0], // amax / scale may exceed max: saturates later
    ['e8m0', 57344, 0, 1, 2 ** -15],
    ['e8m0', 6, 0, 3, 2 ** -1],
    ['e8m0', 127 / 64, 0, 3, 2],
    ['e8m0', 448, 0, 0, 2 ** -127],
    ['e8m0', 448, 0, 2 ** -130, 2 ** -127],
    ['e8m0', 448, 1, 3, 2 ** (2 - 8)],
    ['e8m0', 448, 0, Infinity, NaN],
    // real: amax / max in float32
    ['real', 127, 0, 254, 2],
    ['real', 127, 0, 3, Math.fround(3 / 127)],
    ['real', 448, 1, 3, Math.fround(6 / 448)],
    ['real', 127, 0, 0, 1],
    ['real', 448, 0, 2 ** -149, 2 ** -149], // underflows float32: the smallest float32
    ['real', 2 ** -20, 0, 3e38, NaN], // overflows float32
    ['real', 127, 0, NaN, NaN],
  ];
  it.each(cases)('%s, max %d, margin %d, amax %d -> %d', (rule, max, margin, amax, expected) => {
    expect(scaleChooser(rule, max, margin)(amax)).toBe(expected);
  });
});

describe('checkScales', () => {
  it('accepts storable scales and NaN', () => {
    const scales = Float32Array.of(1, 2 ** -127, 2 ** 127, NaN);
    expect(checkScales(scales, 4, 'e8m0', 'options')).toBe(scales);
    expect(checkScales(Float32Array.of(0.3, 2 ** -149), 2, 'real', 'options')).toBeDefined();
  });

  const bad: [string, unknown, number, ScaleRule, RegExp][] = [
    ['not a Float32Array', [1, 2], 2, 'e8m0', /scales: "\[object Array\]" \(allowed: a Float32Array of 2 scales\)/],
    ['wrong length', Float32Array.of(1), 2, 'e8m0', /Float32Array\(1\).*2 scales, one per group/],
    ['not a power of two', Float32Array.of(1, 0.3), 2, 'power-of-two', /scales\[1\]: 0.30000001192092896.*powers of two/],
    ['below E8M0', Float32Array.of(2 ** -128), 1, 'e8m0', /scales\[0\]/],
    ['zero', Float32Array.of(0), 1, 'real', /scales\[0\]: 0 \(allowed: positive finite/],
    ['negative', Float32Array.of(-1), 1, 'real', /scales\[0\]: -1/],
    ['infinite', Float32Array.of(Infinity), 1, 'real', /scales\[0\]: Infinity/],
  ];
  it.each(bad)('rejects %s with QuantizeOptionsError', (_label, scales, count, rule, message) => {
    expect(() => checkScales(scales, count, rule, 'options')).toThrow(QuantizeOptionsError);
    expect(() => checkScales(scales, count, rule, 'options')).toThrow(message);
  });

  it('reports a bad encoding with EncodingError', () => {
    expect(() => checkScales(Float32Array.of(3), 1, 'e8m0', 'encoding')).toThrow(EncodingError);
    expect(() => checkScales(Float32Array.of(3), 1, 'e8m0', 'encoding')).toThrow(/invalid encoding scales\[0\]: 3/);
  });
});
