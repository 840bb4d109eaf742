import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FormatSpecError, UnknownFormatError } from './errors.js';
import { fixedPointFormat } from './fixed/index.js';
import { floatFormat } from './float/index.js';
import { elementFormatFromName, parseFormat } from './parse.js';
import { PRESETS } from './presets.js';
import type { ElementFormat, FloatSpec } from './types.js';

type Fields = Omit<FloatSpec, 'kind'>;

function float(exponentBits: number, mantissaBits: number, bias: number, specials: FloatSpec['specials'], overflow: FloatSpec['overflow']): Fields {
  return { exponentBits, mantissaBits, bias, subnormals: specials !== 'e8m0', specials, overflow };
}

/** ml_dtypes' types, written out from ml_dtypes' README (not from NAMED_FLOATS), with max and smallest value. */
const ML_DTYPES: readonly [name: string, spec: Fields, max: number, smallest: number][] = [
  ['float32', float(8, 23, 127, 'ieee', 'infinity'), 3.4028234663852886e38, 2 ** -149],
  ['float16', float(5, 10, 15, 'ieee', 'infinity'), 65504, 2 ** -24],
  ['bfloat16', float(8, 7, 127, 'ieee', 'infinity'), 3.3895313892515355e38, 2 ** -133],
  ['float8_e3m4', float(3, 4, 3, 'ieee', 'infinity'), 15.5, 2 ** -6],
  ['float8_e4m3', float(4, 3, 7, 'ieee', 'infinity'), 240, 2 ** -9],
  ['float8_e4m3fn', float(4, 3, 7, 'fn', 'nan'), 448, 2 ** -9],
  ['float8_e4m3fnuz', float(4, 3, 8, 'fnuz', 'nan'), 240, 2 ** -10],
  ['float8_e4m3b11fnuz', float(4, 3, 11, 'fnuz', 'nan'), 30, 2 ** -13],
  ['float8_e5m2', float(5, 2, 15, 'ieee', 'infinity'), 57344, 2 ** -16],
  ['float8_e5m2fnuz', float(5, 2, 16, 'fnuz', 'nan'), 57344, 2 ** -17],
  ['float8_e8m0fnu', float(8, 0, 127, 'e8m0', 'nan'), 2 ** 127, 2 ** -127],
  ['float6_e2m3fn', float(2, 3, 1, 'finite', 'saturate'), 7.5, 0.125],
  ['float6_e3m2fn', float(3, 2, 3, 'finite', 'saturate'), 28, 0.0625],
  ['float4_e2m1fn', float(2, 1, 1, 'finite', 'saturate'), 6, 0.5],
];

describe('parseFormat: ml_dtypes names', () => {
  it.each(ML_DTYPES)('%s has ml_dtypes meaning', (name, spec, max, smallest) => {
    const format = parseFormat(name);
    expect(format.name).toBe(name);
    expect(format.spec).toEqual({ kind: 'float', ...spec });
    expect(elementFormatFromName(name).range).toMatchObject({ max, smallestSubnormal: smallest });
  });

  it('takes an overflow suffix after an ml_dtypes name', () => {
    expect(parseFormat('float8_e4m3fn_saturate').spec).toMatchObject({ specials: 'fn', overflow: 'saturate' });
    expect(parseFormat('bfloat16_saturate').name).toBe('bfloat16_saturate');
  });
});

describe('parseFormat: generic float, fixed point and binary names', () => {
  it.each([
    ['e4m3_b11', float(4, 3, 11, 'ieee', 'infinity')],
    ['e5m2_b-3_saturate', float(5, 2, -3, 'ieee', 'saturate')],
    ['e5m10_b16_nosub', { ...float(5, 10, 16, 'ieee', 'infinity'), subnormals: false }],
    ['e5m10_b16_finite', float(5, 10, 16, 'finite', 'saturate')],
    ['e6m5', float(6, 5, 31, 'ieee', 'infinity')],
    ['e6m0_finite', float(6, 0, 31, 'finite', 'saturate')],
    ['e3m2_fnuz_nosub_saturate', { ...float(3, 2, 3, 'fnuz', 'saturate'), subnormals: false }],
  ] as const)('%s', (name, spec) => {
    const format = parseFormat(name);
    expect(format.spec).toEqual({ kind: 'float', ...spec });
    expect(format.name).toBe(name);
  });

  it.each([
    ['fixed_w12_f8', { kind: 'fixed', wordBits: 12, fractionBits: 8, signed: true, overflow: 'saturate' }],
    ['fixed_w16_f14', { kind: 'fixed', wordBits: 16, fractionBits: 14, signed: true, overflow: 'saturate' }],
    ['ufixed_w8_f8', { kind: 'fixed', wordBits: 8, fractionBits: 8, signed: false, overflow: 'saturate' }],
    ['fixed_w8_f4_wrap', { kind: 'fixed', wordBits: 8, fractionBits: 4, signed: true, overflow: 'wrap' }],
    ['binary', { kind: 'binary', scale: 1 }],
    ['binary_s0.5', { kind: 'binary', scale: 0.5 }],
  ] as const)('%s', (name, spec) => {
    expect(parseFormat(name).spec).toEqual(spec);
    expect(elementFormatFromName(name).name).toBe(name);
  });

  it.each([
    ['e4m3_fn', 'float8_e4m3fn'],
    // Generic e4m3 (ieee, bias 7) is ml_dtypes' IEEE-style float8_e4m3, not OCP E4M3 (float8_e4m3fn).
    ['e4m3', 'float8_e4m3'],
    ['e4m3_b7', 'float8_e4m3'],
    ['e4m3_b7_fn', 'float8_e4m3fn'],
    ['e8m0_e8m0', 'float8_e8m0fnu'],
    ['e8m7', 'bfloat16'],
    ['float8_e4m3fn_nan', 'float8_e4m3fn'],
    ['fixed_w12_f8_saturate', 'fixed_w12_f8'],
  ])('other spellings of one spec: %s is %s', (spelling, canonical) => {
    expect(parseFormat(spelling).name).toBe(canonical);
  });
});

describe('parseFormat: scaled, block and MX names', () => {
  it.each([
    ['mxfp8_e4m3', 'float8_e4m3fn_saturate'],
    ['mxint8', 'fixed_w8_f6'],
    ['block16_float4_e2m1fn_e8m0', 'float4_e2m1fn'],
    ['scaled_fixed_w8_f0_tensor', 'fixed_w8_f0'],
    ['scaled_float8_e4m3fn_channel0_real', 'float8_e4m3fn'],
  ])('%s has element %s', (name, elementName) => {
    const format = parseFormat(name);
    expect(format.name).toBe(name);
    expect('element' in format && format.element.name).toBe(elementName);
  });

  it('elementFormatFromName refuses tensor formats, naming their element', () => {
    expect(() => elementFormatFromName('mxfp4_e2m1')).toThrow(UnknownFormatError);
    expect(() => elementFormatFromName('mxfp4_e2m1')).toThrow('an element format is needed here, such as its element "float4_e2m1fn"');
  });
});

describe('every name that docs/formats.md shows is canonical', () => {
  it.each([
    'e4m3_b11', 'e5m2_b-3', 'e6m5', 'e5m10_b16_nosub', 'e3m4_b5_nosub_saturate', 'e6m0_finite',
    'float8_e4m3fn_saturate', 'bfloat16_saturate', 'fixed_w16_f8', 'fixed_w16_f14', 'fixed_w8_f-2', 'binary_s0.5',
    'scaled_fixed_w8_f0_tensor', 'scaled_float8_e4m3fn_channel0_real', 'block16_float4_e2m1fn_e8m0',
  ])('%s', (name) => {
    expect(parseFormat(name).name).toBe(name);
  });
});

/** Checks that parseFormat(format.name) has the same name and spec as `format`. */
function expectRoundTrip(format: { name: string; spec: unknown }, name = format.name): void {
  const parsed = parseFormat(name);
  expect(parsed.name).toBe(format.name);
  expect(parsed.spec).toEqual(format.spec);
}

/** Round-trips the format `build` makes; a spec it rejects (FormatSpecError) makes fast-check skip the draw. */
function expectRoundTripIfValid(build: () => ElementFormat): void {
  let format;
  try {
    format = build();
  } catch (error) {
    if (!(error instanceof FormatSpecError)) throw error;
    fc.pre(false);
    return;
  }
  expectRoundTrip(format);
}

describe('round trip: parseFormat(format.name) is the same format', () => {
  it.each(Object.entries(PRESETS))('preset %s', (name, format) => {
    expectRoundTrip(format, name);
  });

  it('random valid float specs', () => {
    const input = fc.record({
      exponentBits: fc.integer({ min: 1, max: 8 }),
      mantissaBits: fc.integer({ min: 0, max: 23 }),
      biasShift: fc.integer({ min: -140, max: 140 }),
      subnormals: fc.boolean(),
      specials: fc.constantFrom('ieee', 'fn', 'fnuz', 'finite', 'e8m0'),
      overflow: fc.constantFrom(undefined, 'infinity', 'nan', 'saturate'),
    });
    fc.assert(
      fc.property(input, ({ exponentBits, mantissaBits, biasShift, ...rest }) => {
        const bias = 2 ** (exponentBits - 1) - 1 + biasShift;
        expectRoundTripIfValid(() => floatFormat({ exponentBits, mantissaBits, bias, ...rest }));
      }),
      { numRuns: 500, maxSkipsPerRun: 1000 },
    );
  });

  it('random valid fixed point specs', () => {
    const input = fc.record({
      signed: fc.boolean(),
      wordBits: fc.integer({ min: 1, max: 25 }),
      fractionBits: fc.integer({ min: -110, max: 149 }),
      overflow: fc.constantFrom('saturate', 'wrap'),
    });
    fc.assert(
      fc.property(input, (spec) => expectRoundTripIfValid(() => fixedPointFormat(spec))),
      { numRuns: 300, maxSkipsPerRun: 1000 },
    );
  });
});

describe('unknown names', () => {
  it.each([
    // Names are exact and lower case (like ml_dtypes'); the hint gives the lower-case name.
    ['BFloat16', 'Format names are lower case. Did you mean "bfloat16"?'],
    ['Float8_E4M3FN', 'Format names are lower case. Did you mean "float8_e4m3fn"?'],
    ['E4M3', 'OCP\'s E4M3 is "float8_e4m3fn"; "e4m3" here is an IEEE-style float with Inf and NaN.'],
    ['fp16', 'Did you mean "float16"?'],
    ['bf16', 'Did you mean "bfloat16"?'],
    ['fp8', 'Did you mean "float8_e4m3fn", "float8_e5m2"?'],
    ['fp8_e5m2', 'Did you mean "float8_e5m2"?'],
    ['e4m3fn', 'Did you mean "float8_e4m3fn"?'],
    ['e4m3fnuz', 'Did you mean "float8_e4m3fnuz"?'],
    ['float8_e4m3fz', 'Did you mean "float8_e4m3fn", "float8_e4m3", "float8_e4m3fnuz"?'],
    ['bfloat61', 'Did you mean "bfloat16"?'],
    ['fixed_w12', 'Did you mean "fixed_w12_f8"?'],
    ['mxfp8', 'Did you mean "mxfp8_e4m3", "mxfp8_e5m2"?'],
    ['e4m3_fn_b7', 'Generic float names are e<E>m<M>[_b<bias>][_fn|_fnuz|_finite|_e8m0][_nosub][_infinity|_nan|_saturate], in this order.'],
    ['float8_e5m3fnu', "It is ml_dtypes' unsigned float8_e5m3fnu"],
    ['int8', '"fixed_w8_f0"'],
    ['', 'Every name and its grammar: docs/formats.md'],
  ])('%j', (name, hint) => {
    const run = () => parseFormat(name);
    expect(run).toThrow(UnknownFormatError);
    expect(run).toThrow(`unknown format name ${JSON.stringify(name)}.`);
    expect(run).toThrow(hint);
    expect(run).toThrow('docs/formats.md');
  });

  it('names a non-string argument', () => {
    expect(() => parseFormat(42 as unknown as string)).toThrow('A format name is a string such as "float8_e4m3fn", not number');
  });

  it.each([
    ['e9m3', 'invalid exponentBits: 9 (allowed: an integer 1..8). In format name "e9m3"'],
    ['e4m3_fn_infinity', "invalid overflow: \"infinity\" (allowed: 'nan' or 'saturate' with specials 'fn'). In format name \"e4m3_fn_infinity\" (only ieee formats have Inf)"],
    ['e8m23_b-10', 'In format name "e8m23_b-10"'],
    ['fixed_w40_f0', 'invalid wordBits: 40'],
  ])('a well-formed name of an impossible spec, %s, throws FormatSpecError', (name, message) => {
    expect(() => parseFormat(name)).toThrow(FormatSpecError);
    expect(() => parseFormat(name)).toThrow(message);
  });
});
