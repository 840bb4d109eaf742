import { randomNormal, tensor } from '@lowbit/tensor';
import { noGrad } from '@lowbit/autograd';
import { parseFormat } from '@lowbit/formats';
import { describe, expect, it } from 'vitest';
import { StateDictError } from './errors.js';
import { ReLU } from './layers/activations.js';
import { BatchNorm2d } from './layers/batch-norm.js';
import { Conv2d } from './layers/conv2d.js';
import { Dropout } from './layers/dropout.js';
import { Flatten } from './layers/flatten.js';
import { Linear } from './layers/linear.js';
import { MaxPool2d } from './layers/pooling.js';
import { Sequential } from './layers/sequential.js';
import { crossEntropy } from './losses.js';
import { applyQuantization } from './quantization/plan.js';
import type { StateDict } from './state-dict.js';
import { sgdStep } from './training.testutil.js';

const e4m3 = parseFormat('float8_e4m3fn');

/** A conv net with a stored (no master copy) weight, batch norm, dropout and an FP8 plan with stochastic rounding. `seed` changes every initial value. */
function build(seed: number, quantized = true): Sequential {
  const model = new Sequential({
    conv: new Conv2d({ inChannels: 1, outChannels: 3, kernelSize: 3, padding: 1, seed, weightStorage: { format: e4m3, rounding: 'stochastic' } }),
    bn: new BatchNorm2d({ numFeatures: 3 }),
    relu: new ReLU(),
    pool: new MaxPool2d({ kernelSize: 2 }),
    flatten: new Flatten(),
    drop: new Dropout({ p: 0.25, seed: seed + 1 }),
    fc: new Linear({ inFeatures: 12, outFeatures: 2, seed: seed + 2 }),
  });
  if (quantized) applyQuantization(model, { weights: { format: e4m3, rounding: 'stochastic', scaling: { kind: 'dynamic-offset', every: 2, margin: 1 } }, errors: { format: 'float8_e5m2', rounding: 'stochastic' } });
  return model;
}

const x = randomNormal([4, 1, 4, 4], { seed: 100 });
const labels = tensor(new Int32Array([0, 1, 1, 0]));

/** Three SGD steps: changes parameters (stored ones rounded stochastically), running statistics, dropout and point streams. */
function train(model: Sequential, steps = 3): number[] {
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    model.zeroGrad();
    const loss = crossEntropy(model.forward(x), labels);
    loss.backward();
    losses.push(loss.item());
    sgdStep(model.parameters(), 0.1);
  }
  return losses;
}

const toJson = (state: StateDict): StateDict => JSON.parse(JSON.stringify(state, (_key, value) => (ArrayBuffer.isView(value) ? Array.from(value as Float32Array) : value)));

describe('state dicts', () => {
  it('round trip: save, load into a fresh model (through JSON), identical outputs and identical further training', () => {
    const original = build(1);
    train(original);
    const state = toJson(original.stateDict());
    // Evaluation rounds stochastically from each point's evaluation stream, whose position is state too.
    const expected = noGrad(() => original.eval().forward(x).toArray());
    // Seeds are part of the model's construction, not of its state (as in PyTorch): resume into a
    // model built by the same code. Its values are the untrained ones.
    const fresh = build(1);
    expect(noGrad(() => fresh.eval().forward(x).toArray())).not.toEqual(expected);
    fresh.loadStateDict(state);
    expect(noGrad(() => fresh.forward(x).toArray())).toEqual(expected);
    // Training continues bit for bit: stochastic rounding streams, dynamic offsets, dropout masks, running statistics.
    original.train();
    fresh.train();
    expect(train(fresh, 2)).toEqual(train(original, 2));
    for (const [name, p] of original.namedParameters()) expect(fresh.module('').namedParameters().find(([n]) => n === name)![1].toArray()).toEqual(p.toArray());
    expect(fresh.module('bn').buffer('runningVar').toArray()).toEqual(original.module('bn').buffer('runningVar').toArray());
  });

  it('evaluation outputs of a model loaded into one built with other seeds are identical', () => {
    const original = build(1, false);
    train(original);
    const other = build(77, false);
    other.loadStateDict(toJson(original.stateDict()));
    expect(noGrad(() => other.eval().forward(x).toArray())).toEqual(noGrad(() => original.eval().forward(x).toArray()));
  });

  it('holds shapes, float32 values, storage formats, buffers, point states and extra state as plain data', () => {
    const model = build(1);
    train(model, 1);
    const state = model.stateDict();
    expect(Object.keys(state.parameters)).toEqual(['conv.weight', 'conv.bias', 'bn.weight', 'bn.bias', 'fc.weight', 'fc.bias']);
    expect(state.parameters['conv.weight']).toMatchObject({ shape: [3, 1, 3, 3], storage: { format: 'float8_e4m3fn', spec: e4m3.spec, rounding: 'stochastic' }, updates: 1 });
    expect(state.parameters['conv.weight'].storage!.streamPosition).toBe(54);
    expect(state.parameters['conv.weight'].values).toBeInstanceOf(Float32Array);
    expect(state.parameters['fc.weight'].storage).toBeUndefined();
    expect(state.buffers['bn.numBatchesTracked']).toEqual({ shape: [], dtype: 'int32', values: Int32Array.of(1) });
    expect(Object.keys(state.quantization)).toEqual(['conv.weights', 'conv.outputs', 'fc.weights', 'fc.outputs']);
    expect(state.quantization['conv.weights']).toMatchObject({ step: 1, forward: { steps: 1, position: 27 } });
    expect(state.extra).toEqual({ drop: { position: 48 } });
  });

  it('strict loading lists missing and unexpected keys in a named error', () => {
    const state = build(1).stateDict();
    const plain = build(2, false);
    let error: unknown;
    try {
      plain.loadStateDict(state);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(StateDictError);
    expect((error as StateDictError).unexpected).toEqual(['quantization:conv.weights', 'quantization:conv.outputs', 'quantization:fc.weights', 'quantization:fc.outputs']);
    expect((error as StateDictError).message).toContain('Sequential: the state dict\'s keys do not match the model: missing (none); unexpected quantization:conv.weights');
    expect((error as StateDictError).message).toContain('or pass { strict: false } to load the keys both have');
    const small = new Sequential({ conv: new Conv2d({ inChannels: 1, outChannels: 3, kernelSize: 3, padding: 1, seed: 1, weightStorage: { format: e4m3 } }) });
    expect(() => small.loadStateDict(state)).toThrow('unexpected parameters:bn.weight, parameters:bn.bias, parameters:fc.weight');
    const bigger = new Sequential({ conv: new Conv2d({ inChannels: 1, outChannels: 3, kernelSize: 3, padding: 1, weightStorage: { format: e4m3 } }), extra: new Linear({ inFeatures: 1, outFeatures: 1 }) });
    expect(() => bigger.loadStateDict(small.stateDict())).toThrow('missing parameters:extra.weight, parameters:extra.bias; unexpected (none)');
  });

  it('non-strict loading takes the keys both have and reports the rest', () => {
    const source = build(1);
    const target = build(2, false);
    const report = target.loadStateDict(source.stateDict(), { strict: false });
    expect(report.missing).toEqual([]);
    expect(report.unexpected).toHaveLength(4);
    expect(target.module('fc').namedParameters()[0][1].toArray()).toEqual(source.module('fc').namedParameters()[0][1].toArray());
  });

  it('always rejects a shape, size or format mismatch, and changes nothing when it does', () => {
    const source = new Sequential({ fc: new Linear({ inFeatures: 3, outFeatures: 2 }) });
    const target = new Sequential({ fc: new Linear({ inFeatures: 4, outFeatures: 2 }) });
    const before = target.stateDict();
    expect(() => target.loadStateDict(source.stateDict(), { strict: false })).toThrow(
      'Sequential: the state dict does not fit the model: parameters:fc.weight: shape [2,3] in the state dict, [2,4] in the model',
    );
    expect(target.stateDict()).toEqual(before);
    const truncated = source.stateDict();
    truncated.parameters['fc.bias'].values = [1];
    expect(() => source.loadStateDict(truncated)).toThrow('parameters:fc.bias: 1 values for shape [2] (size 2)');
    const stored = new Sequential({ fc: new Linear({ inFeatures: 3, outFeatures: 2, seed: 1, weightStorage: { format: 'float8_e4m3fn' } }) });
    expect(() => stored.loadStateDict(source.stateDict())).toThrow(
      "parameters:fc.weight: stored in float32 in the state dict, float8_e4m3fn in the model (pass { formatMismatch: 'round' } to round the values into the model's format)",
    );
    stored.loadStateDict(source.stateDict(), { formatMismatch: 'round' });
    const weight = stored.module('fc').namedParameters()[0][1];
    expect(weight.toArray()).toEqual(Array.from(e4m3.quantize(source.module('fc').namedParameters()[0][1].value.data() as Float32Array)));
    expect(() => stored.loadStateDict({} as never)).toThrow('Sequential: loadStateDict needs what stateDict() returns');
  });
});
