import { randomNormal, randomUniform, tensor } from '@lowbit/tensor';
import { checkGradient } from '@lowbit/autograd/testing';
import { describe, expect, it } from 'vitest';
import { functionalCall } from '../functional-call.js';
import { expectClose, naiveConv2d, type NaiveConvOptions } from '../reference.testutil.js';
import { Conv2d, type Conv2dLayerOptions } from './conv2d.js';

describe('Conv2d', () => {
  it('computes a 2x2 cross-correlation plus bias (hand-computed)', () => {
    const layer = new Conv2d({ inChannels: 1, outChannels: 1, kernelSize: 2, weightInitializer: () => tensor([[[[1, 0], [0, -1]]]]), biasInitializer: () => tensor([10]) });
    const x = tensor([[[[1, 2, 3], [4, 5, 6], [7, 8, 9]]]]);
    // Each output is x[i][j] - x[i+1][j+1] = -4, plus 10.
    expect(layer.forward(x).value.toNested()).toEqual([[[[6, 6], [6, 6]]]]);
  });

  const cases: [string, Omit<Conv2dLayerOptions, 'seed'>, number[], NaiveConvOptions][] = [
    ['3x3, no padding', { inChannels: 2, outChannels: 3, kernelSize: 3 }, [2, 2, 6, 5], { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 }],
    ['stride 2, padding 1', { inChannels: 2, outChannels: 3, kernelSize: 3, stride: 2, padding: 1 }, [2, 2, 7, 6], { stride: [2, 2], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 1 }],
    ["padding 'same' with an even kernel (extra cell after)", { inChannels: 1, outChannels: 2, kernelSize: [2, 4], padding: 'same' }, [1, 1, 5, 5], { stride: [1, 1], padding: [0, 1, 1, 2], dilation: [1, 1], groups: 1 }],
    ['dilation 2', { inChannels: 2, outChannels: 2, kernelSize: 3, dilation: 2, padding: [2, 1] }, [1, 2, 7, 7], { stride: [1, 1], padding: [2, 2, 1, 1], dilation: [2, 2], groups: 1 }],
    ['groups 2, no bias', { inChannels: 4, outChannels: 6, kernelSize: [3, 1], groups: 2, bias: false }, [2, 4, 5, 4], { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 2 }],
    ['depthwise, stride [1, 2]', { inChannels: 3, outChannels: 3, kernelSize: 3, groups: 3, stride: [1, 2], padding: 1 }, [1, 3, 5, 6], { stride: [1, 2], padding: [1, 1, 1, 1], dilation: [1, 1], groups: 3 }],
  ];
  for (const [name, options, inShape, reference] of cases) {
    it(`matches the naive reference: ${name}`, () => {
      const layer = new Conv2d({ ...options, seed: 7 });
      const x = randomNormal(inShape, { seed: 8 });
      const expected = naiveConv2d(x.toArray(), inShape, layer.weight.toArray(), layer.weight.shape, layer.bias?.toArray(), reference);
      const y = layer.forward(x);
      expect(y.shape).toEqual(expected.shape);
      expectClose(y.toArray(), expected.values);
    });
  }

  it('initializes like PyTorch: bound 1/sqrt(inChannels / groups x kernel area)', () => {
    const layer = new Conv2d({ inChannels: 8, outChannels: 16, kernelSize: 3, groups: 2, seed: 1 });
    expect(layer.weight.shape).toEqual([16, 4, 3, 3]);
    const bound = 1 / 6; // fanIn = 4 * 9 = 36
    for (const p of layer.parameters()) expect(Math.max(...p.toArray().map(Math.abs))).toBeLessThanOrEqual(bound);
    expect(Math.max(...layer.weight.toArray().map(Math.abs))).toBeGreaterThan(0.95 * bound);
  });

  it('passes the gradient check for input, weight and bias (stride 2, padding 1, groups 2)', () => {
    const layer = new Conv2d({ inChannels: 2, outChannels: 2, kernelSize: 3, stride: 2, padding: 1, groups: 2, seed: 3 });
    const x = randomUniform([2, 2, 5, 4], { low: -1, high: 1, seed: 4 });
    checkGradient((input, weight, bias) => functionalCall(layer, { weight, bias }, input), [x, layer.weight.value, layer.bias!.value], { label: 'Conv2d' });
  });

  it('shows a useful message for a wrong input or bad options', () => {
    const layer = new Conv2d({ inChannels: 3, outChannels: 4, kernelSize: 3 });
    expect(() => layer.forward(randomNormal([2, 1, 8, 8]))).toThrow("Conv2d: expects 3 channels on axis 1 of its input, got 1 (input shape [2,1,8,8]); check the previous layer's outChannels (inputs are NCHW)");
    expect(() => layer.forward(randomNormal([2, 192]))).toThrow('Conv2d: expects input [batch, channels, height, width] (rank 4), got shape [2,192] (rank 2); reshape flat images to [batch, channels, height, width] first');
    expect(() => layer.forward(randomNormal([1, 3, 2, 2]))).toThrow(/conv2d/);
    expect(() => new Conv2d({ inChannels: 3, outChannels: 4, kernelSize: 3, groups: 2 })).toThrow('Conv2d: invalid groups: 2 (allowed: a divisor of both inChannels (3) and outChannels (4))');
    expect(() => new Conv2d({ inChannels: 3, outChannels: 4, kernelSize: [3, 0] })).toThrow('Conv2d: invalid kernelSize: [3,0]');
    expect(() => new Conv2d({ inChannels: 3, outChannels: 4, kernelSize: 3, padding: 'full' as never })).toThrow("Conv2d: invalid padding: \"full\" (allowed: 'valid', 'same'");
  });
});
