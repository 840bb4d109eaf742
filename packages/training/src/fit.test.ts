import { describe, expect, it } from 'vitest';
import { adam, routeBy, sgd } from '@lowbit/optim';
import { applyQuantization, crossEntropy } from '@lowbit/nn';
import { floatFormat } from '@lowbit/formats';
import { mul } from '@lowbit/autograd';
import { earlyStopping, fit, progressLogger, type Callback } from './index.js';
import { evaluate } from './evaluate.js';
import { bitsOf, blobs, cnn, images, mlp, withoutTimes } from './fixtures.testutil.js';

const e4m3 = floatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'fn', overflow: 'saturate' });
const e5m2 = floatFormat({ exponentBits: 5, mantissaBits: 2, overflow: 'saturate' });

describe('fit', () => {
  it('learns separable blobs and returns per-epoch curves', async () => {
    const { train, test } = blobs();
    const model = mlp();
    const result = await fit({ model, trainData: train, testData: test, optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }), epochs: 4, batchSize: 16, seed: 3 });
    expect(result.epochs).toHaveLength(4);
    expect(result.steps).toBe(4 * 6);
    expect(result.curves.trainLoss).toHaveLength(4);
    expect(result.curves.testAccuracy.at(-1)).toBeGreaterThan(0.9);
    expect(result.curves.trainLoss[3]).toBeLessThan(result.curves.trainLoss[0]);
    expect(result.epochs[0].optimizer?.steps).toBe(6);
    expect(result.epochs[0].optimizer?.hyperparameters).toEqual({ learningRate: 0.1, momentum: 0.9, dampening: 0, weightDecay: 0 });
    expect(Object.keys(result.epochs[0].optimizer!.gavg)).toEqual(['fc1.weight', 'fc1.bias', 'fc2.weight', 'fc2.bias']);
    expect(result.config).toMatchObject({ batchSize: 16, seed: 3, epochs: 4, optimizerKind: 'sgd' });
    // The final test accuracy is what evaluate reports (evaluation does not disturb the model).
    expect(evaluate({ model, data: test }).accuracy).toBe(result.curves.testAccuracy[3]);
  });

  it('is deterministic for a seed: bit-identical weights and records; another seed gives others', async () => {
    const { train, test } = images();
    const run = async (seed: number) => {
      const model = cnn();
      applyQuantization(model, { weights: e4m3, inputs: e4m3, errors: { format: e5m2, rounding: 'stochastic' } });
      const result = await fit({ model, trainData: train, testData: test, optimizer: sgd({ learningRate: 0.05, momentum: 0.9 }), epochs: 2, batchSize: 8, seed, augmentation: { randomCrop: { padding: 1 }, horizontalFlip: true } });
      return { weights: bitsOf(model), records: withoutTimes(result.epochs) };
    };
    const first = await run(7);
    const second = await run(7);
    expect(second.weights).toEqual(first.weights);
    expect(second.records).toEqual(first.records);
    expect(first.records[0].quantization?.map((entry) => entry.name)).toEqual(['conv.weights', 'conv.inputs', 'conv.outputs', 'fc.weights', 'fc.inputs', 'fc.outputs']);
    expect(first.records[0].quantization?.[0]).toMatchObject({ steps: 6, forward: { elements: 6 * 36 } });
    const other = await run(8);
    expect(other.weights).not.toEqual(first.weights);
  });

  it('calls callbacks in order and lets them stop the run', async () => {
    const { train } = blobs();
    const events: string[] = [];
    const recorder: Callback = {
      onTrainStart: () => void events.push('train start'),
      onEpochStart: (context) => void events.push(`epoch ${context.epoch} start`),
      onBatchStart: (context) => void events.push(`batch ${context.batch}`),
      onBatchEnd: (context, batch) => {
        events.push(`batch ${batch.batch} end, step ${batch.step}`);
        if (batch.step === 5) context.stop('enough');
      },
      onEpochEnd: (_context, record) => void events.push(`epoch ${record.epoch} end`),
      onTrainEnd: () => void events.push('train end'),
    };
    const result = await fit({ model: mlp(), trainData: train, optimizer: sgd({ learningRate: 0.1 }), epochs: 3, batchSize: 32, callbacks: [recorder] });
    expect(events).toEqual([
      'train start',
      'epoch 0 start',
      'batch 0',
      'batch 0 end, step 1',
      'batch 1',
      'batch 1 end, step 2',
      'batch 2',
      'batch 2 end, step 3',
      'epoch 0 end',
      'epoch 1 start',
      'batch 0',
      'batch 0 end, step 4',
      'batch 1',
      'batch 1 end, step 5',
      'epoch 1 end',
      'train end',
    ]);
    expect(result.stopped).toBe('enough');
    expect(result.epochs[1]).toMatchObject({ steps: 2, partial: true });
  });

  it('stops early when the monitored metric stops improving', async () => {
    const { train, test } = blobs();
    // A zero learning rate never improves the test loss: the best is epoch 0, patience 2 ends after epoch 2.
    const stopper = earlyStopping({ monitor: 'testLoss', patience: 2 });
    const lines: string[] = [];
    const result = await fit({ model: mlp(), trainData: train, testData: test, optimizer: sgd({ learningRate: 0 }), epochs: 10, batchSize: 32, callbacks: [stopper, progressLogger({ log: (line) => lines.push(line) })] });
    expect(result.epochs).toHaveLength(3);
    expect(result.stopped).toMatch(/^early stopping: testLoss did not improve for 2 epochs \(best .* at epoch 0\)$/);
    expect(stopper.bestEpoch).toBe(0);
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/^epoch 1\/10: train loss \d\.\d{4}, train accuracy \d+\.\d\d %, test loss \d\.\d{4}, test accuracy \d+\.\d\d % \(\d+\.\d s\)$/);
    // Improving runs keep going.
    const improving = await fit({ model: mlp(), trainData: train, testData: test, optimizer: sgd({ learningRate: 0.1 }), epochs: 3, batchSize: 16, callbacks: [earlyStopping({ monitor: 'testAccuracy', patience: 5 })] });
    expect(improving.epochs).toHaveLength(3);
    expect(() => earlyStopping({ monitor: 'accuracy' as never, patience: 1 })).toThrow("earlyStopping: invalid monitor: \"accuracy\" (allowed: trainLoss, trainAccuracy, testLoss, testAccuracy)");
  });

  it('trains routed optimizers, custom losses and maxSteps', async () => {
    const { train } = blobs();
    const optimizer = routeBy({ routes: [{ name: 'weights', select: { names: /weight$/ }, optimizer: adam({ learningRate: 0.01 }) }, { name: 'biases', select: { names: /bias$/ }, optimizer: sgd({ learningRate: 0.1 }) }] });
    const halfLoss = (output: Parameters<typeof crossEntropy>[0], labels: Parameters<typeof crossEntropy>[1]) => mul(crossEntropy(output, labels), 0.5);
    const result = await fit({ model: mlp(), trainData: train, optimizer, loss: halfLoss, epochs: 5, batchSize: 10, maxSteps: 12, metrics: { quantization: false } });
    expect(result.steps).toBe(12);
    expect(result.stopped).toBe('maxSteps (12) reached');
    expect(result.epochs.map((record) => record.steps)).toEqual([10, 2]);
    expect(result.epochs[0].quantization).toBeUndefined();
    expect(result.epochs[0].optimizer?.hyperparameters).toMatchObject({ 'weights.learningRate': 0.01, 'biases.learningRate': 0.1 });
  });

  it('rejects bad options at the boundary, naming the field and value', async () => {
    const { train } = blobs();
    const base = { model: mlp(), trainData: train, optimizer: sgd({ learningRate: 0.1 }), epochs: 1, batchSize: 8 };
    await expect(fit({ ...base, batchSize: 0 })).rejects.toThrow('fit: invalid batchSize: 0 (allowed: a positive integer)');
    await expect(fit({ ...base, optimizer: sgd({ learningRate: 0.1 }).create([]) as never })).rejects.toThrow(/fit: invalid optimizer: .* pass the definition, not a created optimizer/);
    await expect(fit({ ...base, nonFinite: 'ignore' as never })).rejects.toThrow("fit: invalid nonFinite: \"ignore\" (allowed: 'stop' or 'skip')");
    await expect(fit({ ...base, trainData: [] as never })).rejects.toThrow(/fit: invalid trainData/);
    await expect(fit({ ...base, dropLast: true, batchSize: 1000 })).rejects.toThrow(/fit: invalid batchSize: 1000 \(allowed: at most 96 \(the training set\) with dropLast\)/);
    await expect(fit({ ...base, callbacks: [{ name: 'a' }, { name: 'a' }] })).rejects.toThrow(/callbacks with distinct names/);
  });
});
