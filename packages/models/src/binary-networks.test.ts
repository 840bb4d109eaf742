import { crossEntropy } from '@lowbit/nn';
import { randomNormal, tensor } from '@lowbit/tensor';
import { describe, expect, it } from 'vitest';
import { binaryAlexnet } from './alexnet.js';
import { ShiftOnlyBatchNorm1d, ShiftOnlyBatchNorm2d } from './batch-norm.js';
import { binaryNet, larqMnistBnn, vgg3 } from './binary-networks.js';

type Model = ReturnType<typeof larqMnistBnn>;
/** The quantized roles of each layer with weights. */
const rolesOf = (model: Model) =>
  Object.fromEntries(model.namedModules().filter(([, module]) => module.quantizationRoles.includes('weights')).map(([name, module]) => [name, Object.keys(module.quantization ?? {}).sort()]));
const formatName = (model: Model, layer: string, role: 'weights' | 'inputs') => model.module(layer).quantizationPoint(role)?.forward?.options.format.name;

describe('binarized networks', () => {
  it("Larq's MNIST BNN: layer order, binary weights everywhere, real inputs into the first layer", () => {
    const model = larqMnistBnn({ seed: 1 });
    expect(model.children().map(([name]) => name)).toEqual(['conv1', 'pool1', 'bn1', 'conv2', 'pool2', 'bn2', 'conv3', 'bn3', 'flatten', 'fc1', 'bn4', 'fc2', 'bn5']);
    expect(rolesOf(model)).toEqual({ conv1: ['weights'], conv2: ['inputs', 'weights'], conv3: ['inputs', 'weights'], fc1: ['inputs', 'weights'], fc2: ['inputs', 'weights'] });
    expect(formatName(model, 'conv2', 'weights')).toBe('binary');
    expect(formatName(model, 'conv2', 'inputs')).toBe('binary');
    expect(model.module('bn1')).toBeInstanceOf(ShiftOnlyBatchNorm2d);
    expect(model.module('bn4')).toBeInstanceOf(ShiftOnlyBatchNorm1d);
    expect(model.module('bn1').toString()).toBe('BatchNorm2d(numFeatures=32, eps=0.001, momentum=0.01, scale=false, trackRunningStats=true)');
    expect(model.namedParameters().filter(([name]) => name.startsWith('conv')).every(([, parameter]) => parameter.format === undefined)).toBe(true);
  });

  it("stored binary weights: the parameters hold ±1 in the binary format (Bop's route 'binary'), inputs still binarized", () => {
    const model = larqMnistBnn({ seed: 1, binaryWeights: 'stored' });
    expect(rolesOf(model)).toEqual({ conv1: [], conv2: ['inputs'], conv3: ['inputs'], fc1: ['inputs'], fc2: ['inputs'] });
    for (const layer of ['conv1', 'conv2', 'fc2']) {
      const [, weight] = model.module(layer).ownParameters()[0];
      expect(weight.format?.name).toBe('binary');
      expect(new Set(weight.toArray())).toEqual(new Set([-1, 1]));
    }
  });

  it('binary AlexNet: first and last layer real (weights and inputs, no storage), the rest binary, a batch norm after every layer', () => {
    const model = binaryAlexnet({ seed: 1, binaryWeights: 'stored' });
    expect(model.children().map(([name]) => name)).toEqual(['conv1', 'pool1', 'bn1', 'conv2', 'pool2', 'bn2', 'conv3', 'bn3', 'conv4', 'bn4', 'conv5', 'pool5', 'bn5', 'flatten', 'fc1', 'bn6']);
    expect(rolesOf(model)).toEqual({ conv1: [], conv2: ['inputs'], conv3: ['inputs'], conv4: ['inputs'], conv5: ['inputs'], fc1: [] });
    expect(model.module('conv1').ownParameters()[0][1].format).toBeUndefined();
    expect(model.module('conv3').ownParameters()[0][1].format?.name).toBe('binary');
    expect(rolesOf(binaryAlexnet({ seed: 1 }))).toMatchObject({ conv1: [], conv2: ['inputs', 'weights'], fc1: [] });
  });

  it("a user plan adds to the binary roles; the model's own first/last rule comes first", () => {
    const errors = 'float8_e5m2';
    const model = larqMnistBnn({ seed: 1, quantization: { layers: { errors } } });
    expect(rolesOf(model)).toMatchObject({ conv1: ['errors', 'weights'], conv2: ['errors', 'inputs', 'weights'] });
    expect(rolesOf(larqMnistBnn({ seed: 1, quantization: { overrides: { first: 'float32' } } }))).toMatchObject({ conv1: [], conv2: ['inputs', 'weights'] });
    // Binary AlexNet's first and last layers are real; the user's errors reach them only through their own overrides.
    expect(rolesOf(binaryAlexnet({ seed: 1, quantization: { errors } }))).toMatchObject({ conv1: [], conv2: ['errors', 'inputs', 'weights'], fc1: [] });
    const both = binaryAlexnet({ seed: 1, quantization: { errors, overrides: { first: { errors }, last: { errors } } } });
    expect(rolesOf(both)).toMatchObject({ conv1: ['errors'], conv2: ['errors', 'inputs', 'weights'], fc1: ['errors'] });
  });

  it('options: clip of the straight-through estimator, batch norm, checked', () => {
    const model = binaryNet({ seed: 1, clip: 2 });
    expect(model.module('conv2').quantizationPoint('inputs')!.estimator).toMatchObject({ kind: 'sign', clip: 2 });
    expect(model.module('bn1').toString()).toContain('eps=0.001, momentum=0.001, scale=false');
    expect(vgg3({ seed: 1 }).module('bn1').toString()).toBe('BatchNorm2d(numFeatures=64, eps=0.00001, momentum=0.1, affine=true, trackRunningStats=true)');
    expect(vgg3({ seed: 1, batchNorm: { scale: false } }).module('bn3')).toBeInstanceOf(ShiftOnlyBatchNorm1d);
    expect(() => vgg3({ binaryWeights: 'packed' as never })).toThrow("vgg3: invalid binaryWeights: \"packed\" (allowed: 'latent'");
    expect(() => vgg3({ batchNorm: { affine: false } as never })).toThrow('vgg3: invalid batchNorm.affine: false (allowed: one of scale, eps, momentum)');
    expect(() => binaryNet({ firstPadding: 2 as never })).toThrow("binaryNet: invalid firstPadding: 2 (allowed: 'valid'");
    expect(() => larqMnistBnn({ clip: 0 })).toThrow('binaryQuantization: invalid clip: 0');
  });

  it('trains: one step of the Larq BNN reaches the latent binary weights and the batch-norm shifts', () => {
    const model = larqMnistBnn({ seed: 1 });
    const loss = crossEntropy(model.forward(randomNormal([2, 1, 28, 28], { seed: 2 })), tensor(new Int32Array([3, 7])));
    loss.backward();
    const gradients = Object.fromEntries(model.namedParameters().map(([name, parameter]) => [name, parameter.grad?.toArray() ?? []]));
    expect(Object.keys(gradients)).toEqual(['conv1.weight', 'bn1.bias', 'conv2.weight', 'bn2.bias', 'conv3.weight', 'bn3.bias', 'fc1.weight', 'bn4.bias', 'fc2.weight', 'bn5.bias']);
    for (const [name, gradient] of Object.entries(gradients)) {
      expect(gradient.every(Number.isFinite), name).toBe(true);
      expect(gradient.some((value) => value !== 0), name).toBe(true);
    }
  });
});
