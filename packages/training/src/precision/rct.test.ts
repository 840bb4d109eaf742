import { describe, expect, it } from 'vitest';
import { mul, sum } from '@lowbit/autograd';
import { Linear, Sequential } from '@lowbit/nn';
import { sgd, type Optimizer } from '@lowbit/optim';
import { tensor } from '@lowbit/tensor';
import { rctController, type RctOptions, type RctReport } from './rct.js';
import type { PrecisionController } from './controller.js';

/** fc: y = w . x with w = [0.5, -0.25] and x = [1, 1]; the loss k * y gives the gradient k for both weights. */
function setup(options: RctOptions, learningRate = 2 ** -7) {
  const model = new Sequential({ fc: new Linear({ inFeatures: 2, outFeatures: 1, bias: false, seed: 1 }) });
  const weight = model.module('fc').ownParameters()[0][1];
  weight.assign(tensor([[0.5, -0.25]]));
  const controller = rctController(options);
  controller.attach(model);
  const optimizer = sgd({ learningRate }).create(model.namedParameters());
  let steps = 0;
  const step = (k: number) => {
    model.zeroGrad();
    mul(sum(model.forward(tensor([[1, 1]]))), k).backward();
    optimizer.step();
    controller.afterStep({ step: ++steps, model, optimizer, statistics: optimizer.statistics() });
  };
  return { model, weight, controller, optimizer: optimizer as Optimizer, step };
}

const values = (weight: { value: { toArray(): number[] } }) => weight.value.toArray();

describe('rctController', () => {
  it('adds a bit when Gavg < 0.5, keeps it in [0.5, 2], drops one above 2, within [minBits, maxBits] (hand-computed)', () => {
    const { weight, controller, step } = setup({ initialBits: 8, headroomBits: 0, interval: 2, minBits: 6, maxBits: 9 });
    // max |w| = 0.5: range 2^0, so 8 bits have 7 fraction bits, s = 2^-7.
    expect(weight.format?.name).toBe('fixed_w8_f7');
    expect(values(weight)).toEqual([0.5, -0.25]);
    // k = 1/4: |lr g| = 2^-9, Gavg = 2^-9 / 2^-7 = 0.25. Both updates are below half a step: lost.
    step(0.25);
    step(0.25);
    expect(values(weight)).toEqual([0.5, -0.25]);
    // Window of 2 steps: mean 0.25 < 0.5, add a bit: <9, 8>, s = 2^-8, values unchanged (exact).
    expect(controller.bits()).toEqual({ 'fc.weight': 9 });
    expect(weight.format?.name).toBe('fixed_w9_f8');
    // Gavg = 2^-9 / 2^-8 = 0.5: no change. The update is exactly half a step: ties to even keep 128/256 and -64/256.
    step(0.25);
    step(0.25);
    expect(controller.bits()).toEqual({ 'fc.weight': 9 });
    expect(values(weight)).toEqual([0.5, -0.25]);
    // k = 3 then 2.5: updates 6/256 and 5/256 (Gavg 6 and 5, mean 5.5 > 2): 117/256 and -75/256, then drop a bit:
    // <8, 7> rounds 58.5/128 to 58/128 and -37.5/128 to -38/128 (nearest-even).
    step(3);
    expect(values(weight)).toEqual([122 / 256, -70 / 256]);
    step(2.5);
    expect(controller.bits()).toEqual({ 'fc.weight': 8 });
    expect(values(weight)).toEqual([58 / 128, -38 / 128]);
    // Tiny gradients: add a bit up to maxBits (9), then stay there.
    step(0.001);
    step(0.001);
    step(0.001);
    step(0.001);
    expect(controller.bits()).toEqual({ 'fc.weight': 9 });
    const report = controller.report() as RctReport;
    const layer = report.layers[0];
    expect(layer).toMatchObject({ parameter: 'fc.weight', layer: 'fc', type: 'Linear', elements: 2, initialBits: 8, finalBits: 9, rangeExponent: 0, finalFractionBits: 8 });
    expect(layer.bitsHistory).toEqual([
      { step: 0, bits: 8 },
      { step: 2, bits: 9 },
      { step: 6, bits: 8 },
      { step: 8, bits: 9 },
    ]);
    expect(layer.decisions.map(({ step: at, gavg, bits, change }) => [at, gavg, bits, change])).toEqual([
      [2, 0.25, 9, 1],
      [4, 0.5, 9, 0],
      [6, 5.5, 8, -1],
      [8, layer.decisions[3].gavg, 9, 1],
      [10, layer.decisions[4].gavg, 9, 0],
    ]);
    // lr g / s with s = 2^-7 and lr = 2^-7: the float32 gradient itself.
    expect(layer.decisions[3].gavg).toBe(Math.fround(0.001));
    // Time-weighted: 8 bits for 2 steps, 9 for 4, 8 for 2, 9 for 2.
    expect(layer.meanBits).toBeCloseTo((8 * 2 + 9 * 4 + 8 * 2 + 9 * 2) / 10, 12);
  });

  it('waits for the cool-down after a change and can read the applied update instead of lr g', () => {
    const { controller, step } = setup({ initialBits: 8, headroomBits: 0, interval: 1, cooldown: 3, signal: 'update' });
    for (let i = 0; i < 5; i++) step(0.125);
    // Gavg = |u| / s = 2^-10 / 2^-7 = 0.125 (then 0.25 at 9 bits): a change at step 1, then none until 3 steps later (step 4).
    const report = controller.report() as RctReport;
    expect(report.layers[0].decisions.map((decision) => decision.change)).toEqual([1, 0, 0, 1, 0]);
    expect(report.layers[0].bitsHistory).toEqual([
      { step: 0, bits: 8 },
      { step: 1, bits: 9 },
      { step: 4, bits: 10 },
    ]);
  });

  it('stores chosen layers only, restores its state into a fresh model, and checks its options', () => {
    const model = new Sequential({ a: new Linear({ inFeatures: 3, outFeatures: 2, seed: 1 }), b: new Linear({ inFeatures: 2, outFeatures: 2, seed: 2 }) });
    const controller = rctController({ layers: ['b.weight'], initialBits: 6 });
    controller.attach(model);
    const formats = () => model.namedParameters().map(([name, parameter]) => [name, parameter.format?.name ?? 'float32']);
    expect(formats().map(([name, format]) => `${name}: ${format.startsWith('fixed_w6') ? 'fixed 6 bits' : format}`)).toEqual(['a.weight: float32', 'a.bias: float32', 'b.weight: fixed 6 bits', 'b.bias: float32']);
    const saved = structuredClone(controller.state()) as { layers: { bits: number; fractionBits: number }[] };
    saved.layers[0].bits = 7;
    saved.layers[0].fractionBits += 1;
    const fresh: PrecisionController = rctController({ layers: ['b.weight'], initialBits: 6 });
    fresh.attach(model);
    fresh.loadState(saved, model);
    expect(fresh.bits()).toEqual({ 'b.weight': 7 });
    expect(model.module('b').ownParameters()[0][1].format?.spec).toMatchObject({ wordBits: 7 });
    const other = rctController({ layers: ['a.weight'] });
    other.attach(model);
    expect(() => other.loadState(saved, model)).toThrow('checkpoint does not fit this run: RCT controls b.weight in the checkpoint and a.weight in this run. Use the same model and the same rctController layers');
    expect(() => rctController({ layers: ['c.weight'] }).attach(model)).toThrow(/rctController: invalid layers: \["c\.weight"\] \(allowed: names of parameters of the model: a\.weight, a\.bias, b\.weight, b\.bias\)\. the controller selected no parameter/);
    expect(() => rctController({ minBits: 8, maxBits: 4 })).toThrow('rctController: invalid maxBits: 4 (allowed: an integer in [8, 25])');
    expect(() => rctController({ upperThreshold: 0.25 })).toThrow('rctController: invalid upperThreshold: 0.25 (allowed: a number > lowerThreshold (0.5))');
    expect(() => rctController({ rounding: 'toward-zero' as never })).toThrow("rctController: invalid rounding: \"toward-zero\" (allowed: 'nearest-even' or 'stochastic')");
  });
});
