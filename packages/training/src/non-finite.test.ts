import { describe, expect, it } from 'vitest';
import { sgd } from '@lowbit/optim';
import { BatchNorm1d, Linear, ReLU, Sequential, applyQuantization, crossEntropy } from '@lowbit/nn';
import { parseFormat } from '@lowbit/formats';
import { mul, type Variable } from '@lowbit/autograd';
import { tensor, type Tensor } from '@lowbit/tensor';
import { NonFiniteError, fit, type Callback } from './index.js';
import { blobs, mlp, weightsOf } from './fixtures.testutil.js';

async function stopped(run: Promise<unknown>): Promise<NonFiniteError> {
  try {
    await run;
  } catch (error) {
    expect(error).toBeInstanceOf(NonFiniteError);
    return error as NonFiniteError;
  }
  throw new Error('expected a NonFiniteError');
}

describe("nonFinite: 'stop'", () => {
  it('names the layer and quantization point where NaN first appeared in the forward pass', async () => {
    const { train } = blobs();
    const model = mlp();
    // E4M3 (fn) turns overflow into NaN by default: inputs scaled by 1000 overflow fc1's outputs.
    applyQuantization(model, { outputs: 'float8_e4m3fn' }, { overrides: { fc2: 'float32' } });
    const error = await stopped(fit({ model, trainData: train, optimizer: sgd({ learningRate: 0.1 }), epochs: 1, batchSize: 16, normalization: { scale: 1000 } }));
    expect(error.kind).toBe('loss');
    expect([error.step, error.epoch, error.batch]).toEqual([0, 0, 0]);
    expect(error.location).toMatchObject({ phase: 'forward', layer: 'fc1', type: 'Linear', quantizationPoint: 'fc1.outputs' });
    expect(error.message).toMatch(
      /^non-finite loss \(NaN\) at step 0 \(epoch 0, batch 0\): NaN\/Inf first appeared in the forward pass, at the output of Linear "fc1" from a finite input \(\d+ NaN, 0 infinite of 128 values\); outputs point "fc1\.outputs" reported \d+ overflowed and \d+ NaN values\. Lower the learning rate, use saturating overflow/,
    );
    expect(error.message).toMatch(/or pass nonFinite: 'skip' to skip such steps and count them$/);
  });

  it('names the layer whose backward pass overflowed (E5M2 errors with infinities)', async () => {
    const { train } = blobs();
    const model = mlp();
    applyQuantization(model, { errors: parseFormat('float8_e5m2') }, { overrides: { fc1: 'float32' } });
    // A loss scaled by 1e7 is finite, but its gradient at the logits exceeds E5M2's 57344.
    const scaled = (output: Variable, labels: Tensor) => mul(crossEntropy(output, labels), 1e7);
    const error = await stopped(fit({ model, trainData: train, optimizer: sgd({ learningRate: 0.1 }), loss: scaled, epochs: 1, batchSize: 16 }));
    expect(error.kind).toBe('gradient');
    expect(Number.isFinite(error.loss)).toBe(true);
    expect(error.location).toMatchObject({ phase: 'backward', layer: 'fc2', type: 'Linear', quantizationPoint: 'fc2.outputs' });
    expect(error.message).toMatch(/^non-finite gradient at step 0 \(epoch 0, batch 0\): NaN\/Inf first appeared in the backward pass of Linear "fc2": its errors point "fc2\.outputs" reported \d+ overflowed and 0 NaN values/);
  });

  it('names a parameter that already held NaN, and a loss function that made NaN from finite outputs', async () => {
    const { train } = blobs();
    const model = mlp();
    const weight = model.module('fc2').ownParameters()[0][1];
    weight.assign(tensor(Float32Array.from(weight.value.data() as Float32Array, (v, i) => (i === 5 ? NaN : v)), weight.shape));
    const error = await stopped(fit({ model, trainData: train, optimizer: sgd({ learningRate: 0.1 }), epochs: 1, batchSize: 16 }));
    expect(error.location).toMatchObject({ phase: 'parameter', parameter: 'fc2.weight', nan: 1 });
    expect(error.message).toContain('parameter "fc2.weight" already held non-finite values before this step (1 NaN, 0 infinite of 24 values)');
    const nanLoss = (output: Variable, labels: Tensor) => mul(crossEntropy(output, labels), NaN);
    const fromLoss = await stopped(fit({ model: mlp(), trainData: train, optimizer: sgd({ learningRate: 0.1 }), loss: nanLoss, epochs: 1, batchSize: 16 }));
    expect(fromLoss.location.phase).toBe('loss');
    expect(fromLoss.message).toContain("every module's output was finite; the loss function returned NaN from them");
  });
});

describe("nonFinite: 'skip'", () => {
  it('skips the step without a trace (no update, batch-norm statistics and points untouched) and counts it', async () => {
    const { train } = blobs();
    const model = new Sequential({ fc1: new Linear({ inFeatures: 4, outFeatures: 8, seed: 1 }), bn: new BatchNorm1d({ numFeatures: 8 }), relu: new ReLU(), fc2: new Linear({ inFeatures: 8, outFeatures: 3, seed: 2 }) });
    applyQuantization(model, { inputs: { format: 'float8_e4m3fn', rounding: 'stochastic' } });
    let calls = 0;
    const sometimesNaN = (output: Variable, labels: Tensor) => {
      calls++;
      return calls === 3 ? mul(crossEntropy(output, labels), NaN) : crossEntropy(output, labels);
    };
    const snapshot = () => ({ weights: weightsOf(model), buffers: model.namedBuffers().map(([name, value]) => [name, value.toArray()]), points: model.module('fc1').quantizationPoint('inputs')!.state() });
    let before: ReturnType<typeof snapshot> | undefined;
    let after: ReturnType<typeof snapshot> | undefined;
    const watcher: Callback = {
      onBatchStart: (context) => void (context.epoch === 0 && context.batch === 2 && (before = snapshot())),
      onBatchEnd: (_context, batch) => void (batch.epoch === 0 && batch.batch === 2 && (after = snapshot())),
    };
    const result = await fit({ model, trainData: train, optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }), loss: sometimesNaN, epochs: 2, batchSize: 16, nonFinite: 'skip', callbacks: [watcher] });
    expect(after).toEqual(before);
    expect(result.skippedSteps).toHaveLength(1);
    expect(result.skippedSteps[0]).toMatchObject({ step: 2, epoch: 0, batch: 2, kind: 'loss', location: { phase: 'loss' } });
    expect(result.steps).toBe(11);
    expect(result.epochs.map((record) => [record.steps, record.skippedSteps])).toEqual([
      [5, 1],
      [6, 0],
    ]);
    expect(Number.isFinite(result.epochs[0].trainLoss)).toBe(true);
  });
});
