import { randomNormal, tensor } from '@lowbit/tensor';
import { variable } from '@lowbit/autograd';
import { checkGradient } from '@lowbit/autograd/testing';
import { describe, expect, it } from 'vitest';
import { Hardtanh, Identity, ReLU } from './activations.js';
import { Conv2d } from './conv2d.js';
import { Flatten } from './flatten.js';
import { Linear } from './linear.js';
import { AvgPool2d, GlobalAvgPool2d, MaxPool2d } from './pooling.js';
import { Residual } from './residual.js';
import { Sequential } from './sequential.js';

const image = tensor([[[[1, -2, 3, 0], [4, 5, -6, 7], [8, -9, 10, 11], [-12, 13, 14, 15]]]]);

describe('activations', () => {
  it('ReLU zeroes negatives; the gradient passes where x > 0', () => {
    const x = variable(tensor([-1, 0, 2]), { requiresGrad: true });
    const y = new ReLU().forward(x);
    expect(y.toArray()).toEqual([0, 0, 2]);
    y.backward({ gradient: tensor([1, 1, 1]) });
    expect(x.grad!.toArray()).toEqual([0, 0, 1]);
  });

  it('Hardtanh clamps to [min, max]; the gradient passes inside, bounds included', () => {
    const x = variable(tensor([-2, -1, 0.5, 1, 3]), { requiresGrad: true });
    const y = new Hardtanh().forward(x);
    expect(y.toArray()).toEqual([-1, -1, 0.5, 1, 1]);
    y.backward({ gradient: tensor([1, 1, 1, 1, 1]) });
    expect(x.grad!.toArray()).toEqual([0, 1, 1, 1, 0]);
    expect(new Hardtanh({ min: 0, max: 6 }).forward(tensor([-1, 7])).toArray()).toEqual([0, 6]);
    expect(() => new Hardtanh({ min: 1, max: 1 })).toThrow('Hardtanh: invalid min/max: [1,1] (allowed: finite numbers with min < max)');
  });

  it('Identity returns its input', () => {
    const x = variable(tensor([1, 2]));
    expect(new Identity().forward(x)).toBe(x);
  });
});

describe('pooling and Flatten', () => {
  it('MaxPool2d takes the maximum of each window (hand-computed)', () => {
    expect(new MaxPool2d({ kernelSize: 2 }).forward(image).value.toNested()).toEqual([[[[5, 7], [13, 15]]]]);
    expect(new MaxPool2d({ kernelSize: 3, stride: 1 }).forward(image).value.toNested()).toEqual([[[[10, 11], [14, 15]]]]);
  });

  it('AvgPool2d averages each window; padded cells do not count', () => {
    expect(new AvgPool2d({ kernelSize: 2 }).forward(image).value.toNested()).toEqual([[[[2, 1], [0, 12.5]]]]);
    // Top-left window with padding 1 covers only x[0][0]: its average is 1, not 1/4.
    expect(new AvgPool2d({ kernelSize: 2, padding: 1 }).forward(image).toArray()[0]).toBe(1);
  });

  it('GlobalAvgPool2d averages each channel: [N, C, H, W] -> [N, C] (or [N, C, 1, 1])', () => {
    const x = tensor([1, 2, 3, 4, 10, 20, 30, 40], [1, 2, 2, 2]);
    expect(new GlobalAvgPool2d().forward(x).value.toNested()).toEqual([[2.5, 25]]);
    expect(new GlobalAvgPool2d({ keepDims: true }).forward(x).shape).toEqual([1, 2, 1, 1]);
    checkGradient((input) => new GlobalAvgPool2d().forward(input), [randomNormal([2, 3, 2, 3], { seed: 1 })]);
  });

  it('Flatten keeps the batch axis by default', () => {
    expect(new Flatten().forward(randomNormal([2, 3, 4, 5])).shape).toEqual([2, 60]);
    expect(new Flatten({ startAxis: 2 }).forward(randomNormal([2, 3, 4, 5])).shape).toEqual([2, 3, 20]);
  });

  it('check their options and inputs', () => {
    expect(() => new MaxPool2d({} as never)).toThrow('MaxPool2d: invalid kernelSize: undefined');
    expect(() => new AvgPool2d({ kernelSize: 2, padding: 2 })).toThrow('AvgPool2d: invalid padding (top): 2 (allowed: less than the window size 2)');
    expect(() => new MaxPool2d({ kernelSize: 2 }).forward(randomNormal([4, 4]))).toThrow('MaxPool2d: expects input [batch, channels, height, width] (rank 4), got shape [4,4]');
    expect(() => new GlobalAvgPool2d().forward(randomNormal([2, 4]))).toThrow('GlobalAvgPool2d: expects input');
  });
});

describe('Residual', () => {
  it('adds the main branch and the shortcut (identity by default)', () => {
    const main = new Linear({ inFeatures: 2, outFeatures: 2, weightInitializer: () => tensor([[1, 0], [0, 2]]), biasInitializer: () => tensor([0, 1]) });
    const block = new Residual({ main });
    expect(block.forward(tensor([[1, 1]])).toArray()).toEqual([2, 4]);
    const projected = new Residual({ main: new Sequential(new Linear({ inFeatures: 2, outFeatures: 3, seed: 1 }), new ReLU()), shortcut: new Linear({ inFeatures: 2, outFeatures: 3, bias: false, seed: 2 }) });
    expect(projected.namedParameters().map(([name]) => name)).toEqual(['main.0.weight', 'main.0.bias', 'shortcut.weight']);
    checkGradient((x) => projected.forward(x), [tensor([[0.3, -0.7], [1.1, 0.4]])]);
  });

  it('names both shapes when the branches disagree', () => {
    const block = new Sequential({ block1: new Residual({ main: new Conv2d({ inChannels: 2, outChannels: 4, kernelSize: 3, padding: 1, stride: 2 }) }) });
    expect(() => block.forward(randomNormal([1, 2, 4, 4]))).toThrow(
      'Residual "block1": the main branch gives [1,4,2,2] but the shortcut gives [1,2,4,4]; give a shortcut that matches (in ResNet a 1x1 Conv2d with the same stride, then BatchNorm2d)',
    );
  });
});
