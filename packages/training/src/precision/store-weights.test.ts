import { describe, expect, it } from 'vitest';
import { floatFormat } from '@lowbit/formats';
import { tensor } from '@lowbit/tensor';
import { storeWeights } from './store-weights.js';
import { mlp } from '../fixtures.testutil.js';

const e4m3 = floatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'fn', overflow: 'saturate' });

describe('storeWeights', () => {
  it('stores Linear/Conv2d weights in the format, with a stream of its own per parameter', () => {
    const model = mlp();
    expect(storeWeights(model, { format: e4m3, rounding: 'stochastic', seed: 3 })).toEqual(['fc1.weight', 'fc2.weight']);
    const [fc1, bias, fc2] = model.namedParameters().map(([, parameter]) => parameter);
    expect([fc1.format?.name, bias.format, fc2.format?.name]).toEqual([e4m3.name, undefined, e4m3.name]);
    expect(Array.from(fc1.value.data() as Float32Array).every((v) => e4m3.quantize(Float32Array.of(v))[0] === v)).toBe(true);
    // The same write rounds differently in two layers: their streams are keyed by their names.
    fc1.assign(tensor(new Float32Array(32).fill(0.3), fc1.shape));
    fc2.assign(tensor(new Float32Array(24).fill(0.3), fc2.shape));
    expect(fc1.value.toArray().slice(0, 24)).not.toEqual(fc2.value.toArray());
    expect(fc1.value.toArray().every((v) => v === 0.28125 || v === 0.3125)).toBe(true);
    expect(() => storeWeights(model, { format: e4m3, layers: ['nope'] })).toThrow(/storeWeights: invalid layers: \["nope"\] \(allowed: parameter names of the model: fc1\.weight, fc1\.bias, fc2\.weight, fc2\.bias\)\. no parameter was selected/);
  });
});
