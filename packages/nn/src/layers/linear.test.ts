import { randomNormal, randomUniform, tensor } from '@lowbit/tensor';
import { checkGradient } from '@lowbit/autograd/testing';
import { describe, expect, it } from 'vitest';
import { functionalCall } from '../functional-call.js';
import { expectClose, naiveLinear } from '../reference.testutil.js';
import { Linear } from './linear.js';
import { Flatten } from './flatten.js';
import { Sequential } from './sequential.js';

describe('Linear', () => {
  it('computes x W^T + b (hand-computed)', () => {
    const layer = new Linear({ inFeatures: 2, outFeatures: 3, weightInitializer: () => tensor([[1, 2], [3, 4], [-1, 0.5]]), biasInitializer: () => tensor([0.5, 0, -1]) });
    expect(layer.forward(tensor([[1, -1], [2, 0.5]])).value.toNested()).toEqual([[-0.5, -1, -2.5], [3.5, 8, -2.75]]);
    const noBias = new Linear({ inFeatures: 2, outFeatures: 1, bias: false, weightInitializer: () => tensor([[2, 3]]) });
    expect(noBias.bias).toBeUndefined();
    expect(noBias.namedParameters().map(([name]) => name)).toEqual(['weight']);
    expect(noBias.forward(tensor([[1, 1]])).toArray()).toEqual([5]);
  });

  it('matches the naive reference on random values, with extra leading axes', () => {
    const layer = new Linear({ inFeatures: 7, outFeatures: 5, seed: 4 });
    const x = randomNormal([6, 7], { seed: 5 });
    const expected = naiveLinear(x.toArray(), layer.weight.toArray(), layer.bias!.toArray(), 6, 7, 5);
    expectClose(layer.forward(x).toArray(), expected);
    expect(layer.forward(x.reshape([2, 3, 7])).shape).toEqual([2, 3, 5]);
  });

  it("initializes like PyTorch: weight and bias in U(-1/sqrt(fanIn), 1/sqrt(fanIn)), reproducibly from the seed", () => {
    const layer = new Linear({ inFeatures: 64, outFeatures: 32, seed: 9 });
    const bound = 1 / 8;
    for (const p of layer.parameters()) {
      const values = p.toArray();
      expect(Math.max(...values.map(Math.abs))).toBeLessThanOrEqual(bound);
      expect(Math.max(...values.map(Math.abs))).toBeGreaterThan(0.8 * bound);
    }
    expect(new Linear({ inFeatures: 64, outFeatures: 32, seed: 9 }).weight.toArray()).toEqual(layer.weight.toArray());
    expect(new Linear({ inFeatures: 64, outFeatures: 32, seed: 10 }).weight.toArray()).not.toEqual(layer.weight.toArray());
    // Without a seed, layers draw from the process-wide sequence: two layers differ.
    expect(new Linear({ inFeatures: 4, outFeatures: 4 }).weight.toArray()).not.toEqual(new Linear({ inFeatures: 4, outFeatures: 4 }).weight.toArray());
  });

  it('passes the gradient check for input, weight and bias', () => {
    const layer = new Linear({ inFeatures: 4, outFeatures: 3, seed: 2 });
    const x = randomUniform([5, 4], { low: -1, high: 1, seed: 3 });
    checkGradient((input, weight, bias) => functionalCall(layer, { weight, bias }, input), [x, layer.weight.value, layer.bias!.value], { label: 'Linear' });
  });

  it('shows a useful message for a wrong input shape or bad options', () => {
    const model = new Sequential({ flatten: new Flatten(), fc1: new Linear({ inFeatures: 784, outFeatures: 10 }) });
    expect(() => model.forward(randomNormal([2, 1, 20, 20]))).toThrow(
      'Linear "fc1": expects 784 features on axis -1 of its input, got 400 (input shape [2,400]); check the previous layer\'s output size, or add a Flatten layer before this one',
    );
    expect(() => new Linear({ inFeatures: 3, outFeatures: 2 }).forward(tensor([1, 2, 3]))).toThrow('Linear: expects input [batch, ..., 3] (rank 2 or more), got shape [3]; add a batch axis');
    expect(() => new Linear({ inFeatures: 0, outFeatures: 2 })).toThrow('Linear: invalid inFeatures: 0 (allowed: a positive integer)');
    expect(() => new Linear({ inFeatures: 2, outFeatures: 2, seed: -1 })).toThrow('Linear: invalid seed: -1');
    expect(() => new Linear({ inFeatures: 2, outFeatures: 2, weightInitializer: () => tensor([1, 2]) })).toThrow('Linear: invalid weightInitializer');
  });

  it('resetParameters draws again from the initializers', () => {
    const layer = new Linear({ inFeatures: 3, outFeatures: 2, seed: 1 });
    const before = layer.weight.toArray();
    layer.resetParameters(2);
    expect(layer.weight.toArray()).toEqual(new Linear({ inFeatures: 3, outFeatures: 2, seed: 2 }).weight.toArray());
    layer.resetParameters();
    expect(layer.weight.toArray()).toEqual(before);
  });
});
