import { noGrad } from '@lowbit/autograd';
import { crossEntropy, type Module } from '@lowbit/nn';
import { ones, randomNormal, tensor } from '@lowbit/tensor';
import { describe, expect, it } from 'vitest';
import { alexnet } from './alexnet.js';
import { cifar10Quick } from './cifar10-quick.js';
import { lenet5 } from './lenet.js';
import { mlp } from './mlp.js';
import { countParameters, summary } from './summary/summary.js';

const names = (model: Module) => model.children().map(([name]) => name);
const std = (values: number[]) => Math.sqrt(values.reduce((sum, value) => sum + value * value, 0) / values.length);
const weightOf = (model: Module, layer: string) => model.module(layer).ownParameters()[0][1].toArray();
const biasOf = (model: Module, layer: string) => model.module(layer).ownParameters()[1][1].toArray();

describe('lenet5 and alexnet', () => {
  it('LeNet-5 layers, and one training step in FP8 (first and last layer float32) reaches every parameter', () => {
    expect(names(lenet5({ seed: 1 }))).toEqual(['conv1', 'relu1', 'pool1', 'conv2', 'relu2', 'pool2', 'flatten', 'fc1', 'relu3', 'fc2', 'relu4', 'fc3']);
    const model = lenet5({ seed: 1, quantization: { weights: 'float8_e4m3fn', inputs: 'float8_e4m3fn', errors: 'float8_e5m2', weightGradients: 'float8_e5m2', overrides: { first: 'float32', last: 'float32' } } });
    crossEntropy(model.forward(randomNormal([2, 1, 28, 28], { seed: 2 })), tensor(new Int32Array([1, 2]))).backward();
    expect(model.parameters().every((parameter) => parameter.grad?.toArray().every(Number.isFinite) === true)).toBe(true);
  });

  it('AlexNet (CIFAR variant): spatial sizes 32 -> 8 -> 4 -> 2 -> 1, one dense layer from 256 features', () => {
    const result = summary(alexnet({ seed: 1 }), [3, 32, 32]);
    const shapes = Object.fromEntries(result.layers.map((layer) => [layer.name, layer.outputShape]));
    expect([shapes.conv1, shapes.pool1, shapes.pool2, shapes.conv5, shapes.pool5, shapes.flatten]).toEqual([[64, 8, 8], [64, 4, 4], [192, 2, 2], [256, 2, 2], [256, 1, 1], [256]]);
  });
});

describe('the Ortiz models', () => {
  it('mlp: 784-1000-1000-10 with the reference prototxt initialization; flat or image inputs; other sizes', () => {
    const model = mlp({ seed: 1 });
    expect(names(model)).toEqual(['flatten', 'ip1', 'relu1', 'ip2', 'relu2', 'ip3']);
    expect(std(weightOf(model, 'ip1'))).toBeCloseTo(0.01, 3);
    expect(new Set(biasOf(model, 'ip1'))).toEqual(new Set([0]));
    expect(noGrad(() => model.forward(randomNormal([2, 784], { seed: 2 }))).shape).toEqual([2, 10]);
    expect(countParameters(mlp({ hiddenFeatures: [], seed: 1 })).total).toBe(7_850);
    expect(countParameters(mlp({ inputFeatures: 3072, hiddenFeatures: [100], classes: 5, seed: 1 })).total).toBe(3072 * 100 + 100 + 100 * 5 + 5);
    expect(std(weightOf(mlp({ seed: 1, initialization: 'pytorch' }), 'ip1'))).toBeCloseTo(1 / Math.sqrt(3 * 784), 3);
    expect(() => mlp({ hiddenFeatures: [10, 0] })).toThrow('mlp: invalid hiddenFeatures: [10,0] (allowed: an array of positive integers');
    expect(() => mlp({ initialization: 'he' as never })).toThrow("mlp: invalid initialization: \"he\" (allowed: 'caffe'");
  });

  it("cifar10Quick: Caffe's layer order, ceil-mode pooling (32 -> 16 -> 8 -> 4) and gaussian fillers", () => {
    const model = cifar10Quick({ seed: 1 });
    expect(names(model)).toEqual(['conv1', 'pool1', 'relu1', 'conv2', 'relu2', 'pool2', 'conv3', 'relu3', 'pool3', 'flatten', 'ip1', 'ip2']);
    const shapes = Object.fromEntries(summary(model, [3, 32, 32]).layers.map((layer) => [layer.name, layer.outputShape]));
    expect([shapes.pool1, shapes.pool2, shapes.pool3, shapes.flatten]).toEqual([[32, 16, 16], [32, 8, 8], [64, 4, 4], [1024]]);
    expect(std(weightOf(model, 'conv1'))).toBeCloseTo(1e-4, 5);
    expect(std(weightOf(model, 'ip1'))).toBeCloseTo(0.1, 2);
    expect(new Set(biasOf(model, 'conv3'))).toEqual(new Set([0]));
    expect(countParameters(cifar10Quick({ seed: 1, initialization: 'pytorch' })).total).toBe(145_578);
  });

  it('average pooling divides a clipped border window by its clipped size, as Caffe does', () => {
    const pool = cifar10Quick({ seed: 1 }).module('pool2');
    // All ones stay ones only if the padded cell of the last window is not counted.
    const y = noGrad(() => pool.forward(ones([1, 1, 16, 16])));
    expect(y.shape).toEqual([1, 1, 8, 8]);
    expect(new Set(y.value.toArray())).toEqual(new Set([1]));
    // The last window of a row covers columns 14 and 15 only: the mean of 14 and 15 (one row of the input).
    const ramp = tensor(Array.from({ length: 16 * 16 }, (_, i) => i % 16), [1, 1, 16, 16]);
    expect(noGrad(() => pool.forward(ramp)).value.toArray().slice(0, 8)).toEqual([1, 3, 5, 7, 9, 11, 13, 14.5]);
  });
});
