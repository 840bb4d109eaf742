import { describe, expect, it } from 'vitest';
import { FormatSpecError } from '../errors.js';
import { floatFormat } from './index.js';
import type { FloatSpecInput } from './spec.js';

describe('floatFormat spec validation', () => {
  const bad: [label: string, input: FloatSpecInput, field: string, message: RegExp][] = [
    ['mantissaBits 40', { exponentBits: 5, mantissaBits: 40 }, 'mantissaBits', /mantissaBits: 40 \(allowed: an integer 0\.\.23\)/],
    ['exponentBits 0', { exponentBits: 0, mantissaBits: 3 }, 'exponentBits', /exponentBits: 0/],
    ['exponentBits 9', { exponentBits: 9, mantissaBits: 3 }, 'exponentBits', /an integer 1\.\.8/],
    ['fractional mantissa', { exponentBits: 4, mantissaBits: 2.5 }, 'mantissaBits', /2\.5/],
    ['bias too small for float32 max', { exponentBits: 8, mantissaBits: 7, bias: 100 }, 'bias', /at least 127.*exceed float32/],
    ['bias too large for float32 tiny', { exponentBits: 8, mantissaBits: 7, bias: 200 }, 'bias', /at most 143.*below float32/],
    ['unknown specials', { exponentBits: 4, mantissaBits: 3, specials: 'nope' as never }, 'specials', /ieee, fn, fnuz, finite, e8m0/],
    ['unknown overflow', { exponentBits: 4, mantissaBits: 3, overflow: 'clip' as never }, 'overflow', /infinity, nan, saturate/],
    ['infinity without ieee', { exponentBits: 4, mantissaBits: 3, specials: 'fn', overflow: 'infinity' }, 'overflow', /only ieee formats have Inf/],
    ['nan in a finite format', { exponentBits: 2, mantissaBits: 1, specials: 'finite', overflow: 'nan' }, 'overflow', /no NaN code/],
    ['ieee with one exponent bit', { exponentBits: 1, mantissaBits: 3 }, 'exponentBits', /at least 2/],
    ['e8m0 with mantissa', { exponentBits: 8, mantissaBits: 1, specials: 'e8m0' }, 'specials', /e8m0/],
    ['subnormals not boolean', { exponentBits: 4, mantissaBits: 3, subnormals: 'yes' as never }, 'subnormals', /true or false/],
  ];

  it.each(bad)('rejects %s', (_label, input, field, message) => {
    let error: unknown;
    try {
      floatFormat(input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FormatSpecError);
    expect((error as FormatSpecError).field).toBe(field);
    expect((error as FormatSpecError).name).toBe('FormatSpecError');
    expect((error as Error).message).toMatch(message);
  });
});

describe('floatFormat ranges', () => {
  const cases: [name: string, input: FloatSpecInput, max: number, smallestNormal: number, smallestSubnormal: number, bits: number][] = [
    ['float8_e4m3fn', { exponentBits: 4, mantissaBits: 3, specials: 'fn' }, 448, 2 ** -6, 2 ** -9, 8],
    ['float8_e5m2', { exponentBits: 5, mantissaBits: 2 }, 57344, 2 ** -14, 2 ** -16, 8],
    ['float8_e4m3fnuz', { exponentBits: 4, mantissaBits: 3, bias: 8, specials: 'fnuz' }, 240, 2 ** -7, 2 ** -10, 8],
    ['float4_e2m1fn', { exponentBits: 2, mantissaBits: 1, specials: 'finite' }, 6, 1, 0.5, 4],
    ['float8_e8m0fnu', { exponentBits: 8, mantissaBits: 0, specials: 'e8m0' }, 2 ** 127, 2 ** -127, 2 ** -127, 8],
    ['bfloat16', { exponentBits: 8, mantissaBits: 7 }, 3.3895313892515355e38, 2 ** -126, 2 ** -133, 16],
    ['float32', { exponentBits: 8, mantissaBits: 23 }, 3.4028234663852886e38, 2 ** -126, 2 ** -149, 32],
    ['e6m0_finite', { exponentBits: 6, mantissaBits: 0, specials: 'finite' }, 2 ** 32, 2 ** -30, 2 ** -30, 7],
    ['e4m3_nosub', { exponentBits: 4, mantissaBits: 3, subnormals: false }, 240, 2 ** -6, 2 ** -6, 8],
    ['e5m2_b19', { exponentBits: 5, mantissaBits: 2, bias: 19 }, 3584, 2 ** -18, 2 ** -20, 8],
  ];

  it.each(cases)('%s', (name, input, max, smallestNormal, smallestSubnormal, bits) => {
    const format = floatFormat(input);
    expect(format.name).toBe(name);
    expect(format.bits).toBe(bits);
    expect(format.range.max).toBe(max);
    expect(format.range.smallestNormal).toBe(smallestNormal);
    expect(format.range.smallestSubnormal).toBe(smallestSubnormal);
  });
});

describe('floatFormat special values', () => {
  const nan = Number.NaN;
  const rows: [name: string, input: FloatSpecInput, values: number[], expected: number[]][] = [
    ['ieee keeps -0 and Inf', { exponentBits: 5, mantissaBits: 2 }, [-0, Infinity, -Infinity, 1e6], [-0, Infinity, -Infinity, Infinity]],
    ['ieee saturating clamps Inf', { exponentBits: 5, mantissaBits: 2, overflow: 'saturate' }, [Infinity, -1e6], [57344, -57344]],
    ['fn overflows to NaN', { exponentBits: 4, mantissaBits: 3, specials: 'fn' }, [465, 464, -1000, Infinity], [nan, 448, nan, nan]],
    ['fnuz has no -0', { exponentBits: 4, mantissaBits: 3, bias: 8, specials: 'fnuz' }, [-0, -1e-9], [0, 0]],
    ['finite propagates NaN and saturates', { exponentBits: 2, mantissaBits: 1, specials: 'finite' }, [nan, 7, -Infinity], [nan, 6, -6]],
    ['e8m0 has no zero or sign', { exponentBits: 8, mantissaBits: 0, specials: 'e8m0' }, [0, -1, 3, 1e-40], [nan, nan, 4, 2 ** -127]],
    ['no subnormals: half of the smallest normal is a tie to zero', { exponentBits: 4, mantissaBits: 3, subnormals: false }, [2 ** -7, 2 ** -7 * 1.01], [0, 2 ** -6]],
  ];

  it.each(rows)('%s', (_label, input, values, expected) => {
    const result = Array.from(floatFormat(input).quantize(Float32Array.from(values)));
    expect(result).toEqual(expected.map((v) => Math.fround(v)));
  });

  it('writes into options.out, which may be the input itself', () => {
    const format = floatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'fn' });
    const values = Float32Array.from([0.3, 1000]);
    const result = format.quantize(values, { out: values });
    expect(result).toBe(values);
    expect(Array.from(values)).toEqual([0.3125, Number.NaN]);
  });
});
