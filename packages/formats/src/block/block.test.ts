import { describe, expect, it } from 'vitest';
import { FormatSpecError, UnknownFormatError } from '../errors.js';
import { floatFormat } from '../float/index.js';
import type { Rounding } from '../types.js';
import { blockFormat, type BlockFormatOptions } from './index.js';
import { MX_FORMATS, mxFormat } from './mx.js';
import type { MxFormatName } from './mx-specs.js';

const e4m3 = floatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'fn' });
const e4m3Saturating = floatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'fn', overflow: 'saturate' });

describe('MX presets on hand-computed blocks', () => {
  // [preset, one block of values, scale, E8M0 code, expected values]
  const cases: [MxFormatName, number[], number, number, number[]][] = [
    // amax 3: 2^(1 - 8); 3·128 = 384, -1.1·128 = -140.8 -> -144 (spacing 16), 0.0137·128 = 1.7536 -> 1.75
    ['mxfp8_e4m3', [3, 0.5, -1.1, 0.0137], 2 ** -7, 120, [3, 0.5, -1.125, 1.75 / 128]],
    // amax 1: 2^(0 - 15); -0.3·2^15 = -9830.4 -> -10240 (spacing 2048)
    ['mxfp8_e5m2', [1, -0.3], 2 ** -15, 112, [1, -0.3125]],
    // amax 3: 2^(1 - 4); 0.2·8 = 1.6 -> 1.5 (spacing 0.25)
    ['mxfp6_e3m2', [3, 0.2], 2 ** -3, 124, [3, 0.1875]],
    // amax 3: 2^(1 - 2); -0.7·2 = -1.4 -> -1.375 (spacing 0.125)
    ['mxfp6_e2m3', [3, -0.7], 2 ** -1, 126, [3, -0.6875]],
    // amax 3: 2^(1 - 2); 1.3·2 = 2.6 -> 3, 0.1·2 = 0.2 -> 0
    ['mxfp4_e2m1', [3, 1.3, 0.1], 2 ** -1, 126, [3, 1.5, 0]],
    // amax 3: 2^(1 - 0); 1.5 = 96/64, 0.01/2·64 = 0.32 -> 0, -1/2 = -32/64
    ['mxint8', [3, 0.01, -1], 2, 128, [3, 0, -1]],
    // -3.99/2·64 = -127.68 -> -128: the two's complement code 0x80 (-2) is used
    ['mxint8', [-3.99, 1], 2, 128, [-4, 1]],
  ];
  it.each(cases)('%s %j', (name, values, scale, scaleCode, expected) => {
    const format = mxFormat(name);
    const input = Float32Array.from(values);
    const encoding = format.encode(input);
    expect(Array.from(encoding.scales)).toEqual([scale]);
    expect(Array.from(format.scaleFormat.encode(encoding.scales))).toEqual([scaleCode]);
    expect(Array.from(format.quantize(input))).toEqual(expected.map(Math.fround));
    expect(Array.from(format.decode(encoding))).toEqual(expected.map(Math.fround));
  });

  it('gives the E4M3 element codes', () => {
    const codes = MX_FORMATS.mxfp8_e4m3.encode(Float32Array.of(3, 0.5, -1.1, 0.0137)).codes;
    // 384 = 1.5·2^8: field 15, mantissa 4; 64: field 13; -144: sign, field 14, mantissa 1; 1.75: field 7, mantissa 6
    expect(Array.from(codes)).toEqual([15 * 8 + 4, 13 * 8, 128 + 14 * 8 + 1, 7 * 8 + 6]);
  });

  it('are exactly the OCP MX v1.0 formats', () => {
    const expected: [MxFormatName, string, number][] = [
      ['mxfp8_e4m3', 'float8_e4m3fn_saturate', 8.25],
      ['mxfp8_e5m2', 'float8_e5m2_saturate', 8.25],
      ['mxfp6_e3m2', 'float6_e3m2fn', 6.25],
      ['mxfp6_e2m3', 'float6_e2m3fn', 6.25],
      ['mxfp4_e2m1', 'float4_e2m1fn', 4.25],
      ['mxint8', 'fixed_w8_f6', 8.25],
    ];
    expect(Object.keys(MX_FORMATS)).toEqual(expected.map(([name]) => name));
    for (const [name, element, bitsPerValue] of expected) {
      const format = MX_FORMATS[name];
      expect(format.name).toBe(name);
      expect(format.element.name).toBe(element);
      expect(format.bitsPerValue).toBe(bitsPerValue);
      expect(format.scaleBits).toBe(8);
      expect(format.spec).toMatchObject({ kind: 'block', blockSize: 32, axis: -1, scale: 'e8m0', margin: 0 });
    }
  });
});

describe('saturation', () => {
  const cases: [string, () => Float32Array, number[]][] = [
    ['E4M3: 500 at scale 1 -> 448', () => MX_FORMATS.mxfp8_e4m3.quantize(Float32Array.of(500, 1)), [448, 1]],
    ['E4M3 toward-positive: still 448', () => MX_FORMATS.mxfp8_e4m3.quantize(Float32Array.of(500, -500), { rounding: 'toward-positive' }), [448, -448]],
    ['E5M2: 65000 -> 57344, not Inf', () => MX_FORMATS.mxfp8_e5m2.quantize(Float32Array.of(65000)), [57344]],
    ['E2M1: 7.9 -> 6', () => MX_FORMATS.mxfp4_e2m1.quantize(Float32Array.of(7.9, -7)), [6, -6]],
    ['INT8: 3.99 -> 127/64 · 2', () => MX_FORMATS.mxint8.quantize(Float32Array.of(3.99)), [127 / 32]],
    [
      'a NaN-overflow element still saturates inside a block',
      () => blockFormat({ element: e4m3, blockSize: 32, scale: 'e8m0' }).quantize(Float32Array.of(500), { rounding: 'toward-positive' }),
      [448],
    ],
  ];
  it.each(cases)('%s', (_label, run, expected) => expect(Array.from(run())).toEqual(expected));
});

describe('shapes and axes', () => {
  it('blocks along the last axis with a ragged last block', () => {
    const format = blockFormat({ element: e4m3Saturating, blockSize: 2, scale: 'e8m0' });
    const values = Float32Array.of(3, 0.1, 100, 1, 7, 0, 0, -8, 2, 1000);
    const encoding = format.encode(values, { shape: [2, 5] });
    // Scales as a [2, 3] tensor: [3, 0.1] [100, 1] [7] / [0, 0] [-8, 2] [1000]
    expect(Array.from(encoding.scales)).toEqual([2 ** -7, 2 ** -2, 2 ** -6, 2 ** -127, 2 ** -5, 2]);
    expect(format.scaleCount([2, 5])).toBe(6);
    // 0.1·128 = 12.8 -> 13; 100·4 = 400, a tie between 384 and 416 -> 384; 1000/2 = 500 -> 448
    const expected = [3, 13 / 128, 96, 1, 7, 0, 0, -8, 2, 896];
    expect(Array.from(format.quantize(values, { shape: [2, 5] }))).toEqual(expected);
    expect(Array.from(format.decode(encoding))).toEqual(expected);
  });

  it('blocks along axis 0', () => {
    const format = blockFormat({ element: e4m3Saturating, blockSize: 2, scale: 'e8m0', axis: 0 });
    const values = Float32Array.of(1, 10, 3, -20, 0.5, 0, 0.25, 0); // shape [4, 2]
    const encoding = format.encode(values, { shape: [4, 2] });
    // Scales as a [2, 2] tensor: column 0 rows 0-1 amax 3, column 1 rows 0-1 amax 20, then 0.5 and 0
    expect(Array.from(encoding.scales)).toEqual([2 ** -7, 2 ** -4, 2 ** -9, 2 ** -127]);
    expect(Array.from(format.quantize(values, { shape: [4, 2] }))).toEqual(Array.from(values));
  });

  it('one block longer than the axis is the whole line', () => {
    const format = blockFormat({ element: e4m3Saturating, blockSize: 32, scale: 'power-of-two' });
    expect(Array.from(format.encode(Float32Array.of(3, 1, 896, 1), { shape: [2, 2] }).scales)).toEqual([2 ** -7, 2]);
  });
});

describe('special blocks (OCP MX: a NaN scale makes the whole block NaN)', () => {
  const values = (special: number) => Float32Array.from({ length: 64 }, (_, i) => (i === 5 ? special : i < 32 ? 1 : 0.5 - i / 256));
  it.each([NaN, Infinity, -Infinity])('%d in a block', (special) => {
    const format = MX_FORMATS.mxfp8_e4m3;
    const encoding = format.encode(values(special));
    expect(encoding.scales[0]).toBeNaN();
    expect(Array.from(format.scaleFormat.encode(encoding.scales))).toEqual([255, 117]); // second block: amax 0.375 -> 2^(-2 - 8)
    const result = format.quantize(values(special));
    expect(result.subarray(0, 32).every(Number.isNaN)).toBe(true);
    expect(result.subarray(32).some(Number.isNaN)).toBe(false);
    expect(format.decode(encoding).subarray(0, 32).every(Number.isNaN)).toBe(true);
  });

  it.each(Object.keys(MX_FORMATS) as MxFormatName[])('all-zero block in %s: scale 2^-127 (code 0), values 0', (name) => {
    const format = MX_FORMATS[name];
    const encoding = format.encode(new Float32Array(32));
    expect(Array.from(format.scaleFormat.encode(encoding.scales))).toEqual([0]);
    expect(Array.from(format.quantize(new Float32Array(32)))).toEqual(new Array(32).fill(0));
  });

  it('keeps -0 where the element has it', () => {
    expect(Object.is(MX_FORMATS.mxfp8_e4m3.quantize(Float32Array.of(-0, 0))[0], -0)).toBe(true);
  });
});

describe('bits', () => {
  const cases: [BlockFormatOptions, string, number][] = [
    [{ element: e4m3, blockSize: 16, scale: 'e8m0' }, 'block16_float8_e4m3fn_e8m0', 8.5],
    [{ element: e4m3, blockSize: 16, scale: 'real' }, 'block16_float8_e4m3fn_real', 10],
    [{ element: e4m3Saturating, blockSize: 32, scale: 'power-of-two', axis: 0, margin: 1 }, 'block32_float8_e4m3fn_saturate_pow2_axis0_margin1', 8.25],
    [{ element: e4m3Saturating, blockSize: 32, scale: 'e8m0', axis: 1 }, 'block32_float8_e4m3fn_saturate_e8m0_axis1', 8.25],
  ];
  it.each(cases)('%#: %s', (options, name, bitsPerValue) => {
    const format = blockFormat(options);
    expect(format.name).toBe(name);
    expect(format.bitsPerValue).toBe(bitsPerValue);
    expect(format.bits).toBe(8);
    expect(format.storageBits([3, 40])).toBe(3 * 40 * 8 + format.scaleCount([3, 40]) * format.scaleBits);
    expect(JSON.parse(JSON.stringify(format.spec))).toEqual(format.spec);
  });
});

describe('bad options', () => {
  const cases: [string, unknown, string, RegExp][] = [
    ['blockSize 0', { element: e4m3, blockSize: 0, scale: 'e8m0' }, 'blockSize', /blockSize: 0 \(allowed: an integer 1\.\.2147483647\)\. OCP MX uses 32/],
    ['blockSize 2.5', { element: e4m3, blockSize: 2.5, scale: 'e8m0' }, 'blockSize', /blockSize: 2.5/],
    ['blockSize missing', { element: e4m3, scale: 'e8m0' }, 'blockSize', /blockSize: undefined/],
    ['scale missing', { element: e4m3, blockSize: 32 }, 'scale', /scale: undefined \(allowed: 'power-of-two', 'e8m0', 'real'\)/],
    ['axis by name', { element: e4m3, blockSize: 32, scale: 'e8m0', axis: 'last' }, 'axis', /axis: "last"/],
    ['not a format', { element: { name: 'e4m3' }, blockSize: 32, scale: 'e8m0' }, 'element', /element: "e4m3"/],
  ];
  it.each(cases)('%s', (_label, options, field, message) => {
    const attempt = () => blockFormat(options as BlockFormatOptions);
    expect(attempt).toThrow(FormatSpecError);
    expect(attempt).toThrow(message);
    expect(() => {
      try {
        attempt();
      } catch (error) {
        throw new Error((error as FormatSpecError).field);
      }
    }).toThrow(field);
  });

  it('mxFormat rejects other names and lists the presets', () => {
    expect(() => mxFormat('mxfp9' as MxFormatName)).toThrow(UnknownFormatError);
    expect(() => mxFormat('mxfp9' as MxFormatName)).toThrow(/"mxfp9".*mxfp8_e4m3, mxfp8_e5m2, mxfp6_e3m2, mxfp6_e2m3, mxfp4_e2m1, mxint8/);
  });

  it('rejects a shape whose axis does not exist or whose size is wrong', () => {
    const format = blockFormat({ element: e4m3, blockSize: 4, scale: 'e8m0', axis: 2 });
    expect(() => format.quantize(new Float32Array(6), { shape: [2, 3] })).toThrow(/axis 2, a shape of rank 2 has axes -2\.\.1/);
    expect(() => format.encode(new Float32Array(6), { shape: [2, 2, 2] })).toThrow(/multiply to the number of values, 6 \(this one gives 8\)/);
    const rounding: Rounding = 'stochastic';
    expect(() => format.quantize(new Float32Array(6), { shape: [1, 2, 3], rounding, randomBits: 40 })).toThrow(/randomBits: 40/);
  });
});
