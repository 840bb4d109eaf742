import { mul as tensorMul, quantize as tensorQuantize, tensor } from '@lowbit/tensor';
import { blockFormat, elementFormatFromName, fixedPointFormat, floatFormat, mxFormat, scaledFormat } from '@lowbit/formats';
import { describe, expect, it } from 'vitest';
import { variable } from '../variable.js';
import { quantizer } from './quantizer.js';

const e4m3 = elementFormatFromName('float8_e4m3fn');
const e5m2 = elementFormatFromName('float8_e5m2');
const values = Array.from({ length: 200 }, (_, i) => (i % 2 ? -1 : 1) * 2 ** (-16 + i / 8));

describe('scaling: static exponent offset', () => {
  it('is the format with bias + offset (Pietrołaj & Blok), subnormals and overflow included', () => {
    const point = quantizer({ forward: { format: e4m3, scaling: { kind: 'static-offset', offset: 4 } } });
    const biased = floatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'fn', bias: 11 });
    expect(point.apply(tensor(values)).toArray()).toEqual(Array.from(biased.quantize(Float32Array.from(values))));
    const negative = quantizer({ forward: { format: e5m2, scaling: { kind: 'static-offset', offset: -3 } } });
    expect(negative.apply(tensor(values)).toArray()).toEqual(Array.from(floatFormat({ exponentBits: 5, mantissaBits: 2, bias: 12 }).quantize(Float32Array.from(values))));
  });

  it('for fixed point moves the binary point', () => {
    const point = quantizer({ forward: { format: fixedPointFormat({ wordBits: 8, fractionBits: 4 }), scaling: { kind: 'static-offset', offset: 2 } } });
    expect(point.apply(tensor(values)).toArray()).toEqual(Array.from(fixedPointFormat({ wordBits: 8, fractionBits: 6 }).quantize(Float32Array.from(values))));
  });
});

describe('scaling: dynamic offset', () => {
  it('recomputes offset = emax - floor(log2 running max) - margin every N steps (hand-computed)', () => {
    // E4M3: emax = floor(log2 448) = 8; every 3 steps, margin 1.
    const point = quantizer({ forward: { format: e4m3, scaling: { kind: 'dynamic-offset', every: 3, margin: 1 } } });
    const steps = [[0.75, -0.5], [3, 0.1], [0.1, -0.05], [0.2, 0.1], [40, 1], [2, 3], [0.01, 0.001]];
    const outputs = steps.map((x) => point.apply(tensor(x)).toArray());
    // step 0: max 0.75, floor(log2) -1 -> 8 - (-1) - 1 = 8; steps 1-2 keep it;
    // step 3: running max of steps 1..3 is 3 -> 8 - 1 - 1 = 6; step 6: max of 4..6 is 40 -> 8 - 5 - 1 = 2.
    expect(point.history.map((r) => r.forward?.offset)).toEqual([8, 8, 8, 6, 6, 6, 2]);
    // With the stale offset 8, step 1's 3 becomes 768 > 448: counted, and NaN in E4M3fn.
    expect(point.history[1].forward).toMatchObject({ overflowed: 1, nan: 1 });
    expect(outputs[1]).toEqual([NaN, 0.1015625]);
    const expected = (x: number[], offset: number) => tensorMul(tensorQuantize(tensorMul(tensor(x), 2 ** offset), e4m3), 2 ** -offset).toArray();
    expect(outputs[0]).toEqual(expected(steps[0], 8));
    expect(outputs[6]).toEqual(expected(steps[6], 2));
    expect(point.state().forward?.offset).toBe(2);
  });

  it('scales tiny gradients into the backward format', () => {
    // E5M2: emax = 15. A gradient of max 1e-6 (floor(log2) = -20) gets offset 15 + 20 - 0 = 35.
    const x = variable(tensor([1, 1, 1]), { requiresGrad: true });
    const point = quantizer({ backward: { format: e5m2, scaling: { kind: 'dynamic-offset' } } });
    const dy = tensor([1e-6, -3e-7, 2e-8]);
    point.apply(x).backward({ gradient: dy });
    expect(point.statistics()?.backward?.offset).toBe(35);
    expect(x.grad!.toArray()).toEqual(tensorMul(tensorQuantize(tensorMul(dy, 2 ** 35), e5m2), 2 ** -35).toArray());
    // Without scaling E5M2 would flush all three (its smallest value is 2^-16).
    expect(tensorQuantize(dy, e5m2).toArray()).toEqual([0, -0, 0]);
  });
});

describe('scaling: shared scales from @lowbit/formats', () => {
  const matrix = tensor(values.slice(0, 24).map((v, i) => v * (i + 1)), [4, 6]);
  const int8 = fixedPointFormat({ wordBits: 8, fractionBits: 0 });

  it('per tensor, per channel and per block equal scaledFormat / blockFormat', () => {
    const cases = [
      { scaling: { kind: 'tensor' as const }, format: scaledFormat({ element: int8, granularity: 'tensor' }) },
      { scaling: { kind: 'channel' as const, axis: 0 }, format: scaledFormat({ element: int8, granularity: 'channel', axis: 0 }) },
      { scaling: { kind: 'channel' as const, axis: 1, rule: 'real' as const }, format: scaledFormat({ element: e4m3, granularity: 'channel', axis: 1, scale: 'real' }) },
      { scaling: { kind: 'block' as const, blockSize: 4 }, format: blockFormat({ element: e4m3, blockSize: 4, scale: 'e8m0' }) },
    ];
    for (const { scaling, format } of cases) {
      const element = 'element' in format ? format.element : format;
      const point = quantizer({ forward: { format: element, scaling } });
      expect(point.apply(matrix).toArray()).toEqual(tensorQuantize(matrix, format).toArray());
    }
  });

  it('an MX preset works as it is; scaling it again is an error', () => {
    const mx = mxFormat('mxfp8_e4m3');
    const row = tensor(values.slice(0, 64), [2, 32]);
    expect(quantizer({ forward: { format: mx } }).apply(row).toArray()).toEqual(tensorQuantize(row, mx).toArray());
    expect(() => quantizer({ forward: { format: mx, scaling: { kind: 'channel' } } })).toThrow(
      "quantizer: invalid forward.scaling: {\"kind\":\"channel\"} (allowed: 'none' for the tensor format mxfp8_e4m3). it has its own shared scales; give its element format to scale it differently",
    );
    expect(() => quantizer({ forward: { format: e4m3, scaling: { kind: 'dynamic-offset', every: 0 } } })).toThrow(
      'quantizer: invalid forward.scaling.every: 0 (allowed: an integer in [1, 9007199254740991])',
    );
    expect(() => quantizer({ forward: { format: e4m3, scaling: { kind: 'static-offset' } as never } })).toThrow(/forward.scaling.offset: NaN/);
  });
});
