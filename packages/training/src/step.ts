/**
 * One training step: forward, loss, backward, the non-finite check, the optimizer step, the
 * precision controller and the metrics.
 *
 * The non-finite check reads the loss and every gradient (one pass over the parameters, cheap
 * next to the GEMMs). On a failure the step's forward side effects (batch-norm statistics,
 * quantization point streams and steps, dropout streams) are rolled back, the step is replayed
 * with hooks to find where NaN/Inf first appeared (non-finite.ts), and the state is rolled back
 * again; then 'stop' throws a NonFiniteError and 'skip' moves on as if the batch never ran
 * (no update, no trace in the model, counted in the results).
 */
import type { Optimizer } from '@lowbit/optim';
import type { Backend } from '@lowbit/tensor';
import type { TrainingBatch } from './data.js';
import type { EpochPlan } from './data.js';
import { AllocationScope } from './allocations.js';
import { NonFiniteError } from './errors.js';
import type { ResolvedFit } from './fit-options.js';
import { accumulateOptimizer, accumulateQuantization, correctCount, type EpochAccumulator } from './metrics.js';
import { captureVolatileState, restoreVolatileState } from './model-hooks.js';
import { firstNonFiniteGradient, locateNonFiniteQuietly } from './non-finite.js';
import type { SkippedStep } from './result.js';
import type { TrainingPosition } from './training-state.js';

export interface StepOutcome {
  skipped: boolean;
  /** Samples in the batch. */
  size: number;
  loss: number;
  correct: number;
}

/** Runs batch `position.batch` of `plan` as one step; every tensor it creates and drops is freed when it ends. */
export function trainStep(run: ResolvedFit, optimizer: Optimizer, plan: EpochPlan, position: TrainingPosition, accumulator: EpochAccumulator, skippedSteps: SkippedStep[], backends: readonly Backend[]): StepOutcome {
  const scope = new AllocationScope(run.model, backends);
  try {
    return step(run, optimizer, plan.batch(position.batch), position, accumulator, skippedSteps);
  } finally {
    scope.close();
  }
}

function step(run: ResolvedFit, optimizer: Optimizer, batch: TrainingBatch, position: TrainingPosition, accumulator: EpochAccumulator, skippedSteps: SkippedStep[]): StepOutcome {
  const { model } = run;
  const before = captureVolatileState(model);
  model.zeroGrad();
  const output = model.forward(batch.images);
  const lossVariable = run.loss(output, batch.labels);
  const loss = lossVariable.item();
  let kind: 'loss' | 'gradient' | undefined;
  if (!Number.isFinite(loss)) kind = 'loss';
  else {
    lossVariable.backward();
    if (firstNonFiniteGradient(model) !== undefined) kind = 'gradient';
  }
  if (kind !== undefined) {
    restoreVolatileState(model, before);
    const location = locateNonFiniteQuietly(model, batch.images, batch.labels, run.loss, loss);
    restoreVolatileState(model, before);
    if (run.nonFinite === 'stop') throw new NonFiniteError(kind, position.step, position.epoch, position.batch, location, loss);
    skippedSteps.push({ step: position.step, epoch: position.epoch, batch: position.batch, kind, loss, location });
    accumulator.skipped++;
    return { skipped: true, size: batch.size, loss, correct: 0 };
  }
  const correct = correctCount(output.value, batch.labelValues);
  optimizer.step();
  const statistics = optimizer.statistics();
  run.precision?.afterStep({ step: position.step + 1, model, optimizer, statistics });
  accumulator.lossSum += loss * batch.size;
  accumulator.samples += batch.size;
  accumulator.correct += correct;
  accumulator.steps++;
  if (run.metrics.quantization) accumulateQuantization(accumulator, model);
  if (run.metrics.optimizer) accumulateOptimizer(accumulator, statistics);
  return { skipped: false, size: batch.size, loss, correct };
}
