import { describe, expect, it } from 'vitest';
import { Linear, ReLU, Sequential, applyQuantization } from '@lowbit/nn';
import { fixedPointFormat, floatFormat } from '@lowbit/formats';
import { sgd } from '@lowbit/optim';
import { energyReport, integerAddEnergy, integerMultiplyEnergy, macEnergy, memoryReport, energyTable, HOROWITZ_45NM, storeWeights } from '../index.js';
import { cnn } from '../fixtures.testutil.js';

const int8 = fixedPointFormat({ wordBits: 8, fractionBits: 4 });
const e5m2 = floatFormat({ exponentBits: 5, mantissaBits: 2, overflow: 'saturate' });

/** 4 -> 3 -> ReLU -> 2: 12 + 3 + 6 + 2 = 23 parameters. */
const tiny = () => new Sequential({ fc1: new Linear({ inFeatures: 4, outFeatures: 3, seed: 1 }), relu: new ReLU(), fc2: new Linear({ inFeatures: 3, outFeatures: 2, seed: 2 }) });

/** Weights stored as 8-bit integers (no master), inputs of both layers int8, errors E5M2. */
function lowBit() {
  const model = tiny();
  storeWeights(model, { format: int8 });
  applyQuantization(model, { inputs: int8, errors: e5m2 });
  return model;
}

describe('memoryReport (hand-computed, batch 10)', () => {
  it('float32 with momentum: 4 bytes per weight, gradient and momentum; saved activations 12 values per sample', () => {
    const report = memoryReport(tiny(), sgd({ learningRate: 0.1, momentum: 0.9 }), { batchSize: 10, inputShape: [4] });
    // Saved per sample: fc1 input 4, ReLU input 3, fc2 input 3, the loss's logits 2 = 12 values x 4 bytes x 10.
    expect(report.totals).toEqual({ weights: 92, master: 0, gradients: 92, optimizerState: 92, activations: 480, parameters: 92, total: 756 });
    expect(report.float32).toEqual(report.totals);
    expect(report.qat).toEqual(report.totals);
    expect(report.savings).toEqual({ parametersVsFloat32: 0, parametersVsQat: 0, totalVsFloat32: 0, totalVsQat: 0 });
    expect(report.layers.map((row) => [row.layer, row.weights, row.activations])).toEqual([
      ['fc1', 60, 160],
      ['fc2', 32, 120],
      ['relu', 0, 120],
      ['(loss)', 0, 80],
    ]);
  });

  it('8-bit stored weights without a master copy against float32 and QAT (N b vs N (32 + b) bits)', () => {
    const report = memoryReport(lowBit(), sgd({ learningRate: 0.1 }), { batchSize: 10, inputShape: [4] });
    expect(report.parameters.map((row) => [row.parameter, row.storage, row.weightBits, row.masterBits])).toEqual([
      ['fc1.weight', 'fixed_w8_f4', 96, 0],
      ['fc1.bias', 'float32', 96, 0],
      ['fc2.weight', 'fixed_w8_f4', 48, 0],
      ['fc2.bias', 'float32', 64, 0],
    ]);
    // Activations: fc1 and fc2 inputs are int8 (40 + 30 bytes), the ReLU input float32 (120), logits 80.
    expect(report.totals).toEqual({ weights: 38, master: 0, gradients: 92, optimizerState: 0, activations: 270, parameters: 38, total: 400 });
    expect(report.float32).toEqual({ weights: 92, master: 0, gradients: 92, optimizerState: 0, activations: 480, parameters: 92, total: 664 });
    // QAT: a float32 master of the 18 stored weights (72 bytes) next to their 8-bit copy.
    expect(report.qat).toEqual({ weights: 38, master: 72, gradients: 92, optimizerState: 0, activations: 270, parameters: 110, total: 472 });
    expect(report.savings.parametersVsQat).toBeCloseTo(1 - 38 / 110, 12);
    expect(report.savings.parametersVsFloat32).toBeCloseTo(1 - 38 / 92, 12);
    expect(report.savings.totalVsFloat32).toBeCloseTo(1 - 400 / 664, 12);
  });

  it('QAT through the weights role counts the float32 master and the rounded copy', () => {
    const model = tiny();
    applyQuantization(model, { weights: int8 });
    const report = memoryReport(model, undefined, { batchSize: 1, inputShape: [4] });
    expect(report.totals.weights).toBe(18 + 20);
    expect(report.totals.master).toBe(72);
    expect(report.savings.parametersVsQat).toBe(0);
  });
});

describe('energy model', () => {
  it('prices MACs from the Horowitz anchors, linear in the product of widths', () => {
    expect(integerMultiplyEnergy(HOROWITZ_45NM, 8, 8)).toBeCloseTo(0.2, 12);
    expect(integerMultiplyEnergy(HOROWITZ_45NM, 32, 32)).toBeCloseTo(3.1, 12);
    expect(integerMultiplyEnergy(HOROWITZ_45NM, 4, 4)).toBeCloseTo(0.2 + ((16 - 64) * 2.9) / 960, 12);
    expect(integerAddEnergy(HOROWITZ_45NM, 8)).toBeCloseTo(0.03, 12);
    expect(integerAddEnergy(HOROWITZ_45NM, 32)).toBeCloseTo(0.1, 12);
    expect(integerAddEnergy(HOROWITZ_45NM, 16)).toBeCloseTo(0.03 + (8 * 0.07) / 24, 12);
    expect(macEnergy(HOROWITZ_45NM, { bits: 32, float32: true }, { bits: 8, float32: false })).toBeCloseTo(3.7 + 0.9, 12);
    expect(() => energyTable({ dramAccess: -1 })).toThrow('energyTable: invalid dramAccess: -1 (allowed: picojoules >= 0)');
  });

  it('counts MACs per layer: Linear rows x in x out, Conv2d outputs x (in/groups) kh kw; no backward-data GEMM in the first layer', () => {
    const report = energyReport(cnn(), { batchSize: 2, inputShape: [1, 8, 8] });
    // conv 1 -> 4, 3x3 on 8x8: 4 x 6 x 6 outputs x 9 = 1296 per sample; fc 36 -> 3: 108.
    expect(report.layers.map((row) => [row.layer, row.macs])).toEqual([
      ['conv', { forward: 2592, backwardData: 0, backwardWeight: 2592 }],
      ['fc', { forward: 216, backwardData: 216, backwardWeight: 216 }],
    ]);
  });

  it('GEMM and parameter-movement energy of a low-bit run against float32 and QAT (hand-computed, batch 10)', () => {
    const report = energyReport(lowBit(), { batchSize: 10, inputShape: [4], steps: 1000 });
    // MACs per step: fc1 forward 120, backward-weight 120 (no backward-data); fc2 60 each: 420 in all.
    // Every operand is 8 bits here: 0.2 + 0.1 pJ per MAC. Float32: 4.6 pJ. QAT: forward (180 MACs) at
    // 8 x 8 bits, both backward GEMMs (240 MACs) in float32.
    expect(report.run.gemmPerStep).toBeCloseTo(420 * 0.3, 9);
    expect(report.float32.gemmPerStep).toBeCloseTo(420 * 4.6, 9);
    expect(report.qat.gemmPerStep).toBeCloseTo(180 * 0.3 + 240 * 4.6, 9);
    expect(report.savings.gemmVsQat).toBeCloseTo(1 - 126 / 1158, 12);
    // Movement per step, read + write: weights 96 + 48 bits, biases 160, gradients 23 x 32 bits.
    // QAT adds a float32 master of the 18 stored weights; float32 stores 32 bits everywhere. 640 pJ per 32 bits.
    expect(report.run.parameterMovementPerStep).toBeCloseTo(((2 * (304 + 736)) / 32) * 640, 9);
    expect(report.float32.parameterMovementPerStep).toBeCloseTo(((2 * (736 + 736)) / 32) * 640, 9);
    expect(report.qat.parameterMovementPerStep).toBeCloseTo(((2 * (304 + 18 * 32 + 736)) / 32) * 640, 9);
    expect(report.savings.parameterMovementVsQat).toBeCloseTo(1 - 2080 / 3232, 12);
    expect(report.run.gemmJoules).toBeCloseTo(126 * 1000 * 1e-12, 18);
    expect(report.layers[0].operands).toEqual({
      weights: { format: 'fixed_w8_f4', bits: 8, float32: false },
      activations: { format: 'fixed_w8_f4', bits: 8, float32: false },
      errors: { format: e5m2.name, bits: 8, float32: false },
    });
  });

  it('takes time-averaged weight widths (RCT) and another table', () => {
    const model = lowBit();
    const report = energyReport(model, { batchSize: 10, inputShape: [4], weightBits: { 'fc1.weight': 4 }, table: { accumulatorBits: 16 } });
    const add16 = 0.03 + (8 * 0.07) / 24;
    const mult48 = 0.2 + ((32 - 64) * 2.9) / 960;
    // fc1: forward W(4) x A(8), backward-weight A(8) x E(8); fc2 all 8 x 8.
    expect(report.layers[0].gemm.forward).toBeCloseTo(120 * (mult48 + add16), 9);
    expect(report.layers[0].gemm.backwardWeight).toBeCloseTo(120 * (0.2 + add16), 9);
    expect(() => energyReport(model, { batchSize: 10, inputShape: [4], weightBits: { 'fc9.weight': 4 } })).toThrow(/energyReport: invalid weightBits: "fc9\.weight" \(allowed: parameter names of the model: fc1\.weight, fc1\.bias, fc2\.weight, fc2\.bias\)/);
    expect(() => energyReport(model, { batchSize: 10, inputShape: [] })).toThrow('energyReport: invalid inputShape: [] (allowed: the shape of one sample without the batch axis, e.g. [1, 28, 28])');
  });
});
