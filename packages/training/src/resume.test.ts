import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { sgd, stepSchedule } from '@lowbit/optim';
import { BatchNorm2d, Conv2d, Dropout, Flatten, Linear, MaxPool2d, ReLU, Sequential, applyQuantization } from '@lowbit/nn';
import { floatFormat } from '@lowbit/formats';
import { CheckpointError, earlyStopping, fit, loadTrainingCheckpoint, rctController, type FitOptions } from './index.js';
import { bitsOf, blobs, images, mlp, withoutTimes } from './fixtures.testutil.js';

const directories: string[] = [];
function scratch(): string {
  const directory = mkdtempSync(join(tmpdir(), 'lowbit-resume-'));
  directories.push(directory);
  return directory;
}
afterEach(() => {
  for (const directory of directories.splice(0)) rmSync(directory, { recursive: true, force: true });
});

const e4m3 = floatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'fn', overflow: 'saturate' });
const e5m2 = floatFormat({ exponentBits: 5, mantissaBits: 2, overflow: 'saturate' });

/** Everything that carries state: batch norm, dropout, stochastic FP8 points with dynamic offsets, stochastic RCT storage, a schedule, momentum, augmentation. */
function statefulRun(): Omit<FitOptions, 'trainData'> & { trainData: FitOptions['trainData'] } {
  const model = new Sequential({
    conv: new Conv2d({ inChannels: 1, outChannels: 4, kernelSize: 3, padding: 1, seed: 1 }),
    bn: new BatchNorm2d({ numFeatures: 4 }),
    relu: new ReLU(),
    pool: new MaxPool2d({ kernelSize: 2 }),
    flatten: new Flatten(),
    drop: new Dropout({ p: 0.2, seed: 2 }),
    fc: new Linear({ inFeatures: 4 * 4 * 4, outFeatures: 3, seed: 3 }),
  });
  applyQuantization(model, { inputs: { format: e4m3, rounding: 'stochastic', scaling: { kind: 'dynamic-offset', every: 3, margin: 1 } }, errors: { format: e5m2, rounding: 'stochastic' } });
  const { train, test } = images();
  return {
    model,
    trainData: train,
    testData: test,
    optimizer: sgd({ learningRate: stepSchedule({ initial: 0.05, factor: 0.5, every: 7 }), momentum: 0.9 }),
    precision: rctController({ interval: 2, rounding: 'stochastic', initialBits: 6, seed: 4 }),
    epochs: 3,
    batchSize: 8,
    seed: 5,
    augmentation: { randomCrop: { padding: 1 }, horizontalFlip: true },
    callbacks: [earlyStopping({ monitor: 'trainLoss', patience: 10 })],
  };
}

describe('checkpoint and resume', () => {
  it('resuming from a mid-epoch checkpoint gives bit-identical weights, records and RCT history', async () => {
    const reference = statefulRun();
    const uninterrupted = await fit(reference);
    const path = join(scratch(), 'run.ckpt');
    // First process: checkpoints every 4 steps and "crashes" at step 10 (after the checkpoint at step 8).
    const crashing = statefulRun();
    const crash = { onBatchEnd: (_context: unknown, batch: { step: number }) => void (batch.step === 10 && (() => { throw new Error('power cut'); })()) };
    await expect(fit({ ...crashing, checkpoint: { path, everySteps: 4 }, callbacks: [...crashing.callbacks!, crash] })).rejects.toThrow('power cut');
    const saved = loadTrainingCheckpoint(path);
    expect(saved.position).toEqual({ epoch: 1, batch: 2, step: 8, epochDone: false });
    // Second process: a model built by the same code, resumed.
    const resumed = statefulRun();
    const result = await fit({ ...resumed, resumeFrom: path });
    expect(bitsOf(resumed.model)).toEqual(bitsOf(reference.model));
    expect(withoutTimes(result.epochs)).toEqual(withoutTimes(uninterrupted.epochs));
    expect(result.precision).toEqual(uninterrupted.precision);
    expect(result.steps).toBe(uninterrupted.steps);
    // Stochastic storage moved bits: the comparison is not trivially about untouched weights.
    expect((uninterrupted.precision as { layers: { decisions: unknown[] }[] }).layers[0].decisions.length).toBeGreaterThan(0);
  });

  it('resumes from an end-of-epoch checkpoint and can extend the number of epochs', async () => {
    const { train, test } = blobs();
    const options = () => ({ model: mlp(), trainData: train, testData: test, optimizer: sgd({ learningRate: 0.1, momentum: 0.9 }), batchSize: 16, seed: 9 });
    const long = options();
    const uninterrupted = await fit({ ...long, epochs: 4 });
    const path = join(scratch(), 'epoch.ckpt');
    await fit({ ...options(), epochs: 2, checkpoint: { path } });
    expect(loadTrainingCheckpoint(path).position).toEqual({ epoch: 1, batch: 6, step: 12, epochDone: true });
    const resumed = options();
    const result = await fit({ ...resumed, epochs: 4, resumeFrom: loadTrainingCheckpoint(path) });
    expect(bitsOf(resumed.model)).toEqual(bitsOf(long.model));
    expect(withoutTimes(result.epochs)).toEqual(withoutTimes(uninterrupted.epochs));
  });

  it('refuses checkpoints that do not fit the run, and never trains on a damaged one', async () => {
    const { train } = blobs();
    const path = join(scratch(), 'run.ckpt');
    await fit({ model: mlp(), trainData: train, optimizer: sgd({ learningRate: 0.1 }), epochs: 1, batchSize: 16, seed: 1, checkpoint: { path } });
    const base = { trainData: train, optimizer: sgd({ learningRate: 0.1 }), epochs: 2, batchSize: 16, seed: 1, resumeFrom: path };
    await expect(fit({ ...base, model: mlp(), seed: 2 })).rejects.toThrow(`checkpoint does not fit this run ${path}: seed: 1 in the checkpoint, 2 now. Resume with the options of the run that wrote the checkpoint (epochs may grow)`);
    const wider = new Sequential({ fc1: new Linear({ inFeatures: 4, outFeatures: 9, seed: 1 }), relu: new ReLU(), fc2: new Linear({ inFeatures: 9, outFeatures: 3, seed: 2 }) });
    await expect(fit({ ...base, model: wider })).rejects.toThrow(/checkpoint does not fit this run .*: the model state does not fit: .*parameters:fc1\.weight: shape \[8,4\] in the state dict, \[9,4\] in the model/);
    const bytes = readFileSync(path);
    writeFileSync(path, bytes.subarray(0, bytes.byteLength - 1));
    const model = mlp();
    const before = bitsOf(model);
    await expect(fit({ ...base, model })).rejects.toThrow(CheckpointError);
    await expect(fit({ ...base, model })).rejects.toThrow(/^truncated checkpoint/);
    expect(bitsOf(model)).toEqual(before);
  });
});
