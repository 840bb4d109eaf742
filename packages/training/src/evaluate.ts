/**
 * evaluate: loss and top-1 accuracy of a model on a dataset, in evaluation mode (batch norm uses
 * running statistics, dropout passes values, quantization points round from their evaluation
 * streams and record nothing), without gradients. The model's mode is restored afterwards, and
 * evaluating never changes what training sees (docs/decisions/0006), so how often a run evaluates
 * does not change its weights.
 */
import { noGrad, type Variable } from '@lowbit/autograd';
import { ArgumentError, getBackend, type Backend, type CreationOptions, type Tensor } from '@lowbit/tensor';
import { crossEntropy, Module } from '@lowbit/nn';
import type { Dataset, Normalization } from '@lowbit/datasets';
import { EpochPlan } from './data.js';
import { AllocationScope, modelBackends } from './allocations.js';
import { correctCount } from './metrics.js';

/** loss(output, labels) -> a single-value Variable (mean over the batch). Default: cross-entropy. */
export type LossFunction = (output: Variable, labels: Tensor) => Variable;

export interface EvaluateOptions {
  model: Module;
  data: Dataset;
  /** Default crossEntropy (mean over the batch). */
  loss?: LossFunction;
  /** Default 256: evaluation keeps no graph, so larger batches are cheap; results do not depend on it. */
  batchSize?: number;
  /** As in training (default: bytes scaled to [0, 1]). */
  normalization?: Normalization;
  backend?: CreationOptions['backend'];
}

export interface EvaluationResult {
  /** Mean loss per sample. */
  loss: number;
  /** Top-1 accuracy in [0, 1]. */
  accuracy: number;
  correct: number;
  samples: number;
}

/** The backend batches go to: the given one (object or name), else the current backend. */
export function resolveBackend(backend: CreationOptions['backend']): Backend {
  return backend === undefined ? getBackend() : typeof backend === 'string' ? getBackend(backend) : backend;
}

export function checkModel(op: string, model: unknown): Module {
  if (!(model instanceof Module)) throw new ArgumentError(op, 'model', model, 'a Module of @lowbit/nn');
  return model;
}

export function checkDatasetLike(op: string, field: string, data: unknown): Dataset {
  const candidate = data as Dataset;
  if (candidate === null || typeof candidate !== 'object' || !Number.isInteger(candidate.length) || !Array.isArray(candidate.sampleShape) || candidate.labels === undefined || candidate.values === undefined) {
    throw new ArgumentError(op, field, data, 'a Dataset of @lowbit/datasets (loadMnist, gaussianBlobs, createDataset, ...)');
  }
  if (candidate.length === 0) throw new ArgumentError(op, `${field}.length`, 0, 'at least one sample');
  return candidate;
}

export function checkPositiveInteger(op: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new ArgumentError(op, field, value, 'a positive integer');
  return value;
}

export function checkLoss(op: string, loss: unknown): LossFunction {
  if (loss === undefined) return crossEntropy;
  if (typeof loss !== 'function') throw new ArgumentError(op, 'loss', loss, 'a function (output, labels) => Variable, e.g. crossEntropy of @lowbit/nn');
  return loss as LossFunction;
}

export function evaluate(options: EvaluateOptions): EvaluationResult {
  const op = 'evaluate';
  if (options === null || typeof options !== 'object') throw new ArgumentError(op, 'options', options, '{ model, data, loss?, batchSize?, normalization? }');
  const model = checkModel(op, options.model);
  const data = checkDatasetLike(op, 'data', options.data);
  const loss = checkLoss(op, options.loss);
  const batchSize = checkPositiveInteger(op, 'batchSize', options.batchSize ?? 256);
  const plan = new EpochPlan(data, { batchSize, shuffle: false, seed: 0, epoch: 0, dropLast: false, normalization: options.normalization, backend: options.backend });
  const wasTraining = model.training;
  model.eval();
  let lossSum = 0;
  let correct = 0;
  try {
    const backends = modelBackends(model, resolveBackend(options.backend));
    noGrad(() => {
      for (let index = 0; index < plan.batchCount; index++) {
        // Each batch's tensors are freed when it is done (allocations.ts).
        const scope = new AllocationScope(model, backends);
        try {
          const batch = plan.batch(index);
          const output = model.forward(batch.images);
          const value = loss(output, batch.labels);
          lossSum += value.item() * batch.size;
          correct += correctCount(output.value, batch.labelValues);
        } finally {
          scope.close();
        }
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return { loss: lossSum / data.length, accuracy: correct / data.length, correct, samples: data.length };
}
