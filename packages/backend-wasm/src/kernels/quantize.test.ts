import { binaryFormat, fixedPointFormat, floatFormat, mix32, parseFormat, randomUint32, ROUNDINGS, streamKey, type ElementFormat, type Rounding } from '@lowbit/formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wasmBackend } from '../backend.js';

// Bit-exactness of the wasm quantize against @lowbit/formats, beyond the conformance cases: every
// top-16-bit pattern of float32 (every sign, exponent and leading mantissa bits) with four low
// halves (0, a tie 0x8000, 0x7fff just below it, and a random one), in every rounding mode,
// for formats that exercise every path (subnormals or not, each kind of specials and overflow,
// mantissa 0, the scalar path, e8m0; fixed point saturating and wrapping), on two threads (so parts and tails are covered too).
const backend = wasmBackend({ threads: 2, name: 'wasm (quantize test)' });
beforeAll(() => backend.ready());
afterAll(() => backend.shutdown());

function everyPattern(): Float32Array {
  const bits = new Uint32Array(65536 * 4);
  let state = 12345;
  for (let high = 0; high < 65536; high++) {
    state = mix32(state + high);
    bits.set([high << 16, (high << 16) | 0x8000, (high << 16) | 0x7fff, ((high << 16) | (state & 0xffff)) >>> 0], high * 4);
  }
  return new Float32Array(bits.buffer);
}

const values = everyPattern();
const input = backend.upload(values, [values.length], 'float32');

const STOCHASTIC: readonly (readonly [seed: number, offset: number, randomBits: number])[] = [
  [0, 0, 32],
  [987654321, 2 ** 32 - 100_000, 32], // the counter crosses 2^32 inside the array: two stream keys
  [5, 77, 8],
  [6, 3, 1],
  [7, 0, 23],
];

function settings(rounding: Rounding): { rounding: Rounding; seed: number; offset: number; randomBits: number }[] {
  if (rounding !== 'stochastic') return [{ rounding, seed: 0, offset: 0, randomBits: 32 }];
  return STOCHASTIC.map(([seed, offset, randomBits]) => ({ rounding, seed, offset, randomBits }));
}

function firstMismatch(actual: Float32Array, expected: Float32Array): string | undefined {
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== e[i]) {
      const x = new Uint32Array(values.buffer)[i];
      return `input 0x${x.toString(16)} (${values[i]}): got 0x${a[i].toString(16)}, expected 0x${e[i].toString(16)}`;
    }
  }
  return undefined;
}

function check(format: ElementFormat): void {
  for (const rounding of ROUNDINGS) {
    for (const options of settings(rounding)) {
      const result = backend.kernels.quantize(input, { format, ...options });
      expect(result.shape).toEqual(input.shape);
      const actual = backend.download(result) as Float32Array;
      backend.dispose(result);
      expect(firstMismatch(actual, format.quantize(values, options)), `${format.name} ${JSON.stringify(options)}`).toBeUndefined();
    }
  }
}

const FLOAT_FORMATS: ElementFormat[] = [
  parseFormat('float8_e4m3fn') as ElementFormat,
  parseFormat('float8_e5m2') as ElementFormat,
  parseFormat('float8_e4m3fnuz') as ElementFormat,
  parseFormat('float8_e5m2fnuz') as ElementFormat,
  parseFormat('float8_e4m3b11fnuz') as ElementFormat,
  parseFormat('float6_e2m3fn') as ElementFormat,
  parseFormat('float4_e2m1fn') as ElementFormat,
  parseFormat('bfloat16') as ElementFormat,
  parseFormat('float16') as ElementFormat,
  floatFormat({ exponentBits: 4, mantissaBits: 3, subnormals: false }),
  floatFormat({ exponentBits: 3, mantissaBits: 2, specials: 'finite', subnormals: false }),
  floatFormat({ exponentBits: 6, mantissaBits: 0, specials: 'finite' }),
  floatFormat({ exponentBits: 5, mantissaBits: 0 }),
  floatFormat({ exponentBits: 4, mantissaBits: 3, bias: 3, overflow: 'saturate' }),
  floatFormat({ exponentBits: 5, mantissaBits: 10, bias: 30, specials: 'fn' }),
  // Scalar path: minExponent below float32's, and a float32-wide mantissa.
  floatFormat({ exponentBits: 8, mantissaBits: 3, bias: 140 }),
  floatFormat({ exponentBits: 8, mantissaBits: 23 }),
  floatFormat({ exponentBits: 8, mantissaBits: 22, subnormals: false }),
  // e8m0 (unsigned powers of two, no zero), with NaN or saturating overflow.
  parseFormat('float8_e8m0fnu') as ElementFormat,
  floatFormat({ exponentBits: 8, mantissaBits: 0, specials: 'e8m0', overflow: 'saturate' }),
];

describe('wasm quantize equals @lowbit/formats bit for bit (262144 patterns per case)', () => {
  for (const format of FLOAT_FORMATS) it(`${format.name}, every rounding`, () => check(format));
  for (const format of [
    fixedPointFormat({ wordBits: 8, fractionBits: 4 }),
    fixedPointFormat({ wordBits: 6, fractionBits: 2, signed: false }),
    fixedPointFormat({ wordBits: 16, fractionBits: 12 }),
    fixedPointFormat({ wordBits: 25, fractionBits: -20 }),
    fixedPointFormat({ wordBits: 4, fractionBits: 149 }),
    // Wrap-around overflow: huge inputs wrap modulo 2^wordBits (ToInt32 of integers far beyond 2^32).
    fixedPointFormat({ wordBits: 8, fractionBits: 3, overflow: 'wrap' }),
    fixedPointFormat({ wordBits: 5, fractionBits: -2, signed: false, overflow: 'wrap' }),
    fixedPointFormat({ wordBits: 24, fractionBits: 100, overflow: 'wrap' }),
    fixedPointFormat({ wordBits: 12, fractionBits: -100, overflow: 'wrap' }),
    binaryFormat(),
    binaryFormat({ scale: 0.375 }),
  ]) {
    it(`${format.name}, every rounding`, () => check(format));
  }
});

describe('the generator keys match formats', () => {
  it('bits of (seed, counter) equal randomUint32', () => {
    for (const [seed, counter] of [[0, 0], [1, 5], [2 ** 40 + 3, 2 ** 35 + 7], [123, 2 ** 32 - 1]]) {
      const { first, second } = streamKey(seed, Math.floor(counter / 2 ** 32));
      expect(mix32(mix32((counter >>> 0) ^ first) ^ second)).toBe(randomUint32(seed, counter));
    }
  });
});
