import { describe, expect, it } from 'vitest';
import { FormatSpecError, QuantizeOptionsError } from '../errors.js';
import { fixedPointFormat } from '../fixed/index.js';
import { floatFormat } from '../float/index.js';
import type { ElementFormat } from '../types.js';
import { scaledFormat, type ScaledFormatOptions } from './index.js';

const int8 = fixedPointFormat({ wordBits: 8, fractionBits: 0 }); // RCT: integers with a scale
const e4m3 = floatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'fn' });
const e6m0 = floatFormat({ exponentBits: 6, mantissaBits: 0, specials: 'finite' });

describe('scaledFormat per tensor', () => {
  // [label, format options, values, expected scale, expected values]
  const cases: [string, ScaledFormatOptions, number[], number, number[]][] = [
    // amax 3: 3/2^-5 = 96 <= 127; codes 96, 32, -16, 0.1·32 = 3.2 -> 3
    ['int8, power of two', { element: int8, granularity: 'tensor' }, [3, 1, -0.5, 0.1], 2 ** -5, [3, 1, -0.5, 3 / 32]],
    // real scale 3/127: 3 -> 127 exactly, 1 -> 42.33 -> 42
    ['int8, real', { element: int8, granularity: 'tensor', scale: 'real' }, [3, 1], Math.fround(3 / 127), [Math.fround(127 * Math.fround(3 / 127)), Math.fround(42 * Math.fround(3 / 127))]],
    // margin 1 doubles the scale: 3 -> 48, 0.1 -> 1.6 -> 2
    ['int8, margin 1', { element: int8, granularity: 'tensor', margin: 1 }, [3, 0.1], 2 ** -4, [3, 2 / 16]],
    // E4M3 max 448: amax 1000 -> scale 4, 1000/4 = 250 -> 256 (spacing 16 in [128, 256))
    ['e4m3, power of two', { element: e4m3, granularity: 'tensor' }, [1000, -3], 4, [1024, -3]],
    // e8m0 rule: floor(log2 1000) - 8 = 1: 1000/2 = 500 saturates to 448
    ['e4m3, e8m0 rule', { element: e4m3, granularity: 'tensor', scale: 'e8m0' }, [1000, -3], 2, [896, -3]],
    // Ortiz's 7-bit power of two with local scaling: max 2^32, amax 2^40 -> scale 2^8
    ['e6m0 power of two', { element: e6m0, granularity: 'tensor' }, [2 ** 40, 3], 2 ** 8, [2 ** 40, 4]],
    ['all zero: scale 1', { element: int8, granularity: 'tensor' }, [0, -0, 0], 1, [0, 0, 0]], // fixed point has no -0
    ['all zero, e4m3 keeps -0', { element: e4m3, granularity: 'tensor' }, [0, -0], 1, [0, -0]],
    ['all zero, real: scale 1', { element: int8, granularity: 'tensor', scale: 'real' }, [0, 0], 1, [0, 0]],
    ['empty', { element: int8, granularity: 'tensor' }, [], 1, []],
  ];
  it.each(cases)('%s', (_label, options, values, scale, expected) => {
    const format = scaledFormat(options);
    const input = Float32Array.from(values);
    const encoding = format.encode(input);
    expect(Array.from(encoding.scales)).toEqual([scale]);
    expect(Array.from(format.quantize(input))).toEqual(expected);
    expect(Array.from(format.decode(encoding))).toEqual(expected);
  });
});

describe('scaledFormat per channel', () => {
  const values = Float32Array.of(3, 1, 0.1, 100, -0.5, 0.25); // shape [2, 3]
  it('axis 0: one scale per row', () => {
    const format = scaledFormat({ element: int8, granularity: 'channel' });
    const encoding = format.encode(values, { shape: [2, 3] });
    expect(Array.from(encoding.scales)).toEqual([2 ** -5, 1]); // rows: amax 3, amax 100
    expect(Array.from(encoding.codes)).toEqual([96, 32, 3, 100, 0, 0]); // -0.5 -> 0 (ties to even; fixed point has no -0)
    expect(Array.from(format.quantize(values, { shape: [2, 3] }))).toEqual([3, 1, 3 / 32, 100, 0, 0]);
  });

  it('axis 1: one scale per column', () => {
    const format = scaledFormat({ element: int8, granularity: 'channel', axis: 1 });
    const encoding = format.encode(values, { shape: [2, 3] });
    // columns: amax 100 -> 1, amax 1 -> 2^-6 (1·64 <= 127), amax 0.25 -> 2^-8
    expect(Array.from(encoding.scales)).toEqual([1, 2 ** -6, 2 ** -8]);
    expect(Array.from(format.quantize(values, { shape: [2, 3] }))).toEqual([3, 1, Math.fround(26 / 256), 100, -0.5, 0.25]);
  });

  it('a NaN or Inf makes only its own channel NaN', () => {
    const format = scaledFormat({ element: int8, granularity: 'channel' });
    const input = Float32Array.of(1, NaN, 2, 3, Infinity, 4, 5);
    const result = format.quantize(input, { shape: [7] });
    expect(Array.from(result)).toEqual([1, NaN, 2, 3, NaN, 4, 5]);
    const rows = format.quantize(Float32Array.of(1, NaN, 2, 3), { shape: [2, 2] });
    expect(Array.from(rows)).toEqual([NaN, NaN, 2, 3]);
    expect(Array.from(format.encode(Float32Array.of(1, -Infinity, 2, 3), { shape: [2, 2] }).scales)).toEqual([NaN, 2 ** -5]); // row [2, 3]: amax 3
  });
});

describe('non-finite values per tensor', () => {
  const format = scaledFormat({ element: e4m3, granularity: 'tensor' });
  it.each([NaN, Infinity, -Infinity])('%d makes the whole group NaN, never a number', (bad) => {
    const result = format.quantize(Float32Array.of(1, bad, -2));
    expect(result.every(Number.isNaN)).toBe(true);
    const encoding = format.encode(Float32Array.of(1, bad, -2));
    expect(encoding.scales[0]).toBeNaN();
    expect(format.decode(encoding).every(Number.isNaN)).toBe(true);
  });

  it('with caller scales, NaN stays on its value and Inf follows the element format', () => {
    const scales = Float32Array.of(1);
    const result = format.quantize(Float32Array.of(1, NaN, Infinity, 1000), { scales });
    // float8_e4m3fn has no Inf: Inf becomes NaN; the finite 1000 saturates to 448.
    expect(Array.from(result)).toEqual([1, NaN, NaN, 448]);
    const saturating = scaledFormat({ element: floatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'fn', overflow: 'saturate' }), granularity: 'tensor' });
    expect(Array.from(saturating.quantize(Float32Array.of(-Infinity, 2), { scales }))).toEqual([-448, 2]);
  });
});

describe('caller-given scales', () => {
  it('keeps a running scale and saturates what exceeds it', () => {
    const format = scaledFormat({ element: int8, granularity: 'channel' });
    const scales = Float32Array.of(2 ** -4, 1);
    const result = format.quantize(Float32Array.of(10, 0.1, 300, -300), { shape: [2, 2], scales });
    expect(Array.from(result)).toEqual([127 / 16, 2 / 16, 127, -128]);
    expect(Array.from(format.encode(Float32Array.of(10, 0.1, 300, -300), { shape: [2, 2], scales }).scales)).toEqual([2 ** -4, 1]);
  });

  it('validates them', () => {
    const format = scaledFormat({ element: int8, granularity: 'channel' });
    const values = Float32Array.of(1, 2, 3, 4);
    expect(() => format.quantize(values, { shape: [2, 2], scales: Float32Array.of(1) })).toThrow(QuantizeOptionsError);
    expect(() => format.quantize(values, { shape: [2, 2], scales: Float32Array.of(1) })).toThrow(/2 scales, one per group/);
    expect(() => format.quantize(values, { shape: [2, 2], scales: Float32Array.of(1, 0.75) })).toThrow(/scales\[1\]: 0.75.*powers of two/);
    const real = scaledFormat({ element: int8, granularity: 'channel', scale: 'real' });
    expect(Array.from(real.quantize(values, { shape: [2, 2], scales: Float32Array.of(0.75, 0.5) }))).toEqual([0.75, 2.25, 3, 4]);
  });
});

describe('spec, name and bits', () => {
  const cases: [ScaledFormatOptions, string, number][] = [
    [{ element: int8, granularity: 'tensor' }, 'scaled_fixed_w8_f0_tensor', 8],
    [{ element: int8, granularity: 'channel' }, 'scaled_fixed_w8_f0_channel0', 8],
    [{ element: e4m3, granularity: 'channel', axis: -1, scale: 'real' }, 'scaled_float8_e4m3fn_channel-1_real', 32],
    [{ element: e4m3, granularity: 'tensor', scale: 'e8m0', margin: -2 }, 'scaled_float8_e4m3fn_tensor_e8m0_margin-2', 8],
    [{ element: e6m0, granularity: 'channel', axis: 1, margin: 3 }, 'scaled_e6m0_finite_channel1_margin3', 8],
  ];
  it.each(cases)('%#: %s', (options, name, scaleBits) => {
    const format = scaledFormat(options);
    expect(format.name).toBe(name);
    expect(format.bits).toBe(options.element.bits);
    expect(format.bitsPerValue).toBe(options.element.bits);
    expect(format.scaleBits).toBe(scaleBits);
    expect(format.spec.kind).toBe('scaled');
    expect(format.spec.element).toEqual(options.element.spec);
    expect(JSON.parse(JSON.stringify(format.spec))).toEqual(format.spec);
    expect(Object.isFrozen(format.spec)).toBe(true);
  });

  it('counts storage for a shape', () => {
    const format = scaledFormat({ element: int8, granularity: 'channel' });
    expect(format.scaleCount([16, 9])).toBe(16);
    expect(format.storageBits([16, 9])).toBe(16 * 9 * 8 + 16 * 8);
    const real = scaledFormat({ element: int8, granularity: 'tensor', scale: 'real' });
    expect(real.storageBits([16, 9])).toBe(16 * 9 * 8 + 32);
  });
});

describe('bad options', () => {
  const badSpecs: [string, unknown, string, RegExp][] = [
    ['no element', { granularity: 'tensor' }, 'element', /element: undefined \(allowed: an element format/],
    ['element by name', { element: 'float8_e4m3fn', granularity: 'tensor' }, 'element', /"float8_e4m3fn"/],
    ['e8m0 element', { element: floatFormat({ exponentBits: 8, mantissaBits: 0, specials: 'e8m0' }), granularity: 'tensor' }, 'element', /has no zero/],
    ['granularity block', { element: int8, granularity: 'block' }, 'granularity', /'tensor' or 'channel'\)\. use blockFormat/],
    ['axis with tensor', { element: int8, granularity: 'tensor', axis: 1 }, 'axis', /only applies to granularity 'channel'/],
    ['fractional axis', { element: int8, granularity: 'channel', axis: 0.5 }, 'axis', /axis: 0.5/],
    ['unknown scale', { element: int8, granularity: 'tensor', scale: 'log' }, 'scale', /'power-of-two', 'e8m0', 'real'/],
    ['fractional margin', { element: int8, granularity: 'tensor', margin: 0.5 }, 'margin', /margin: 0.5 \(allowed: an integer -254\.\.254/],
    ['not an object', null, 'options', /options: null/],
  ];
  it.each(badSpecs)('%s: FormatSpecError', (_label, options, field, message) => {
    const attempt = () => scaledFormat(options as ScaledFormatOptions);
    expect(attempt).toThrow(FormatSpecError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect((error as FormatSpecError).field).toBe(field);
    }
  });

  const format = scaledFormat({ element: int8, granularity: 'channel', axis: 1 });
  const values = Float32Array.of(1, 2, 3, 4, 5, 6);
  const badOptions: [string, () => unknown, RegExp][] = [
    ['shape product', () => format.quantize(values, { shape: [4, 2] }), /shape: \[4,2\].*multiply to the number of values, 6 \(this one gives 8\)/],
    ['axis beyond rank', () => format.quantize(values, { shape: [6] }), /scales along axis 1, a shape of rank 1 has axes -1\.\.0/],
    ['rounding', () => format.quantize(values, { shape: [2, 3], rounding: 'up' as never }), /rounding: "up"/],
    ['seed', () => format.encode(values, { shape: [2, 3], seed: -1 }), /seed: -1/],
    ['out length', () => format.quantize(values, { shape: [2, 3], out: new Float32Array(2) }), /out: "Float32Array\(2\)"/],
    ['values', () => format.encode([1, 2] as unknown as Float32Array), /values: "\[object Array\]"/],
  ];
  it.each(badOptions)('%s: QuantizeOptionsError', (_label, attempt, message) => {
    expect(attempt).toThrow(QuantizeOptionsError);
    expect(attempt).toThrow(message);
  });
});

it('an element format other than float works as element (RCT integers, 12-bit fixed point)', () => {
  const element: ElementFormat = fixedPointFormat({ wordBits: 12, fractionBits: 0 });
  const format = scaledFormat({ element, granularity: 'tensor' });
  const values = Float32Array.of(0.001, -0.0004, 0.00025);
  // amax 0.001: 0.001/2^-21 = 2097.152 <= 2047? no; 2^-20: 1048.6 <= 2047: scale 2^-20
  expect(format.encode(values).scales[0]).toBe(2 ** -20);
  expect(Array.from(format.encode(values).codes)).toEqual([1049, 4096 - 419, 262]);
});
