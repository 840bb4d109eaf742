import { floatFormat } from '@lowbit/formats';
import { describe, expect, it } from 'vitest';
import { randomNormal } from '../creation.js';
import { ArgumentError } from '../errors.js';
import { quantize } from './quantize.js';

describe('quantize op', () => {
  const e4m3 = floatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'fn' });

  it('equals format.quantize bit for bit, stochastic rounding included', () => {
    const x = randomNormal([4, 33], { seed: 5 });
    const options = { rounding: 'stochastic' as const, seed: 11, offset: 3 };
    expect(quantize(x, e4m3, options).data()).toEqual(e4m3.quantize(x.data() as Float32Array, options));
    expect(quantize(x, e4m3).data()).toEqual(e4m3.quantize(x.data() as Float32Array));
  });

  it('validates the format and, through @lowbit/formats, the options', () => {
    const x = randomNormal([2]);
    expect(() => quantize(x, {} as never)).toThrow(ArgumentError);
    expect(() => quantize(x, e4m3, { rounding: 'up' as never })).toThrow('invalid quantize option rounding: "up"');
    expect(() => quantize(x, e4m3, { seed: -1 })).toThrow('invalid quantize option seed: -1 (allowed: a non-negative safe integer)');
    expect(() => quantize(x, e4m3, { randomBits: 40 })).toThrow('invalid quantize option randomBits: 40 (allowed: an integer 1..32)');
  });
});
