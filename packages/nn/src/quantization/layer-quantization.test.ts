import { randomNormal, tensor } from '@lowbit/tensor';
import { quantizer, variable } from '@lowbit/autograd';
import { parseFormat } from '@lowbit/formats';
import { describe, expect, it } from 'vitest';
import { Identity, ReLU } from '../layers/activations.js';
import { Conv2d } from '../layers/conv2d.js';
import { Linear } from '../layers/linear.js';
import { Sequential } from '../layers/sequential.js';
import { binaryQuantization } from './binary.js';

const e4m3 = parseFormat('float8_e4m3fn');
const e5m2 = parseFormat('float8_e5m2');
const q = (format: typeof e4m3, values: number[]) => Array.from(format.quantize(Float32Array.from(values)));

describe('per-role quantization of one layer', () => {
  it("a layer's outputs are exactly representable in the forward format", () => {
    const layer = new Conv2d({ inChannels: 2, outChannels: 3, kernelSize: 3, padding: 1, seed: 1, quantization: { outputs: 'float8_e4m3fn' } });
    const y = layer.forward(randomNormal([2, 2, 5, 5], { seed: 2 })).toArray();
    expect(y).toEqual(q(e4m3, y));
    expect(new Set(y).size).toBeGreaterThan(10);
  });

  it('errors (the gradient w.r.t. the outputs) are rounded into the backward format', () => {
    const gradient = randomNormal([3, 4], { seed: 3, stddev: 0.01 });
    // Identity: the error reaches the input unchanged apart from the rounding.
    const x = variable(randomNormal([3, 4], { seed: 4 }), { requiresGrad: true });
    new Identity({ quantization: { errors: e5m2 } }).forward(x).backward({ gradient });
    expect(x.grad!.toArray()).toEqual(q(e5m2, gradient.toArray()));
    // Linear: the weight gradient is computed from the rounded error.
    const make = (errors?: typeof e5m2) => new Linear({ inFeatures: 5, outFeatures: 4, seed: 5, quantization: errors && { errors } });
    const input = randomNormal([3, 5], { seed: 6 });
    const quantized = make(e5m2);
    quantized.forward(input).backward({ gradient });
    const reference = make();
    reference.forward(input).backward({ gradient: tensor(q(e5m2, gradient.toArray()), [3, 4]) });
    expect(quantized.weight.grad!.toArray()).toEqual(reference.weight.grad!.toArray());
    expect(quantized.quantizationPoint('outputs')!.statistics()!.backward).toMatchObject({ elements: 12, nan: 0 });
  });

  it('weights round W forward (float32 master copy kept) and weightGradients round G', () => {
    const layer = new Linear({ inFeatures: 4, outFeatures: 3, seed: 7, quantization: { weights: 'float8_e4m3fn', weightGradients: 'float8_e5m2' } });
    const master = layer.weight.toArray();
    const x = randomNormal([2, 4], { seed: 8 });
    const plain = new Linear({ inFeatures: 4, outFeatures: 3, seed: 7, weightInitializer: () => tensor(q(e4m3, master), [3, 4]) });
    expect(layer.forward(x).toArray()).toEqual(plain.forward(x).toArray());
    expect(layer.weight.toArray()).toEqual(master);
    const gradient = randomNormal([2, 3], { seed: 9 });
    layer.forward(x).backward({ gradient });
    plain.forward(x).backward({ gradient });
    expect(layer.weight.grad!.toArray()).toEqual(q(e5m2, plain.weight.grad!.toArray()));
    // The bias is not a weight role: it stays float32.
    expect(layer.bias!.grad!.toArray()).toEqual(plain.bias!.grad!.toArray());
  });

  it('inputs round the activations entering the layer (not the gradient flowing out)', () => {
    const layer = new Linear({ inFeatures: 4, outFeatures: 2, seed: 10, quantization: { inputs: { format: e4m3 } } });
    const plain = new Linear({ inFeatures: 4, outFeatures: 2, seed: 10 });
    const values = randomNormal([3, 4], { seed: 11 });
    expect(layer.forward(values).toArray()).toEqual(plain.forward(tensor(q(e4m3, values.toArray()), [3, 4])).toArray());
    const x = variable(values, { requiresGrad: true });
    const gradient = randomNormal([3, 2], { seed: 12 });
    layer.forward(x).backward({ gradient });
    const y = variable(tensor(q(e4m3, values.toArray()), [3, 4]), { requiresGrad: true });
    plain.forward(y).backward({ gradient });
    expect(x.grad!.toArray()).toEqual(y.grad!.toArray());
  });

  it('takes a ready QuantizationPoint, and names built points by the layer path', () => {
    const point = quantizer({ name: 'mine', forward: { format: e4m3 } });
    const layer = new Linear({ inFeatures: 2, outFeatures: 2, quantization: { weights: point } });
    const model = new Sequential({ fc: layer, head: new Linear({ inFeatures: 2, outFeatures: 1, quantization: { outputs: e4m3 } }) });
    model.forward(tensor([[1, 2]]));
    expect(layer.quantizationPoint('weights')).toBe(point);
    expect(point.step).toBe(1);
    expect(model.module('head').quantizationPoint('outputs')!.name).toBe('head.outputs');
  });

  it('evaluation mode rounds without recording or advancing the points', () => {
    const layer = new Linear({ inFeatures: 3, outFeatures: 2, seed: 1, quantization: { weights: { format: e4m3, rounding: 'stochastic' } } });
    const x = randomNormal([2, 3], { seed: 2 });
    layer.forward(x);
    const point = layer.quantizationPoint('weights')!;
    layer.eval();
    layer.forward(x);
    layer.forward(x);
    expect(point.step).toBe(1);
    expect(point.history).toHaveLength(1);
    layer.train();
    layer.forward(x);
    expect(point.step).toBe(2);
  });

  it('stochastic rounding: one seed for a whole model still gives every point its own stream', () => {
    const spec = { format: e4m3, rounding: 'stochastic' as const, seed: 1 };
    const weights = tensor(new Array(64).fill(0.3), [8, 8]);
    const make = () => new Sequential(new Linear({ inFeatures: 8, outFeatures: 8, weightInitializer: () => weights, quantization: { weights: spec } }), new Linear({ inFeatures: 8, outFeatures: 8, weightInitializer: () => weights, quantization: { weights: spec } }));
    const a = make();
    const [first, second] = a.layers().map((layer) => layer.quantizationPoint('weights')!.apply(weights).toArray());
    expect(first).not.toEqual(second);
    const b = make();
    expect(b.layers()[0].quantizationPoint('weights')!.apply(weights).toArray()).toEqual(first);
  });

  it('rejects roles a layer lacks and badly formed roles, naming the layer and the role', () => {
    expect(() => new ReLU({ quantization: { weights: e4m3 } })).toThrow('ReLU: invalid quantization.weights');
    expect(() => new ReLU({ quantization: { weights: e4m3 } })).toThrow('(allowed: one of the roles this layer has: inputs, outputs, errors). the layer has no weights');
    expect(() => new Linear({ inFeatures: 1, outFeatures: 1, quantization: { activations: e4m3 } as never })).toThrow('quantization: invalid Linear quantization.activations');
    expect(() => new Linear({ inFeatures: 1, outFeatures: 1, quantization: { errors: { format: e5m2, estimator: 'ste' } } })).toThrow(
      "quantization: invalid errors.estimator: \"ste\" (allowed: no estimator on a backward role). the estimator belongs to the forward rounding: set it on 'outputs'",
    );
    expect(() => new Linear({ inFeatures: 1, outFeatures: 1, quantization: { weights: 'float8_e9m9' } })).toThrow('quantization: invalid weights.format: "float8_e9m9"');
    expect(() => new Linear({ inFeatures: 1, outFeatures: 1, quantization: { weights: quantizer(), weightGradients: e5m2 } })).toThrow(
      "its backward side already rounds the weightGradients",
    );
    expect(() => new Linear({ inFeatures: 1, outFeatures: 1, quantization: { errors: quantizer() } })).toThrow("give the point to 'outputs'");
    expect(() => new Linear({ inFeatures: 1, outFeatures: 1, quantization: { weights: { format: e4m3, scaling: { kind: 'dynamic-offset', every: 0 } } } })).toThrow(
      'quantizer: invalid forward.scaling.every: 0',
    );
  });

  it("'float32' and null mean no rounding", () => {
    const layer = new Linear({ inFeatures: 2, outFeatures: 2, quantization: { weights: 'float32', inputs: null, errors: e5m2 } });
    expect(layer.quantizationPointRoles()).toEqual(['outputs']);
  });
});

describe('binary layers', () => {
  function binaryLinear(weights: number[][]): Linear {
    return new Linear({ inFeatures: weights[0].length, outFeatures: weights.length, bias: false, weightInitializer: () => tensor(weights), quantization: binaryQuantization() });
  }

  it('use weights and inputs in {-1, +1} forward, sign(0) = +1', () => {
    const layer = binaryLinear([[0.3, -2, 0], [-0.1, 0.5, 1.5]]);
    // sign(W) = [[1, -1, 1], [-1, 1, 1]]; sign(x) = [1, 1, -1] for x = [0, 0.2, -3].
    expect(layer.forward(tensor([[0, 0.2, -3]])).toArray()).toEqual([-1, -1]);
    for (const role of ['weights', 'inputs'] as const) {
      const record = layer.quantizationPoint(role)!.statistics()!;
      expect(record.forward!.elements).toBeGreaterThan(0);
    }
  });

  it('pass gradients with the clipped straight-through estimator (|x| <= 1) to latent weights and inputs', () => {
    const layer = binaryLinear([[0.3, -2, 0], [-0.1, 0.5, 1]]);
    const x = variable(tensor([[0, 0.2, -3]]), { requiresGrad: true });
    layer.forward(x).backward({ gradient: tensor([[1, 2]]) });
    // dx = dy sign(W) = [1 - 2, -1 + 2, 1 + 2] = [-1, 1, 3], zeroed where |x| > 1: [-1, 1, 0].
    expect(x.grad!.toArray()).toEqual([-1, 1, 0]);
    // dW = dy^T sign(x) = [[1, 1, -1], [2, 2, -2]], zeroed where |W| > 1 (the -2): bounds pass.
    expect(layer.weight.grad!.toArray()).toEqual([1, 0, -1, 2, 2, -2]);
  });

  it('can keep real-valued inputs (Larq first layer) and another clip', () => {
    expect(binaryQuantization({ inputs: false })).toEqual({ weights: expect.objectContaining({ estimator: { kind: 'sign', clip: 1 } }) });
    expect(binaryQuantization({ clip: 2 }).inputs).toMatchObject({ estimator: { kind: 'sign', clip: 2 } });
    expect(() => binaryQuantization({ clip: 0 })).toThrow('binaryQuantization: invalid clip: 0');
  });
});

