import { quantize as tensorQuantize, tensor, type Tensor } from '@lowbit/tensor';
import { binaryFormat, parseFormat } from '@lowbit/formats';
import { describe, expect, it } from 'vitest';
import { backward } from '../backward.js';
import { mul, sum } from '../ops/index.js';
import { deriveSeed } from '../random-stream.js';
import { variable } from '../variable.js';
import type { QuantizerOptions } from './options.js';
import { quantizer } from './quantizer.js';

const e4m3 = parseFormat('float8_e4m3fn');
const e5m2 = parseFormat('float8_e5m2');
const leaf = (values: number[]) => variable(tensor(values), { requiresGrad: true });

/** Gradient reaching x through the point for an incoming gradient dy. */
function gradientThrough(options: QuantizerOptions, x: number[], dy: number[]): { forward: number[]; gradient: number[] } {
  const input = leaf(x);
  const output = quantizer(options).apply(input);
  output.backward({ gradient: tensor(dy) });
  return { forward: output.toArray(), gradient: input.grad!.toArray() };
}

describe('quantizer: forward and backward formats', () => {
  it('rounds values into the forward format and the incoming gradient into the backward format', () => {
    const { forward, gradient } = gradientThrough({ forward: { format: e4m3 }, backward: { format: e5m2 } }, [0.4, 3.3, -0.07, 1e-6], [0.4, 3.3, -0.07, 1e-6]);
    // E4M3 (3 mantissa bits): 0.4 = 1.6 * 2^-2 -> 1.625 * 2^-2; 3.3 -> 3.25; -0.07 -> -0.0703125; 1e-6 -> 0 (below 2^-10).
    expect(forward).toEqual([0.40625, 3.25, -0.0703125, 0]);
    // E5M2 (2 mantissa bits): 0.4 -> 1.5 * 2^-2; 3.3 -> 3.5; -0.07 -> -0.0625; 1e-6 -> 0 (below 2^-17).
    expect(gradient).toEqual([0.375, 3.5, -0.0625, 0]);
  });

  it('with one side only, the other passes unchanged; a Tensor input gives a rounded constant', () => {
    expect(gradientThrough({ forward: { format: e4m3 } }, [0.4], [0.4]).gradient).toEqual([Math.fround(0.4)]);
    expect(gradientThrough({ backward: { format: e4m3 } }, [0.4], [0.4]).forward).toEqual([Math.fround(0.4)]);
    const constant = quantizer({ forward: { format: e4m3 } }).apply(tensor([0.4]));
    expect(constant.toArray()).toEqual([0.40625]);
    expect(constant.requiresGrad).toBe(false);
  });
});

describe('quantizer: estimators', () => {
  const x = [-2, -1, -0.5, 0, 1, 1.5];
  const ones = x.map(() => 1);

  it("'ste' passes the gradient everywhere", () => {
    expect(gradientThrough({ forward: { format: e4m3 }, estimator: 'ste' }, x, ones).gradient).toEqual(ones);
  });

  it('clipped STE zeroes the gradient where |x| > clip and passes it at |x| = clip', () => {
    expect(gradientThrough({ forward: { format: e4m3 }, estimator: { kind: 'clipped-ste', clip: 1 } }, x, ones).gradient).toEqual([0, 1, 1, 1, 1, 0]);
    expect(gradientThrough({ estimator: { kind: 'clipped-ste', clip: 0.5 } }, x, ones).gradient).toEqual([0, 0, 1, 1, 0, 0]);
  });

  it("'sign' binarizes with sign(0) = +1 (both zeros) and uses the clipped STE with clip 1", () => {
    const result = gradientThrough({ estimator: 'sign' }, [-2, -0.5, 0, -0, 0.3, 3], [1, 2, 3, 4, 5, 6]);
    expect(result.forward).toEqual([-1, -1, 1, 1, 1, 1]);
    expect(result.gradient).toEqual([0, 2, 3, 4, 5, 0]);
    const scaled = gradientThrough({ estimator: { kind: 'sign', clip: 2 }, forward: { format: binaryFormat({ scale: 0.5 }) } }, [-3, -2, 0.1], [1, 1, 1]);
    expect(scaled).toEqual({ forward: [-0.5, -0.5, 0.5], gradient: [0, 1, 1] });
  });

  it('rejects bad options with the field, the value and what is allowed', () => {
    expect(() => quantizer({ estimator: 'sign', forward: { format: e4m3 } })).toThrow(
      "quantizer: invalid forward.format: \"float8_e4m3fn\" (allowed: a binary format (or none) with estimator 'sign'). the sign estimator binarizes; use clipped-ste to round into another format",
    );
    expect(() => quantizer({ estimator: { kind: 'clipped-ste', clip: 0 } })).toThrow('quantizer: invalid estimator.clip: 0 (allowed: a positive number (Larq uses 1))');
    expect(() => quantizer({ estimator: 'straight' as never })).toThrow(/quantizer: invalid estimator: "straight"/);
    expect(() => quantizer({ forward: { format: e4m3, rounding: 'up' as never } })).toThrow(/quantizer: invalid forward.rounding: "up"/);
    expect(() => quantizer({ backward: { format: 'e5m2' as never } })).toThrow(/quantizer: invalid backward.format: "e5m2"/);
  });
});

describe('quantizer: stochastic rounding streams', () => {
  const x = tensor(Array.from({ length: 64 }, (_, i) => 0.01 + i * 0.0371));
  const stochastic = (seed: number): QuantizerOptions => ({ forward: { format: e4m3, rounding: 'stochastic' }, seed });
  const expected = (seed: number, offset: number): number[] => tensorQuantize(x, e4m3, { rounding: 'stochastic', seed: deriveSeed(seed, 'forward'), offset }).toArray();

  it('step t rounds element i with counter (values rounded before) + i of the forward stream', () => {
    const point = quantizer(stochastic(3));
    expect(point.apply(x).toArray()).toEqual(expected(3, 0));
    expect(point.apply(x).toArray()).toEqual(expected(3, 64));
    expect(point.apply(tensor([0.3, 0.3]))).toBeDefined();
    expect(point.apply(x).toArray()).toEqual(expected(3, 130));
    expect(point.step).toBe(4);
    expect(expected(3, 0)).not.toEqual(expected(3, 64));
  });

  it('is reproducible per seed and differs between seeds', () => {
    expect(quantizer(stochastic(9)).apply(x).toArray()).toEqual(quantizer(stochastic(9)).apply(x).toArray());
    expect(quantizer(stochastic(9)).apply(x).toArray()).not.toEqual(quantizer(stochastic(10)).apply(x).toArray());
    // Forward and backward streams of one point never share bits.
    expect(deriveSeed(9, 'forward')).not.toBe(deriveSeed(9, 'backward'));
  });

  it('evaluation mode rounds from its own stream and leaves the training state alone', () => {
    const point = quantizer(stochastic(3));
    point.training = false;
    const evaluated = point.apply(x).toArray();
    expect(evaluated).toEqual(tensorQuantize(x, e4m3, { rounding: 'stochastic', seed: deriveSeed(3, 'forward/evaluation'), offset: 0 }).toArray());
    expect(point.step).toBe(0);
    expect(point.history).toEqual([]);
    point.training = true;
    expect(point.apply(x).toArray()).toEqual(expected(3, 0));
  });

  it('state() and loadState() resume a point bit for bit', () => {
    const options: QuantizerOptions = { forward: { format: e4m3, rounding: 'stochastic', scaling: { kind: 'dynamic-offset', every: 2 } }, seed: 4 };
    const first = quantizer(options);
    const inputs: Tensor[] = [0.5, 3, 0.02, 7].map((scale) => tensor(x.toArray().map((v) => v * scale)));
    inputs.slice(0, 3).forEach((input) => first.apply(input));
    const resumed = quantizer(options);
    resumed.loadState(JSON.parse(JSON.stringify(first.state())));
    expect(resumed.apply(inputs[3]).toArray()).toEqual(first.apply(inputs[3]).toArray());
    expect(() => quantizer({}).loadState(first.state())).toThrow(/loadState: invalid state/);
  });
});

describe('quantizer: weights in training', () => {
  it('a weight point rounds W forward and the weight gradient G backward', () => {
    const w = leaf([0.3, -0.8]);
    const point = quantizer({ name: 'fc.weight', forward: { format: e4m3 }, backward: { format: e5m2 } });
    const loss = sum(mul(point.apply(w), tensor([0.33, 1])));
    backward(loss);
    expect(w.grad!.toArray()).toEqual([0.3125, 1]); // 0.33 in E5M2 is 1.25 * 2^-2
    expect(loss.item()).toBeCloseTo(0.3125 * 0.33 - 0.8125, 6);
  });
});
