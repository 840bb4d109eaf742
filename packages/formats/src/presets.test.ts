import { describe, expect, it } from 'vitest';
import { PRESET_INFO, PRESETS } from './presets.js';
import type { ElementFormat } from './types.js';

const element = (name: string) => PRESETS[name] as ElementFormat;

describe('PRESETS', () => {
  it('keys every preset by its canonical name, frozen', () => {
    for (const [name, format] of Object.entries(PRESETS)) expect(format.name).toBe(name);
    expect(Object.isFrozen(PRESETS)).toBe(true);
    expect(Object.isFrozen(PRESET_INFO)).toBe(true);
  });

  it('has the ml_dtypes, OCP and paper formats', () => {
    const required = [
      'float32', 'bfloat16', 'float16',
      'float8_e4m3fn', 'float8_e5m2', 'float8_e4m3fnuz', 'float8_e5m2fnuz', 'float8_e4m3b11fnuz', 'float8_e4m3', 'float8_e3m4',
      'float8_e8m0fnu', 'float6_e3m2fn', 'float6_e2m3fn', 'float4_e2m1fn',
      'e6m5', 'e5m6', 'e6m0_finite', 'fixed_w16_f14', 'fixed_w16_f8', 'fixed_w12_f8', 'binary',
    ];
    expect(Object.keys(PRESETS)).toEqual(expect.arrayContaining(required));
  });

  it('says who uses every preset', () => {
    expect(Object.keys(PRESET_INFO)).toEqual(Object.keys(PRESETS));
    for (const info of Object.values(PRESET_INFO)) expect(info.usedBy.length).toBeGreaterThan(5);
    expect(PRESET_INFO.float8_e4m3fn.usedBy).toContain('OCP FP8 E4M3');
    expect(PRESET_INFO.float8_e5m2.usedBy).toContain('OCP FP8 E5M2');
    expect(PRESET_INFO.float4_e2m1fn.usedBy).toContain('OCP MX FP4');
  });

  it.each([
    // name, max, smallest normal, smallest positive
    ['float8_e4m3fn', 448, 2 ** -6, 2 ** -9],
    ['float8_e5m2', 57344, 2 ** -14, 2 ** -16],
    ['e6m5', 2 ** 31 * (2 - 2 ** -5), 2 ** -30, 2 ** -35],
    ['e5m6', 2 ** 15 * (2 - 2 ** -6), 2 ** -14, 2 ** -20],
    ['e6m0_finite', 2 ** 32, 2 ** -30, 2 ** -30],
    // Ortiz <2,14>, <8,8> and 12-bit fixed point: wordBits = integer bits (sign included) + fraction bits.
    ['fixed_w16_f14', 2 - 2 ** -14, 2 ** -14, 2 ** -14],
    ['fixed_w16_f8', 128 - 2 ** -8, 2 ** -8, 2 ** -8],
    ['fixed_w12_f8', 8 - 2 ** -8, 2 ** -8, 2 ** -8],
  ])('%s: max %d, smallest normal %d, smallest %d', (name, max, smallestNormal, smallestSubnormal) => {
    expect(element(name).range).toMatchObject({ max, smallestNormal, smallestSubnormal });
  });

  it('e6m0_finite is the 7-bit power of two: every code a number, saturating', () => {
    const powerOfTwo = element('e6m0_finite');
    expect(powerOfTwo.bits).toBe(7);
    const values = Float32Array.of(0.3, -5, 1e12, -1e12, 1e-12, Infinity, -Infinity);
    expect([...powerOfTwo.quantize(values)]).toEqual([0.25, -4, 2 ** 32, -(2 ** 32), 0, 2 ** 32, -(2 ** 32)]);
    const decoded = powerOfTwo.decode(Array.from({ length: 128 }, (_, code) => code));
    expect(decoded.every((value) => Number.isFinite(value))).toBe(true);
    expect(decoded.filter((value) => value > 0).every((value) => Number.isInteger(Math.log2(value)))).toBe(true);
  });

  // Regression: the fast paths once let a + addend overflow int32 and turn NaN into +-0.
  it('e6m0_finite propagates NaN in quantize (the model says NaN stays NaN)', () => {
    expect([...element('e6m0_finite').quantize(Float32Array.of(NaN, -NaN))]).toEqual([NaN, NaN]);
  });

  it('binary is +-1 with sign(0) = +1', () => {
    expect([...element('binary').quantize(Float32Array.of(-0.2, 0, 3))]).toEqual([-1, 1, 1]);
  });
});
