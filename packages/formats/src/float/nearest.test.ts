/**
 * The nearest-even loop (nearest.ts, float64 addition) against the general per-element rounding
 * of round.ts, which defines the results: every sign, exponent field and top 7 mantissa bits of a
 * float32 with low bits that make ties, their neighbours and random values, for formats that reach
 * each branch (subnormals on and off, fnuz, flushing, a bias that puts normals below 2^-126,
 * mantissaBits 0 and 23), in a separate output and in place, at lengths that leave a partial group.
 */
import { describe, expect, it } from 'vitest';
import { randomUint32 } from '../random.js';
import type { FloatSpecInput } from './spec.js';
import { floatFormat } from './index.js';
import { MagnitudeMode, makeFloatPlan } from './plan.js';
import { quantizeBits } from './round.js';

const SPECS: FloatSpecInput[] = [
  { exponentBits: 4, mantissaBits: 3, specials: 'fn' },
  { exponentBits: 5, mantissaBits: 2 },
  { exponentBits: 4, mantissaBits: 3, bias: 8, specials: 'fnuz' },
  { exponentBits: 5, mantissaBits: 2, bias: 16, specials: 'fnuz', subnormals: false },
  { exponentBits: 4, mantissaBits: 3, subnormals: false },
  { exponentBits: 2, mantissaBits: 1, specials: 'finite' },
  { exponentBits: 3, mantissaBits: 2, specials: 'finite', overflow: 'saturate' },
  { exponentBits: 5, mantissaBits: 2, overflow: 'nan' },
  { exponentBits: 8, mantissaBits: 7 },
  { exponentBits: 5, mantissaBits: 10 },
  { exponentBits: 7, mantissaBits: 0 },
  { exponentBits: 8, mantissaBits: 23 },
  { exponentBits: 8, mantissaBits: 23, subnormals: false },
  { exponentBits: 5, mantissaBits: 2, bias: 140 },
  { exponentBits: 5, mantissaBits: 2, bias: 140, subnormals: false },
  { exponentBits: 1, mantissaBits: 2, specials: 'finite' },
];

const LOW_PATTERNS = [0x0000, 0x0001, 0x0fff, 0x1000, 0x1001, 0x7fff, 0x8000, 0x8001, 0xffff];

/** 65536 high halves x (LOW_PATTERNS + 1 random) low halves, minus 3 to end in a partial group. */
function inputBits(): Int32Array {
  const bits = new Int32Array(65536 * (LOW_PATTERNS.length + 1) - 3);
  let k = 0;
  for (let high = 0; high < 65536; high++) {
    for (const low of LOW_PATTERNS) if (k < bits.length) bits[k++] = (high << 16) | low;
    if (k < bits.length) bits[k++] = (high << 16) | (randomUint32(3, high) & 0xffff);
  }
  return bits;
}

describe('nearest-even loop', () => {
  const bits = inputBits();
  const values = new Float32Array(bits.buffer);
  for (const input of SPECS) {
    const format = floatFormat(input);
    it(`matches round.ts bit for bit: ${format.name} ${JSON.stringify(input)}`, () => {
      const plan = makeFloatPlan(format.spec);
      const expected = bits.map((x) => quantizeBits(plan, x, MagnitudeMode.NearestEven, MagnitudeMode.NearestEven, 0, 32));
      const separate = new Int32Array(format.quantize(values, { rounding: 'nearest-even' }).buffer);
      const inPlace = values.slice();
      format.quantize(inPlace, { rounding: 'nearest-even', out: inPlace });
      let mismatches = 0;
      let first = '';
      const inPlaceBits = new Int32Array(inPlace.buffer);
      for (let i = 0; i < bits.length; i++) {
        if (separate[i] !== expected[i] || inPlaceBits[i] !== expected[i]) {
          if (mismatches++ === 0) {
            first = `x=0x${(bits[i] >>> 0).toString(16)}: got 0x${(separate[i] >>> 0).toString(16)} / 0x${(inPlaceBits[i] >>> 0).toString(16)} in place, expected 0x${(expected[i] >>> 0).toString(16)}`;
          }
        }
      }
      expect(first).toBe('');
      expect(mismatches).toBe(0);
    });
  }
});
