import { describe, expect, it } from 'vitest';
import { binaryFormat } from '../binary/index.js';
import { FormatSpecError } from '../errors.js';
import { formatFromSpec } from '../from-spec.js';
import { fixedPointFormat } from './index.js';
import { fixedOrBinaryFromName } from './names.js';

describe('fixed point and binary names round-trip', () => {
  const formats = [
    fixedPointFormat({ wordBits: 12, fractionBits: 8 }),
    fixedPointFormat({ wordBits: 8, fractionBits: 8, signed: false, overflow: 'wrap' }),
    fixedPointFormat({ wordBits: 8, fractionBits: -2 }),
    fixedPointFormat({ wordBits: 25, fractionBits: 149, overflow: 'wrap' }),
    fixedPointFormat({ wordBits: 1, fractionBits: 0, signed: false }),
    binaryFormat(),
    binaryFormat({ scale: 0.5 }),
    binaryFormat({ scale: Math.fround(0.1) }),
    binaryFormat({ scale: 2 ** -149 }),
    binaryFormat({ scale: 3.4028234663852886e38 }),
    binaryFormat({ scale: Math.fround(1e25) }), // printed with an exponent: binary_s9.999999562023526e+24
  ];

  it.each(formats.map((format) => [format.name, format] as const))('%s', (name, format) => {
    const parsed = fixedOrBinaryFromName(name);
    expect(parsed?.spec).toEqual(format.spec);
    expect(parsed?.name).toBe(name);
    // The plain-data spec (as stored in checkpoints) gives the same format back.
    expect(formatFromSpec(JSON.parse(JSON.stringify(format.spec))).name).toBe(name);
  });
});

describe('fixedOrBinaryFromName', () => {
  const aliases: [alias: string, canonical: string][] = [
    ['fixed_w8_f4_saturate', 'fixed_w8_f4'],
    ['binary_s1', 'binary'],
    ['binary_s0.50', 'binary_s0.5'],
    ['binary_s2e0', 'binary_s2'],
  ];
  it.each(aliases)('reads %s as %s', (alias, canonical) => {
    expect(fixedOrBinaryFromName(alias)?.name).toBe(canonical);
  });

  const notOurs = ['float8_e4m3fn', 'fixed', 'fixed_w8', 'fixed_w08_f4', 'fixed_w8_f-0', 'fixed_w8_f4_clip', 'Fixed_w8_f4',
    'ufixed_w8_f4_wrap_wrap', 'binary_', 'binary_s', 'binary_s-1', 'binary_s0x10', 'binary_sInfinity', 'binary_s 1', 'binary_scale', ''];
  it.each(notOurs)('returns undefined for %j', (name) => {
    expect(fixedOrBinaryFromName(name)).toBeUndefined();
  });

  const impossible: [name: string, field: string][] = [
    ['fixed_w0_f0', 'wordBits'],
    ['fixed_w40_f0', 'wordBits'],
    ['ufixed_w25_f0', 'wordBits'],
    ['fixed_w8_f200', 'fractionBits'],
    ['binary_s0', 'scale'],
    ['binary_s0.1', 'scale'],
    ['binary_s1e39', 'scale'],
  ];
  it.each(impossible)('throws FormatSpecError for %s (field %s)', (name, field) => {
    expect(() => fixedOrBinaryFromName(name)).toThrow(FormatSpecError);
    try {
      fixedOrBinaryFromName(name);
    } catch (error) {
      expect((error as FormatSpecError).field).toBe(field);
    }
  });
});
