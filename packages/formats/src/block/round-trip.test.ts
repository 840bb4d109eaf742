/**
 * Scaled and block formats against the reference model (../scaled/reference.testutil.ts), and
 * decode(encode(x)) against quantize(x), bit for bit, over shapes, axes, rules and roundings.
 */
import { describe, expect, it } from 'vitest';
import { binaryFormat } from '../binary/index.js';
import { fixedPointFormat } from '../fixed/index.js';
import { floatFormat } from '../float/index.js';
import { scaledFormat } from '../scaled/index.js';
import { firstDifference, referenceQuantize, referenceScales, sampleValues, type ReferenceLayout } from '../scaled/reference.testutil.js';
import type { ScaledTensorFormat } from '../scaled/tensor-format.js';
import { ROUNDINGS, type ElementFormat, type TensorQuantizeOptions } from '../types.js';
import { blockFormat } from './index.js';
import { MX_FORMATS } from './mx.js';

const elements: ElementFormat[] = [
  floatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'fn' }),
  floatFormat({ exponentBits: 5, mantissaBits: 2 }),
  floatFormat({ exponentBits: 2, mantissaBits: 1, specials: 'finite' }),
  floatFormat({ exponentBits: 6, mantissaBits: 0, specials: 'finite' }),
  floatFormat({ exponentBits: 4, mantissaBits: 3, bias: 8, specials: 'fnuz' }),
  fixedPointFormat({ wordBits: 8, fractionBits: 0 }),
  fixedPointFormat({ wordBits: 8, fractionBits: 6 }),
  fixedPointFormat({ wordBits: 4, fractionBits: 0, signed: false }),
  binaryFormat({ scale: 0.5 }),
];

type Case = [label: string, format: ScaledTensorFormat, layout: ReferenceLayout];

function cases(): Case[] {
  const result: Case[] = [];
  for (const element of elements) {
    for (const rule of ['power-of-two', 'e8m0', 'real'] as const) {
      const margin = rule === 'real' ? 1 : rule === 'e8m0' ? 0 : -1;
      const shape = [3, 10, 7];
      const add = (format: ScaledTensorFormat, layout: ReferenceLayout) => result.push([format.name, format, layout]);
      add(scaledFormat({ element, granularity: 'tensor', scale: rule, margin }), { shape, kind: 'tensor' });
      add(scaledFormat({ element, granularity: 'channel', axis: 1, scale: rule }), { shape, kind: 'channel', axis: 1 });
      add(scaledFormat({ element, granularity: 'channel', axis: -1, scale: rule }), { shape, kind: 'channel', axis: -1 });
      add(blockFormat({ element, blockSize: 4, scale: rule, margin }), { shape, kind: 'block', axis: -1, blockSize: 4 });
      add(blockFormat({ element, blockSize: 3, scale: rule, axis: 1 }), { shape, kind: 'block', axis: 1, blockSize: 3 });
    }
  }
  return result;
}

function ruleOf(format: ScaledTensorFormat): 'power-of-two' | 'e8m0' | 'real' {
  return (format.spec as unknown as { scale: 'power-of-two' | 'e8m0' | 'real' }).scale;
}

function marginOf(format: ScaledTensorFormat): number {
  return (format.spec as unknown as { margin: number }).margin;
}

describe.each(cases())('%s', (_label, format, layout) => {
  const values = sampleValues(layout.shape.reduce((a, b) => a * b, 1), 7);
  values[17] = NaN; // one non-finite group in every grouping but per-channel ones elsewhere
  const options = { shape: layout.shape };

  it('chooses the reference scales', () => {
    const expected = referenceScales(values, layout, ruleOf(format), format.element.range.max, marginOf(format));
    expect(firstDifference(format.encode(values, options).scales, expected)).toBeUndefined();
  });

  it.each(ROUNDINGS)('%s: quantize = reference = decode(encode)', (rounding) => {
    const roundingOptions: TensorQuantizeOptions = { ...options, rounding, seed: 11, offset: 1000 };
    const scales = referenceScales(values, layout, ruleOf(format), format.element.range.max, marginOf(format));
    const quantized = format.quantize(values, roundingOptions);
    expect(firstDifference(quantized, referenceQuantize(values, format.element, layout, scales, roundingOptions))).toBeUndefined();
    expect(firstDifference(format.decode(format.encode(values, roundingOptions)), quantized)).toBeUndefined();
  });

  it('quantizes in place', () => {
    const copy = values.slice();
    const expected = format.quantize(values, options);
    expect(format.quantize(copy, { ...options, out: copy })).toBe(copy);
    expect(firstDifference(copy, expected)).toBeUndefined();
  });
});

describe('stochastic rounding: counters offset + i, whatever the chunking', () => {
  const values = sampleValues(4 * 64, 3);
  const stochastic = { rounding: 'stochastic', seed: 42, randomBits: 12 } as const;

  it('MX blocks quantized row by row equal the whole tensor', () => {
    const format = MX_FORMATS.mxfp4_e2m1;
    const whole = format.quantize(values, { ...stochastic, shape: [4, 64], offset: 500 });
    for (let row = 0; row < 4; row++) {
      const part = format.quantize(values.subarray(row * 64, (row + 1) * 64), { ...stochastic, shape: [1, 64], offset: 500 + row * 64 });
      expect(firstDifference(part, whole.subarray(row * 64, (row + 1) * 64))).toBeUndefined();
    }
  });

  it('any split equals the whole tensor when the running scale is given', () => {
    const format = scaledFormat({ element: fixedPointFormat({ wordBits: 8, fractionBits: 0 }), granularity: 'tensor' });
    const scales = format.encode(values).scales;
    const whole = format.quantize(values, { ...stochastic, scales });
    const head = format.quantize(values.subarray(0, 37), { ...stochastic, scales });
    const tail = format.quantize(values.subarray(37), { ...stochastic, scales, offset: 37 });
    expect(firstDifference(Float32Array.from([...head, ...tail]), whole)).toBeUndefined();
  });

  it('is unbiased on average and differs from nearest', () => {
    const format = scaledFormat({ element: fixedPointFormat({ wordBits: 4, fractionBits: 0 }), granularity: 'tensor' });
    const input = new Float32Array(20000).fill(0.3);
    input[0] = 7; // scale 1: 0.3 lies between 0 and 1
    const result = format.quantize(input, { rounding: 'stochastic', seed: 5 });
    const mean = result.subarray(1).reduce((sum, x) => sum + x, 0) / (input.length - 1);
    expect(mean).toBeGreaterThan(0.28);
    expect(mean).toBeLessThan(0.32);
  });
});
