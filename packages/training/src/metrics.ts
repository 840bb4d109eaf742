/**
 * Metrics of a run: loss and top-1 accuracy per batch and epoch, and per-epoch sums of the
 * quantization points' statistics (overflowed, flushed to zero, NaN, largest |x|) and of the
 * optimizer's statistics (lost updates, unchanged state, flips, mean Gavg per parameter).
 * Everything is plain data, accumulated in float64 in a fixed order, so a run's records are
 * bit-identical for a seed (wall-clock seconds excepted) and can be checkpointed mid-epoch.
 */
import { argmax, type Tensor } from '@lowbit/tensor';
import { quantizationStatistics, type Module } from '@lowbit/nn';
import type { OptimizerStatistics } from '@lowbit/optim';

/** Number of rows of `logits` ([N, classes]) whose largest value is at the label (first maximum wins). */
export function correctCount(logits: Tensor, labels: Int32Array): number {
  const predicted = argmax(logits, { axis: -1 }).data() as Int32Array;
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct;
}

export interface SideTotals {
  /** Values rounded over the epoch. */
  elements: number;
  overflowed: number;
  flushedToZero: number;
  nan: number;
  /** Largest finite |x| seen by the point over the epoch. */
  maxAbs: number;
}

export interface QuantizationPointTotals {
  /** `<layer path>.<role>` (the point's name). */
  name: string;
  layer: string;
  type: string;
  role: string;
  /** Training steps the point took this epoch. */
  steps: number;
  forward?: SideTotals;
  backward?: SideTotals;
}

export interface OptimizerTotals {
  steps: number;
  updatesNonZero: number;
  updatesLost: number;
  updatesLostFraction: number;
  stateElements: number;
  unchanged: number;
  unchangedFraction: number;
  flips: number;
  /** Mean over the epoch's steps of each parameter's Gavg (mean |update| / step of its format). */
  gavg: Record<string, number>;
  /** Hyperparameters of the epoch's last step (schedules evaluated). */
  hyperparameters: Record<string, number>;
}

export interface EpochAccumulator {
  lossSum: number;
  samples: number;
  correct: number;
  steps: number;
  skipped: number;
  points: Record<string, QuantizationPointTotals & { lastStep: number }>;
  optimizer: { steps: number; updatesNonZero: number; updatesLost: number; stateElements: number; unchanged: number; flips: number; gavgSum: Record<string, number>; gavgCount: Record<string, number>; hyperparameters: Record<string, number> };
}

export function newAccumulator(): EpochAccumulator {
  return {
    lossSum: 0,
    samples: 0,
    correct: 0,
    steps: 0,
    skipped: 0,
    points: {},
    optimizer: { steps: 0, updatesNonZero: 0, updatesLost: 0, stateElements: 0, unchanged: 0, flips: 0, gavgSum: {}, gavgCount: {}, hyperparameters: {} },
  };
}

function addSide(total: SideTotals | undefined, side: { elements: number; overflowed: number; flushedToZero: number; nan: number; maxAbs: number } | undefined): SideTotals | undefined {
  if (side === undefined) return total;
  const base = total ?? { elements: 0, overflowed: 0, flushedToZero: 0, nan: 0, maxAbs: 0 };
  return {
    elements: base.elements + side.elements,
    overflowed: base.overflowed + side.overflowed,
    flushedToZero: base.flushedToZero + side.flushedToZero,
    nan: base.nan + side.nan,
    maxAbs: Math.max(base.maxAbs, side.maxAbs),
  };
}

/** Adds every point's latest record, once per training step of that point. */
export function accumulateQuantization(accumulator: EpochAccumulator, model: Module): void {
  for (const entry of quantizationStatistics(model)) {
    const latest = entry.latest;
    if (latest === undefined) continue;
    const name = `${entry.layer === '' ? entry.type : entry.layer}.${entry.role}`;
    const current = accumulator.points[name] ?? { name, layer: entry.layer, type: entry.type, role: entry.role, steps: 0, lastStep: -1 };
    if (latest.step === current.lastStep) continue;
    current.forward = addSide(current.forward, latest.forward);
    current.backward = addSide(current.backward, latest.backward);
    current.steps++;
    current.lastStep = latest.step;
    accumulator.points[name] = current;
  }
}

export function accumulateOptimizer(accumulator: EpochAccumulator, statistics: OptimizerStatistics | undefined): void {
  if (statistics === undefined) return;
  const total = accumulator.optimizer;
  total.steps++;
  total.updatesNonZero += statistics.totals.updatesNonZero;
  total.updatesLost += statistics.totals.updatesLost;
  total.stateElements += statistics.totals.stateElements;
  total.unchanged += statistics.totals.unchanged;
  total.flips += statistics.totals.flips;
  total.hyperparameters = { ...statistics.hyperparameters };
  for (const parameter of statistics.parameters) {
    if (parameter.gavg === undefined || parameter.skipped) continue;
    total.gavgSum[parameter.name] = (total.gavgSum[parameter.name] ?? 0) + parameter.gavg;
    total.gavgCount[parameter.name] = (total.gavgCount[parameter.name] ?? 0) + 1;
  }
}

export function quantizationTotals(accumulator: EpochAccumulator): QuantizationPointTotals[] {
  return Object.values(accumulator.points).map(({ lastStep: _lastStep, ...totals }) => totals);
}

export function optimizerTotals(accumulator: EpochAccumulator): OptimizerTotals {
  const o = accumulator.optimizer;
  const gavg: Record<string, number> = {};
  for (const name of Object.keys(o.gavgSum)) gavg[name] = o.gavgSum[name] / o.gavgCount[name];
  return {
    steps: o.steps,
    updatesNonZero: o.updatesNonZero,
    updatesLost: o.updatesLost,
    updatesLostFraction: o.updatesNonZero === 0 ? 0 : o.updatesLost / o.updatesNonZero,
    stateElements: o.stateElements,
    unchanged: o.unchanged,
    unchangedFraction: o.stateElements === 0 ? 0 : o.unchanged / o.stateElements,
    flips: o.flips,
    gavg,
    hyperparameters: o.hyperparameters,
  };
}
