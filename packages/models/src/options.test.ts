import { Conv2d, manualSeed } from '@lowbit/nn';
import { describe, expect, it } from 'vitest';
import { lenet5 } from './lenet.js';
import { layerSeed, mergeLayerPlans, mergePlans, normalizePlan } from './options.js';

const weightsOf = (model: ReturnType<typeof lenet5>) => model.namedParameters().map(([name, parameter]) => [name, parameter.toArray()]);

describe('model options', () => {
  it('rejects unknown options and bad values, naming the model, the value and what is allowed', () => {
    expect(() => lenet5({ clases: 100 } as never)).toThrow('lenet5: invalid clases: 100 (allowed: one of the options classes, quantization, seed). "clases" is not an option of lenet5');
    expect(() => lenet5({ classes: 0 })).toThrow('lenet5: invalid classes: 0 (allowed: a positive integer (the outputs of the last layer))');
    expect(() => lenet5({ seed: -1 })).toThrow('lenet5: invalid seed: -1 (allowed: a non-negative safe integer). omit it to take the next seed');
    expect(() => lenet5(null as never)).toThrow('lenet5: invalid options: null');
  });

  it('the same seed builds the same weights; another seed other weights', () => {
    expect(weightsOf(lenet5({ seed: 5 }))).toEqual(weightsOf(lenet5({ seed: 5 })));
    expect(lenet5({ seed: 5 }).module('conv1').ownParameters()[0][1].toArray()).not.toEqual(lenet5({ seed: 6 }).module('conv1').ownParameters()[0][1].toArray());
  });

  it("without a seed, a model takes the next seed of nn's sequence: manualSeed makes it reproducible", () => {
    manualSeed(11);
    const first = weightsOf(lenet5());
    const second = weightsOf(lenet5());
    manualSeed(11);
    expect(weightsOf(lenet5())).toEqual(first);
    expect(second).not.toEqual(first);
  });

  it("a layer's seed is derived from the model seed and the layer's name, not from the order of construction", () => {
    const conv2 = new Conv2d({ inChannels: 6, outChannels: 16, kernelSize: 5, seed: layerSeed(9, 'conv2') });
    expect(lenet5({ seed: 9 }).module('conv2').ownParameters()[0][1].toArray()).toEqual(conv2.weight.toArray());
  });
});

describe('quantization plans of models', () => {
  it("accepts one layer's roles or a plan, each with overrides", () => {
    expect(normalizePlan('m', { weights: 'float8_e4m3fn', overrides: { first: 'float32' } })).toEqual({ layers: { weights: 'float8_e4m3fn' }, overrides: { first: 'float32' } });
    expect(normalizePlan('m', { layers: { errors: 'float8_e5m2' }, types: { ReLU: { outputs: 'float8_e4m3fn' } } })).toEqual({
      layers: { errors: 'float8_e5m2' },
      types: { ReLU: { outputs: 'float8_e4m3fn' } },
      overrides: undefined,
    });
    expect(() => normalizePlan('m', { layers: {}, weights: 'float8_e4m3fn' } as never)).toThrow("move the roles weights into 'layers'");
    expect(() => normalizePlan('m', { activations: 'float8_e4m3fn' } as never)).toThrow('m: invalid quantization.activations: "float8_e4m3fn" (allowed: a plan key (layers, types, overrides) or a role');
  });

  it('merges the user plan over the model plan role by role; a whole-layer float32 removes everything', () => {
    const binary = { weights: 'binary', inputs: 'binary' };
    expect(mergePlans({ layers: binary, overrides: { first: { inputs: 'float32' } } }, { layers: { errors: 'float8_e5m2' } })).toEqual({
      layers: { weights: 'binary', inputs: 'binary', errors: 'float8_e5m2' },
      overrides: { first: { inputs: 'float32' } },
    });
    expect(mergePlans({ overrides: { first: { inputs: 'float32' } } }, { overrides: { first: 'float32', fc1: { outputs: 'float16' } } })).toEqual({
      overrides: { first: 'float32', fc1: { outputs: 'float16' } },
    });
    // Roles merged over 'float32' start from nothing: explicit nulls keep the plan's `layers` away.
    expect(mergeLayerPlans('float32', { errors: 'float8_e5m2' })).toEqual({ weights: null, inputs: null, outputs: null, errors: 'float8_e5m2', weightGradients: null });
  });

  it('applies the plan once the model is built: FP8 except the first and last layer', () => {
    const model = lenet5({ seed: 1, quantization: { weights: 'float8_e4m3fn', inputs: 'float8_e4m3fn', errors: 'float8_e5m2', overrides: { first: 'float32', last: 'float32' } } });
    const roles = Object.fromEntries(model.namedModules().map(([name, module]) => [name, module.quantizationPointRoles()]));
    expect(roles).toMatchObject({ conv1: [], conv2: ['weights', 'inputs', 'outputs'], fc1: ['weights', 'inputs', 'outputs'], fc3: [], relu1: [] });
    expect(() => lenet5({ quantization: { overrides: { fc9: 'float32' } } })).toThrow('applyQuantization: override "fc9" names no module');
  });
});
