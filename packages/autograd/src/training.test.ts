/**
 * End to end: a 2-layer MLP built from raw differentiable ops learns a seeded, separable 2-D
 * problem with plain SGD, in float32 and with E4M3 weights (quantization points on the weights,
 * float32 master copies), and with weights stored only in E4M3 (stochastic rounding of updates).
 */
import { argmax as tensorArgmax, equal, mean as tensorMean, mul as tensorMul, randomNormal, sub as tensorSub, cast, tensor, zeros, type Tensor } from '@lowbit/tensor';
import { parseFormat } from '@lowbit/formats';
import { describe, expect, it } from 'vitest';
import { add, matmul, relu, softmaxCrossEntropy } from './ops/index.js';
import { noGrad } from './mode.js';
import { parameter, type Parameter } from './parameter.js';
import { quantizer, type QuantizationPoint } from './quantization/index.js';
import type { Variable } from './variable.js';

const e4m3 = parseFormat('float8_e4m3fn');

/** 256 points; class 1 when x0 + 0.5 x1 > 0, with points within 0.1 of the boundary pushed out. */
function problem(): { inputs: Tensor; labels: Tensor } {
  const raw = randomNormal([256, 2], { seed: 11 }).toArray();
  const labels = new Int32Array(256);
  for (let i = 0; i < 256; i++) {
    const side = raw[2 * i] + 0.5 * raw[2 * i + 1];
    labels[i] = side > 0 ? 1 : 0;
    raw[2 * i] += side > 0 ? 0.1 : -0.1;
  }
  return { inputs: tensor(raw, [256, 2]), labels: tensor(labels) };
}

interface Setup {
  weightPoints?: [QuantizationPoint, QuantizationPoint];
  storedFormat?: boolean;
}

function train({ weightPoints, storedFormat }: Setup): { losses: number[]; accuracy: number; weights: Parameter[] } {
  const { inputs, labels } = problem();
  const storage = storedFormat ? { format: e4m3, rounding: 'stochastic' as const } : {};
  const w1 = parameter(randomNormal([2, 16], { seed: 1, stddev: 0.5 }), { name: 'w1', ...storage });
  const b1 = parameter(zeros([16]), { name: 'b1' });
  const w2 = parameter(randomNormal([16, 2], { seed: 2, stddev: 0.25 }), { name: 'w2', ...storage });
  const b2 = parameter(zeros([2]), { name: 'b2' });
  const weight = (w: Parameter, i: number): Variable | Parameter => (weightPoints ? weightPoints[i].apply(w) : w);
  const forward = () => add(matmul(relu(add(matmul(inputs, weight(w1, 0)), b1)), weight(w2, 1)), b2);
  const losses: number[] = [];
  for (let step = 0; step < 40; step++) {
    const loss = softmaxCrossEntropy(forward(), labels);
    losses.push(loss.item());
    for (const p of [w1, b1, w2, b2]) p.zeroGrad();
    loss.backward();
    noGrad(() => {
      for (const p of [w1, b1, w2, b2]) p.assign(tensorSub(p.value, tensorMul(p.grad as Tensor, 0.5)));
    });
  }
  const predictions = noGrad(() => tensorArgmax(forward().value, { axis: 1 }));
  const accuracy = tensorMean(cast(equal(cast(predictions, 'float32'), cast(labels, 'float32')), 'float32')).item();
  return { losses, accuracy, weights: [w1, w2] };
}

describe('a 2-layer MLP from raw ops', () => {
  it('trains in float32: the loss falls and the problem is learned', () => {
    const { losses, accuracy } = train({});
    expect(losses[losses.length - 1]).toBeLessThan(0.2 * losses[0]);
    expect(accuracy).toBeGreaterThan(0.95);
  });

  it('trains with E4M3 weights through quantization points (float32 master weights)', () => {
    const points: [QuantizationPoint, QuantizationPoint] = [quantizer({ name: 'w1', forward: { format: e4m3 } }), quantizer({ name: 'w2', forward: { format: e4m3 } })];
    const { losses, accuracy } = train({ weightPoints: points });
    expect(losses[losses.length - 1]).toBeLessThan(0.2 * losses[0]);
    expect(accuracy).toBeGreaterThan(0.95);
    expect(points[0].step).toBe(41);
    expect(points[0].history.every((r) => r.forward?.overflowed === 0 && r.forward?.nan === 0)).toBe(true);
  });

  it('trains with weights stored only in E4M3 (stochastic rounding of every update)', () => {
    const { losses, accuracy, weights } = train({ storedFormat: true });
    expect(losses[losses.length - 1]).toBeLessThan(0.2 * losses[0]);
    expect(accuracy).toBeGreaterThan(0.95);
    for (const w of weights) expect(w.toArray()).toEqual(Array.from(e4m3.quantize(w.value.data() as Float32Array)));
  });
});
