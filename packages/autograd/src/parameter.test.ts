import { ShapeError, tensor, quantize as tensorQuantize } from '@lowbit/tensor';
import { fixedPointFormat, parseFormat } from '@lowbit/formats';
import { describe, expect, it } from 'vitest';
import { backward } from './backward.js';
import { mul, sum } from './ops/index.js';
import { Parameter, parameter } from './parameter.js';
import { deriveSeed, hashLabel } from './random-stream.js';

const e4m3 = parseFormat('float8_e4m3fn');

describe('parameter', () => {
  it('is a trainable leaf', () => {
    const w = parameter(tensor([1, 2]), { name: 'w' });
    expect(w).toBeInstanceOf(Parameter);
    expect(w.requiresGrad).toBe(true);
    expect(w.isLeaf).toBe(true);
    backward(sum(mul(w, w)));
    expect(w.grad?.toArray()).toEqual([2, 4]);
    expect(w.storageBits).toBe(64);
  });

  it('stored in a format, holds only representable values, on creation and on every assign', () => {
    const w = parameter(tensor([0.3, -1.7, 1000]), { format: e4m3, name: 'w8' });
    expect(w.toArray()).toEqual([0.3125, -1.75, NaN]); // 1000 overflows E4M3fn to NaN (its default)
    w.assign(tensor([0.1, 2.2, -3.3]));
    expect(w.toArray()).toEqual(Array.from(e4m3.quantize(Float32Array.of(0.1, 2.2, -3.3))));
    expect(w.updates).toBe(1);
    expect(w.storageBits).toBe(24);
  });

  it('stochastic writes draw consecutive counters of the parameter stream', () => {
    const w = parameter(tensor([0, 0, 0, 0]), { format: e4m3, rounding: 'stochastic', seed: 5 });
    const seed = deriveSeed(5, 'parameter');
    const update = tensor([0.3, 0.3, 0.3, 0.3]);
    const positionBefore = w.streamPosition;
    w.assign(update);
    expect(w.toArray()).toEqual(tensorQuantize(update, e4m3, { rounding: 'stochastic', seed, offset: positionBefore }).toArray());
    w.assign(update);
    expect(w.toArray()).toEqual(tensorQuantize(update, e4m3, { rounding: 'stochastic', seed, offset: positionBefore + 4 }).toArray());
    expect(w.streamPosition).toBe(positionBefore + 8);
    // The default seed comes from the name.
    expect(parameter(tensor([0]), { name: 'fc1.weight' }).streamPosition).toBe(0);
    expect(hashLabel('fc1.weight')).toBeGreaterThan(0);
  });

  it('assign keeps the shape (ShapeError) and the dtype', () => {
    const w = parameter(tensor([1, 2, 3, 4], [2, 2]), { name: 'fc.weight' });
    expect(() => w.assign(tensor([1, 2, 3, 4]))).toThrow(ShapeError);
    expect(() => w.assign(tensor([1, 2, 3, 4]))).toThrow('assign: parameter "fc.weight" has shape [2,2] but the new value has [4]; a parameter keeps its shape');
    expect(() => parameter(tensor(new Int32Array([1])))).toThrow('parameter: invalid value: "int32 tensor" (allowed: a float32 Tensor)');
    expect(() => parameter(tensor([1]), { rounding: 'up' as never })).toThrow(/parameter: invalid rounding: "up"/);
  });
  it('setFormat converts in place: widening a fixed-point format is exact, narrowing rounds (RCT bit changes)', () => {
    const w = parameter(tensor([0.3, -0.7, 0.05]), { name: 'fc.weight' });
    const q8 = fixedPointFormat({ wordBits: 8, fractionBits: 6 }); // step 1/64
    w.setFormat(q8);
    expect(w.format).toBe(q8);
    expect(w.toArray()).toEqual([19 / 64, -45 / 64, 3 / 64]);
    expect(w.storageBits).toBe(24);
    w.setFormat(fixedPointFormat({ wordBits: 9, fractionBits: 7 })); // one bit more, half the step: exact
    expect(w.toArray()).toEqual([19 / 64, -45 / 64, 3 / 64]);
    w.setFormat(fixedPointFormat({ wordBits: 7, fractionBits: 5 })); // two bits less: nearest-even to 1/32
    expect(w.toArray()).toEqual([10 / 32, -22 / 32, 2 / 32]);
    expect(w.updates).toBe(0); // not an update
    // A new seed re-keys the stream; stochastic conversion draws from it.
    w.setFormat(fixedPointFormat({ wordBits: 5, fractionBits: 3 }), { rounding: 'stochastic', seed: 9 });
    expect(w.rounding).toBe('stochastic');
    expect(w.streamPosition).toBe(3);
    const expected = tensorQuantize(tensor([10 / 32, -22 / 32, 2 / 32]), fixedPointFormat({ wordBits: 5, fractionBits: 3 }), { rounding: 'stochastic', seed: deriveSeed(9, 'parameter'), offset: 0 });
    expect(w.toArray()).toEqual(expected.toArray());
    w.setFormat(undefined);
    expect(w.format).toBeUndefined();
    w.assign(tensor([0.1, 0.2, 0.3]));
    expect(w.toArray()).toEqual(Array.from(Float32Array.of(0.1, 0.2, 0.3)));
    expect(() => w.setFormat('int8' as never)).toThrow(/setFormat: invalid format: "int8"/);
    expect(() => w.setFormat(q8, { rounding: 'up' as never })).toThrow(/setFormat: invalid rounding: "up"/);
  });
});
