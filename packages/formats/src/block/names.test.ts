import { describe, expect, it } from 'vitest';
import { FormatSpecError, UnknownFormatError } from '../errors.js';
import { fixedPointFormat } from '../fixed/index.js';
import { floatFormat } from '../float/index.js';
import { formatFromSpec } from '../from-spec.js';
import { elementFormatFromName } from '../parse.js';
import { scaledFormat } from '../scaled/index.js';
import type { ElementFormat } from '../types.js';
import { blockFormat } from './index.js';
import { MX_FORMATS } from './mx.js';
import { tensorFormatFromName, tensorFormatFromSpec } from './names.js';

const e4m3 = floatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'fn' });
const e4m3Saturating = floatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'fn', overflow: 'saturate' });
const int8 = fixedPointFormat({ wordBits: 8, fractionBits: 0 });
const elementsByName = new Map<string, ElementFormat>([e4m3, e4m3Saturating, int8].map((format) => [format.name, format]));

/** A small element parser, so these tests do not depend on src/parse.ts. */
function parseElement(name: string): ElementFormat {
  const format = elementsByName.get(name);
  if (!format) throw new UnknownFormatError(name, 'test parser knows float8_e4m3fn, float8_e4m3fn_saturate, fixed_w8_f0');
  return format;
}

const formats = [
  ...Object.values(MX_FORMATS),
  scaledFormat({ element: int8, granularity: 'tensor' }),
  scaledFormat({ element: int8, granularity: 'channel' }),
  scaledFormat({ element: int8, granularity: 'channel', axis: -2, scale: 'real', margin: -3 }),
  scaledFormat({ element: e4m3, granularity: 'tensor', scale: 'e8m0', margin: 2 }),
  blockFormat({ element: e4m3, blockSize: 16, scale: 'e8m0' }),
  blockFormat({ element: e4m3Saturating, blockSize: 32, scale: 'e8m0', axis: 0 }),
  blockFormat({ element: e4m3Saturating, blockSize: 32, scale: 'e8m0', margin: 1 }),
  blockFormat({ element: int8, blockSize: 7, scale: 'power-of-two', axis: 2, margin: -1 }),
  blockFormat({ element: int8, blockSize: 1, scale: 'real' }),
];

describe('names and specs round-trip', () => {
  it.each(formats.map((format) => [format.name, format] as const))('%s', (name, format) => {
    const parsed = tensorFormatFromName(name, parseElement);
    expect(parsed?.name).toBe(name);
    expect(parsed?.spec).toEqual(format.spec);
    const fromSpec = tensorFormatFromSpec(JSON.parse(JSON.stringify(format.spec)), formatFromSpec);
    expect(fromSpec.name).toBe(name);
    expect(fromSpec.spec).toEqual(format.spec);
  });

  it.each(formats.map((format) => format.name))('%s with the package element parser', (name) => {
    expect(tensorFormatFromName(name, elementFormatFromName)?.name).toBe(name);
  });

  it('the example name from the design', () => {
    expect(tensorFormatFromName('block16_float8_e4m3fn_e8m0', parseElement)?.spec).toEqual({
      kind: 'block', element: e4m3.spec, blockSize: 16, axis: -1, scale: 'e8m0', margin: 0,
    });
  });

  it('a block spec equal to a preset takes the preset name', () => {
    expect(blockFormat({ element: e4m3Saturating, blockSize: 32, scale: 'e8m0' }).name).toBe('mxfp8_e4m3');
    expect(tensorFormatFromName('block32_float8_e4m3fn_saturate_e8m0', parseElement)?.name).toBe('mxfp8_e4m3');
    // the non-saturating element is another spec, so another name
    expect(blockFormat({ element: e4m3, blockSize: 32, scale: 'e8m0' }).name).toBe('block32_float8_e4m3fn_e8m0');
  });
});

describe('names that are not tensor formats', () => {
  it.each(['float8_e4m3fn', 'fixed_w8_f0', 'mxfp8', 'scaled_tensor', 'block_float8_e4m3fn_e8m0', 'block16_float8_e4m3fn', 'scaled_fixed_w8_f0_block'])(
    '%s -> undefined',
    (name) => expect(tensorFormatFromName(name, parseElement)).toBeUndefined(),
  );

  it('an unknown element throws UnknownFormatError naming both', () => {
    const attempt = () => tensorFormatFromName('scaled_float9_tensor', parseElement);
    expect(attempt).toThrow(UnknownFormatError);
    expect(attempt).toThrow(/"scaled_float9_tensor".*element "float9" is not an element format name/);
  });

  it('impossible fields throw FormatSpecError', () => {
    expect(tensorFormatFromName('block0_float8_e4m3fn_e8m0', parseElement)).toBeUndefined(); // block sizes start at 1
    expect(() => tensorFormatFromName('scaled_fixed_w8_f0_tensor_margin300', parseElement)).toThrow(FormatSpecError);
  });

  it('tensorFormatFromSpec rejects other kinds', () => {
    expect(() => tensorFormatFromSpec({ kind: 'float' } as never)).toThrow(FormatSpecError);
    expect(() => tensorFormatFromSpec({ kind: 'float' } as never)).toThrow(/kind: "float" \(allowed: 'scaled' or 'block'\)/);
  });
});
