import { tensor } from '@lowbit/tensor';
import { blockFormat, floatFormat, parseFormat } from '@lowbit/formats';
import { describe, expect, it } from 'vitest';
import { variable } from '../variable.js';
import { quantizer } from './quantizer.js';

const e4m3 = parseFormat('float8_e4m3fn');
// E4M3fn: max 448, smallest subnormal 2^-9; 2^-10 is a tie between 0 and 2^-9 and goes to 0.
const x = [500, -1000, 448, 2 ** -10, 0.001, 0, NaN, -3, Infinity];

describe('statistics', () => {
  it('counts overflow, flush to zero and NaN per step (hand-computed)', () => {
    const point = quantizer({ forward: { format: e4m3 } });
    point.apply(tensor(x));
    // overflowed: 500, -1000 (beyond 448) and Infinity; they become NaN in E4M3fn, as does the NaN
    // input: 4 NaN results; 2^-10 flushes to zero (0.001 rounds up to 2^-9); 448 fits exactly.
    expect(point.statistics()).toEqual({ step: 0, forward: { elements: 9, overflowed: 3, flushedToZero: 1, nan: 4, maxAbs: 1000 } });
    const saturating = quantizer({ forward: { format: parseFormat('float8_e4m3fn_saturate') } });
    expect(saturating.apply(tensor(x)).toArray()).toEqual([448, -448, 448, 0, 0.001953125, 0, NaN, -3, 448]);
    expect(saturating.statistics()?.forward).toMatchObject({ overflowed: 3, flushedToZero: 1, nan: 1 });
  });

  it('gives the exponent histogram on request', () => {
    const point = quantizer({ forward: { format: e4m3 }, statistics: { histogram: true } });
    point.apply(tensor(x));
    // Exponents: 500 -> 8, -1000 -> 9, 448 -> 8, 2^-10 -> -10, 0.001 -> -10, -3 -> 1.
    const counts = new Array(20).fill(0);
    counts[0] = 2;
    counts[11] = 1;
    counts[18] = 2;
    counts[19] = 1;
    expect(point.statistics()?.forward?.histogram).toEqual({ minExponent: -10, counts, zeros: 1, nonFinite: 2 });
  });

  it('measures values as the format sees them: after the offset, and per shared scale', () => {
    const shifted = quantizer({ forward: { format: e4m3, scaling: { kind: 'static-offset', offset: 4 } }, statistics: { histogram: true } });
    shifted.apply(tensor([20, 40, 2 ** -14]));
    // x 2^4: 320 fits, 640 overflows; 2^-10 flushes; exponents 8, 9, -10.
    expect(shifted.statistics()?.forward).toMatchObject({ overflowed: 1, flushedToZero: 1, offset: 4 });
    expect(shifted.statistics()?.forward?.histogram).toMatchObject({ minExponent: -10, zeros: 0 });
    // Blocks of 2 with the OCP MX rule: [7, 1] gets scale 2^(2 - 2) = 1 and 7 > 6 saturates;
    // [0.5, 0.25] gets scale 2^-3 and fits.
    const fp4 = floatFormat({ exponentBits: 2, mantissaBits: 1, specials: 'finite' });
    const blocks = quantizer({ forward: { format: fp4, scaling: { kind: 'block', blockSize: 2, rule: 'e8m0' } } });
    expect(blocks.apply(tensor([7, 1, 0.5, 0.25])).toArray()).toEqual(Array.from(blockFormat({ element: fp4, blockSize: 2, scale: 'e8m0' }).quantize(Float32Array.of(7, 1, 0.5, 0.25))));
    expect(blocks.statistics()?.forward).toMatchObject({ overflowed: 1, flushedToZero: 0, nan: 0, maxAbs: 7 });
  });

  it('records the backward side in the record of the step whose forward it belongs to', () => {
    const point = quantizer({ forward: { format: e4m3 }, backward: { format: e4m3 } });
    const first = variable(tensor([1, 2]), { requiresGrad: true });
    const second = variable(tensor([3, 4]), { requiresGrad: true });
    const y0 = point.apply(first);
    const y1 = point.apply(second);
    y1.backward({ gradient: tensor([1e-5, 1]) });
    y0.backward({ gradient: tensor([600, 1]) });
    expect(point.history.map((r) => [r.step, r.backward?.flushedToZero, r.backward?.overflowed])).toEqual([
      [0, 0, 1],
      [1, 1, 0],
    ]);
  });

  it('keeps historyLimit steps, and can be turned off', () => {
    const limited = quantizer({ forward: { format: e4m3 }, statistics: { historyLimit: 2 } });
    for (let i = 0; i < 3; i++) limited.apply(tensor([1]));
    expect(limited.history.map((r) => r.step)).toEqual([1, 2]);
    const off = quantizer({ forward: { format: e4m3 }, statistics: false });
    off.apply(tensor([1]));
    expect(off.history).toEqual([]);
    expect(off.step).toBe(1);
  });
});
