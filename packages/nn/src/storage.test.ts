import { randomNormal, tensor } from '@lowbit/tensor';
import { parseFormat } from '@lowbit/formats';
import { describe, expect, it } from 'vitest';
import { Conv2d } from './layers/conv2d.js';
import { Linear } from './layers/linear.js';
import { sgdStep } from './training.testutil.js';

const e4m3 = parseFormat('float8_e4m3fn');
const representable = (values: number[]) => values.every((v) => e4m3.quantize(Float32Array.of(v))[0] === v);

describe('weight storage (no float32 master copy)', () => {
  it('stores the weight in the format from initialization on, and rounds every update into it', () => {
    const layer = new Linear({ inFeatures: 8, outFeatures: 4, seed: 1, weightStorage: { format: 'float8_e4m3fn' } });
    expect(layer.weight.format?.name).toBe('float8_e4m3fn');
    expect(layer.bias!.format).toBeUndefined();
    expect(representable(layer.weight.toArray())).toBe(true);
    const before = layer.weight.toArray();
    layer.forward(randomNormal([2, 8], { seed: 2 })).backward({ gradient: tensor([[1, 1, 1, 1], [1, 1, 1, 1]]) });
    sgdStep(layer.parameters(), 1e-4);
    // An update far below half the spacing of E4M3 is lost: the stored weight does not move
    // (a zero may turn into -0; + 0 folds the two).
    expect(layer.weight.toArray().map((v) => v + 0)).toEqual(before.map((v) => v + 0));
    sgdStep(layer.parameters(), 0.5);
    expect(layer.weight.toArray()).not.toEqual(before);
    expect(representable(layer.weight.toArray())).toBe(true);
    expect(layer.weight.storageBits).toBe(32 * 8);
  });

  it('stochastic storage draws from a stream per layer and parameter, reproducibly', () => {
    const make = (seed: number) => new Conv2d({ inChannels: 1, outChannels: 2, kernelSize: 2, seed, weightStorage: { format: e4m3, rounding: 'stochastic' }, biasStorage: { format: e4m3 } });
    const a = make(3);
    const b = make(3);
    expect(a.weight.toArray()).toEqual(b.weight.toArray());
    expect(a.bias!.format?.name).toBe('float8_e4m3fn');
    const update = tensor(new Array(8).fill(0.3), [2, 1, 2, 2]);
    a.weight.assign(update);
    b.weight.assign(update);
    expect(a.weight.toArray()).toEqual(b.weight.toArray());
    const c = make(4);
    c.weight.assign(update);
    expect(c.weight.toArray()).not.toEqual(a.weight.toArray());
  });

  it('rejects a bad storage spec', () => {
    expect(() => new Linear({ inFeatures: 1, outFeatures: 1, weightStorage: { format: 'e4m3x' } })).toThrow('Linear: invalid weightStorage.format: "e4m3x"');
    expect(() => new Linear({ inFeatures: 1, outFeatures: 1, weightStorage: { format: e4m3, rounding: 'up' as never } })).toThrow('Linear: invalid weightStorage.rounding: "up"');
    expect(new Linear({ inFeatures: 1, outFeatures: 1, weightStorage: { format: 'float32' } }).weight.format).toBeUndefined();
  });
});
