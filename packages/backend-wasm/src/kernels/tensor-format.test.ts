import {
  binaryFormat, blockFormat, fixedPointFormat, floatFormat, mix32, mxFormat, MX_FORMAT_NAMES, parseFormat, ROUNDINGS, scaledFormat,
  type ElementFormat, type Rounding, type TensorFormat,
} from '@lowbit/formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wasmBackend } from '../backend.js';

// Tensor formats (scaled per tensor or channel, block-scaled, MX) in wasm against formats'
// format.quantize, bit for bit: every MX preset and block/scaled variants that exercise each path
// (blocks along the last axis or another one, per-value groups, every scale rule, margins that
// push scales to NaN or to tiny values, float, fixed, wrapping and binary elements), in every
// rounding mode, over 65536 values holding NaN, ±Inf, zeros, float32 subnormals and huge values,
// on one thread and on two threads that split every call (so groups straddle units of work).
const one = wasmBackend({ threads: 1, name: 'wasm (tensor formats, 1 thread)' });
const two = wasmBackend({ threads: 2, name: 'wasm (tensor formats, 2 threads)', splitAllWork: true });
beforeAll(() => two.ready());
afterAll(() => two.shutdown());

const COUNT = 65536;

/** Float32 patterns over every exponent: sorted (neighbours alike, NaN and Inf groups) or shuffled. */
function patterns(shuffled: boolean): Float32Array {
  const bits = new Uint32Array(COUNT);
  let state = shuffled ? 99 : 7;
  for (let i = 0; i < COUNT; i++) {
    state = mix32(state + i);
    bits[i] = ((i << 16) | (state & 0xffff)) >>> 0;
  }
  if (shuffled) {
    // A shuffle of the finite patterns, then a few special values at fixed places.
    for (let i = COUNT - 1; i > 0; i--) {
      state = mix32(state ^ i);
      const j = state % (i + 1);
      [bits[i], bits[j]] = [bits[j], bits[i]];
    }
    for (let i = 0; i < COUNT; i++) if ((bits[i] & 0x7f800000) === 0x7f800000) bits[i] &= 0xbfffffff;
    const values = new Float32Array(bits.buffer);
    values.set([0, -0, 1e-45, -3e-39, 448, -480, 3.4e38], 1000);
    values.set([NaN, Infinity, -Infinity], 40000);
    return values;
  }
  return new Float32Array(bits.buffer);
}

const SORTED = patterns(false);
const SHUFFLED = patterns(true);

const STOCHASTIC: readonly (readonly [seed: number, offset: number, randomBits: number])[] = [
  [0, 0, 32],
  [987654321, 2 ** 32 - 20_000, 32], // the counter crosses 2^32 inside the tensor: two stream keys
  [5, 77, 8],
];

interface Setting {
  rounding: Rounding;
  seed: number;
  offset: number;
  randomBits: number;
}

function settings(): Setting[] {
  return ROUNDINGS.flatMap((rounding): Setting[] =>
    rounding === 'stochastic' ? STOCHASTIC.map(([seed, offset, randomBits]) => ({ rounding, seed, offset, randomBits })) : [{ rounding, seed: 0, offset: 0, randomBits: 32 }],
  );
}

function firstMismatch(values: Float32Array, actual: Float32Array, expected: Float32Array): string | undefined {
  const a = new Uint32Array(actual.buffer, actual.byteOffset, actual.length);
  const e = new Uint32Array(expected.buffer, expected.byteOffset, expected.length);
  const x = new Uint32Array(values.buffer);
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== e[i]) return `index ${i}, input 0x${x[i].toString(16)} (${values[i]}): got 0x${a[i].toString(16)}, expected 0x${e[i].toString(16)}`;
  }
  return undefined;
}

function check(format: TensorFormat, shape: number[]): void {
  const size = shape.reduce((p, d) => p * d, 1);
  for (const values of [SORTED.slice(0, size), SHUFFLED.slice(0, size)]) {
    const inputs = [one, two].map((backend) => [backend, backend.upload(values, shape, 'float32')] as const);
    for (const options of settings()) {
      const expected = format.quantize(values, { ...options, shape });
      for (const [backend, input] of inputs) {
        const result = backend.kernels.quantize(input, { format, ...options });
        const actual = backend.download(result) as Float32Array;
        backend.dispose(result);
        expect(firstMismatch(values, actual, expected), `${format.name} [${shape}] ${backend.name} ${JSON.stringify(options)}`).toBeUndefined();
      }
    }
    for (const [backend, input] of inputs) backend.dispose(input);
  }
}

const e4m3 = parseFormat('float8_e4m3fn') as ElementFormat;
const CASES: [TensorFormat, number[]][] = [
  ...MX_FORMAT_NAMES.map((name): [TensorFormat, number[]] => [mxFormat(name), [COUNT]]),
  [mxFormat('mxfp8_e4m3'), [256, 256]],
  // Blocks along a leading axis (consecutive groups per value), and a block size that does not divide.
  [blockFormat({ element: e4m3, blockSize: 16, scale: 'power-of-two', axis: 0 }), [64, 1024]],
  [blockFormat({ element: parseFormat('bfloat16') as ElementFormat, blockSize: 7, scale: 'real', margin: 2 }), [128, 512]],
  [blockFormat({ element: floatFormat({ exponentBits: 3, mantissaBits: 2, subnormals: false }), blockSize: 5, scale: 'e8m0', axis: 1 }), [16, 37, 109]],
  // One value per group (block 1 on the last axis).
  [blockFormat({ element: e4m3, blockSize: 1, scale: 'e8m0' }), [512, 128]],
  [scaledFormat({ element: e4m3, granularity: 'tensor' }), [COUNT]],
  [scaledFormat({ element: parseFormat('float8_e5m2fnuz') as ElementFormat, granularity: 'channel', axis: 0 }), [64, 32, 32]],
  [scaledFormat({ element: e4m3, granularity: 'channel', axis: 1, scale: 'real', margin: -3 }), [8, 256, 32]],
  // Channels on the last axis: one group per value of a row.
  [scaledFormat({ element: e4m3, granularity: 'channel', axis: -1, scale: 'e8m0' }), [256, 256]],
  // Margins that make scales overflow (NaN) or very small (values saturate).
  [scaledFormat({ element: e4m3, granularity: 'channel', axis: 0, margin: 120 }), [256, 256]],
  [blockFormat({ element: e4m3, blockSize: 32, scale: 'real', margin: -254 }), [COUNT]],
  [blockFormat({ element: e4m3, blockSize: 32, scale: 'power-of-two', margin: -200 }), [COUNT]],
  // Fixed point (saturating, wrapping), binary elements.
  [mxFormat('mxint8'), [128, 512]],
  [scaledFormat({ element: fixedPointFormat({ wordBits: 4, fractionBits: 0 }), granularity: 'tensor', scale: 'real' }), [COUNT]],
  [scaledFormat({ element: fixedPointFormat({ wordBits: 8, fractionBits: 2, signed: false, overflow: 'wrap' }), granularity: 'channel', axis: 0 }), [256, 256]],
  [blockFormat({ element: binaryFormat({ scale: 0.5 }), blockSize: 8, scale: 'real' }), [COUNT]],
];

describe('wasm tensor-format quantize equals @lowbit/formats bit for bit (65536 values, sorted and shuffled)', () => {
  for (const [format, shape] of CASES) it(`${format.name} [${shape}], every rounding`, () => check(format, shape));
});
