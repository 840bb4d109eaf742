import { randomNormal, tensor } from '@lowbit/tensor';
import { parseFormat } from '@lowbit/formats';
import { quantizer } from '@lowbit/autograd';
import { describe, expect, it } from 'vitest';
import { crossEntropy } from '../losses.js';
import { BatchNorm2d } from '../layers/batch-norm.js';
import { ReLU } from '../layers/activations.js';
import { Conv2d } from '../layers/conv2d.js';
import { Flatten } from '../layers/flatten.js';
import { Linear } from '../layers/linear.js';
import { MaxPool2d } from '../layers/pooling.js';
import { Residual } from '../layers/residual.js';
import { Sequential } from '../layers/sequential.js';
import { QuantizationPlanError } from '../errors.js';
import type { Module } from '../module.js';
import { binaryQuantization } from './binary.js';
import { applyQuantization } from './plan.js';
import { quantizationPoints, quantizationStatistics } from './points.js';

const e4m3 = parseFormat('float8_e4m3fn');
const fp8 = { weights: 'float8_e4m3fn', inputs: 'float8_e4m3fn', errors: 'float8_e5m2' };

function model(): Sequential {
  return new Sequential({
    conv1: new Conv2d({ inChannels: 1, outChannels: 2, kernelSize: 3, padding: 1, seed: 1 }),
    bn1: new BatchNorm2d({ numFeatures: 2 }),
    relu1: new ReLU(),
    block: new Residual({ main: new Sequential({ conv: new Conv2d({ inChannels: 2, outChannels: 2, kernelSize: 3, padding: 1, seed: 2 }), relu: new ReLU() }) }),
    pool: new MaxPool2d({ kernelSize: 2 }),
    flatten: new Flatten(),
    fc1: new Linear({ inFeatures: 8, outFeatures: 6, seed: 3 }),
    fc2: new Linear({ inFeatures: 6, outFeatures: 3, seed: 4 }),
  });
}

const rolesOf = (m: Module) => Object.fromEntries(m.namedModules().filter(([, l]) => l.quantization !== undefined).map(([name, l]) => [name, Object.keys(l.quantization!)]));

describe('applyQuantization', () => {
  it('applies one plan to every layer with weights, keeping the first and last in float32', () => {
    const m = model();
    const assignments = applyQuantization(m, fp8, { overrides: { first: 'float32', last: 'float32' } });
    expect(assignments).toEqual([
      { name: 'conv1', type: 'Conv2d', roles: [] },
      { name: 'block.main.conv', type: 'Conv2d', roles: ['weights', 'inputs', 'errors'] },
      { name: 'fc1', type: 'Linear', roles: ['weights', 'inputs', 'errors'] },
      { name: 'fc2', type: 'Linear', roles: [] },
    ]);
    expect(rolesOf(m)).toEqual({ 'block.main.conv': ['weights', 'inputs', 'errors'], fc1: ['weights', 'inputs', 'errors'] });
  });

  it('merges types and overrides role by role, by exact name and by glob', () => {
    const m = model();
    applyQuantization(
      m,
      { layers: fp8, types: { BatchNorm2d: { outputs: e4m3 }, Residual: { outputs: e4m3, errors: 'float8_e5m2' } } },
      { overrides: { first: { inputs: 'float32' }, 'block.*.conv': { weights: { format: e4m3, rounding: 'stochastic' } }, '**.relu': { outputs: e4m3 }, fc2: { errors: null, weightGradients: 'float8_e5m2' } } },
    );
    expect(rolesOf(m)).toEqual({
      conv1: ['weights', 'errors'],
      bn1: ['outputs'],
      block: ['outputs', 'errors'],
      'block.main.conv': ['weights', 'inputs', 'errors'],
      'block.main.relu': ['outputs'],
      fc1: ['weights', 'inputs', 'errors'],
      fc2: ['weights', 'inputs', 'weightGradients'],
    });
    expect(m.module('block.main.conv').quantization!.weights).toMatchObject({ rounding: 'stochastic' });
  });

  it('leaves modules the plan does not reach as they were, and a later plan can clear one', () => {
    const m = model();
    m.module('relu1').setQuantization({ outputs: e4m3 });
    applyQuantization(m, fp8);
    expect(m.module('relu1').quantization).toEqual({ outputs: e4m3 });
    applyQuantization(m, { types: {} }, { overrides: { fc1: 'float32' } });
    expect(m.module('fc1').quantization).toBeUndefined();
    expect(m.module('fc2').quantization).toBeDefined();
  });

  it('applies the binary plan to every layer but keeps the first layer inputs real-valued', () => {
    const m = model();
    applyQuantization(m, binaryQuantization(), { overrides: { first: { inputs: 'float32' } } });
    expect(rolesOf(m)).toMatchObject({ conv1: ['weights'], fc2: ['weights', 'inputs'] });
    const y = m.forward(randomNormal([2, 1, 4, 4], { seed: 1 }));
    expect(y.shape).toEqual([2, 3]);
    const fc2Inputs = m.module('fc2').quantizationPoint('inputs')!;
    expect(fc2Inputs.statistics()!.forward!.elements).toBe(12);
  });

  it('throws a named error for overrides that name no module, bad plans and roles a type lacks', () => {
    const m = model();
    expect(() => applyQuantization(m, fp8, { overrides: { fc3: 'float32' } })).toThrow(QuantizationPlanError);
    expect(() => applyQuantization(m, fp8, { overrides: { fc3: 'float32' } })).toThrow(
      'applyQuantization: override "fc3" names no module of Sequential; modules: conv1, bn1, relu1, block, block.main, block.main.conv, block.main.relu, pool, flatten, fc1, fc2',
    );
    expect(() => applyQuantization(m, { layers: fp8, wrong: 1 } as never)).toThrow("applyQuantization: the plan has unknown keys wrong (a plan is { layers?, types? }, or one layer's roles for every layer with weights)");
    expect(() => applyQuantization(m, { types: { ReLU: { weights: e4m3 } } })).toThrow('ReLU "relu1": invalid quantization.weights');
    expect(() => applyQuantization(m, { weights: quantizer({ forward: { format: e4m3 } }) })).toThrow(
      'applyQuantization: one QuantizationPoint would serve both "conv1" and "block.main.conv" (weights); give options or a format instead, so each layer gets its own point',
    );
    expect(() => applyQuantization(new Sequential(new ReLU()), fp8, { overrides: { first: 'float32' } })).toThrow('override "first": Sequential has no layer with weights');
  });
});

describe('quantizationPoints and quantizationStatistics', () => {
  it('collect every point with its layer, role and the tensor roles it rounds, and the latest per-step counts', () => {
    const m = model();
    applyQuantization(m, { ...fp8, weightGradients: 'float8_e5m2' }, { overrides: { last: { inputs: 'float32' } } });
    const points = quantizationPoints(m);
    expect(points.map((p) => `${p.layer}:${p.role}:${p.forwardRole}/${p.backwardRole ?? '-'}`)).toEqual([
      'conv1:weights:weights/weightGradients',
      'conv1:inputs:inputs/-',
      'conv1:outputs:outputs/errors',
      'block.main.conv:weights:weights/weightGradients',
      'block.main.conv:inputs:inputs/-',
      'block.main.conv:outputs:outputs/errors',
      'fc1:weights:weights/weightGradients',
      'fc1:inputs:inputs/-',
      'fc1:outputs:outputs/errors',
      'fc2:weights:weights/weightGradients',
      'fc2:outputs:outputs/errors',
    ]);
    // Inputs far beyond E4M3's range (448) overflow at the first layer's input point.
    const x = tensor(Array.from({ length: 32 }, (_, i) => (i === 0 ? 1000 : i === 1 ? 1e-4 : (i % 7) - 3)), [2, 1, 4, 4]);
    crossEntropy(m.forward(x), tensor(new Int32Array([0, 2]))).backward();
    const statistics = quantizationStatistics(m);
    const conv1Inputs = statistics.find((s) => s.layer === 'conv1' && s.role === 'inputs')!;
    expect(conv1Inputs.latest!.forward).toMatchObject({ elements: 32, overflowed: 1, flushedToZero: 1, maxAbs: 1000 });
    const fc2Outputs = statistics.find((s) => s.layer === 'fc2' && s.role === 'outputs')!;
    expect(fc2Outputs.latest).toMatchObject({ step: 0, backward: { elements: 6 } });
    expect(fc2Outputs.latest!.forward).toBeUndefined();
    expect(JSON.parse(JSON.stringify(statistics))).toHaveLength(11);
  });
});
