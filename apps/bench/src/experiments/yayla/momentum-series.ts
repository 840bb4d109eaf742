/**
 * The per-step momentum statistics of a Bop run (Yayla & Chen's metric U, papers.md section 4):
 * a fit callback reads the Bop route's statistics after every optimizer step. The per-epoch
 * totals of @lowbit/training cannot be used for this: they sum the Adam state (batch norm) into
 * the same unchanged count, and they have one value per epoch, not per step.
 */
import type { Series } from '../../results/types.js';
import type { OptimizerStatistics, StatisticsTotals } from '@lowbit/optim';
import type { Callback } from '@lowbit/training';
import { YaylaSeriesError } from './errors.js';

/** One optimizer step of the Bop route. */
export interface MomentumStepPoint {
  /** Index of the step (0 for the first). */
  step: number;
  /** U / n: momentum values the stored encoding left unchanged this step. */
  unchangedFraction: number;
  /** The part of U that float32 arithmetic would have changed: lost to the storage format only. */
  unchangedByStorageFraction: number;
  /** Binary weights flipped this step, and their fraction. */
  flips: number;
  flipRatio: number;
}

/** A downsampled series: each point is the mean over `stepsPerPoint` consecutive steps (the last point may cover fewer). */
export interface MomentumSeries {
  stepsPerPoint: number;
  /** Steps recorded before downsampling. */
  steps: number;
  points: MomentumStepPoint[];
}

export interface MomentumRunSummary {
  /** Mean over the steps of the per-step unchanged fraction. */
  meanUnchangedFraction: number;
  meanUnchangedByStorageFraction: number;
  /** Total flips over the run, and flips / (binary weights x steps). */
  totalFlips: number;
  meanFlipRatio: number;
  /** Binary weights the Bop route trains. */
  binaryWeights: number;
}

/** The Bop route's totals of one step's statistics (or a Bop optimizer's own totals). */
export function bopTotals(statistics: OptimizerStatistics | undefined, route = 'bop'): StatisticsTotals | undefined {
  if (statistics === undefined) return undefined;
  if (statistics.routes !== undefined) return statistics.routes[route]?.totals;
  return statistics.optimizer === 'bop' ? statistics.totals : undefined;
}

export function stepPoint(step: number, totals: StatisticsTotals): MomentumStepPoint {
  const n = totals.stateElements;
  return {
    step,
    unchangedFraction: totals.unchangedFraction,
    unchangedByStorageFraction: n === 0 ? 0 : totals.unchangedByStorage / n,
    flips: totals.flips,
    flipRatio: totals.flipRatio,
  };
}

/**
 * Bucket means, so a chart of thousands of steps keeps its shape in at most `maxPoints` points
 * (a point every k steps would alias the periodic flip bursts of Bop). Each point's step is the
 * first step of its bucket.
 */
export function downsampleSeries(points: readonly MomentumStepPoint[], maxPoints: number): MomentumSeries {
  if (!Number.isSafeInteger(maxPoints) || maxPoints < 1) throw new YaylaSeriesError(`maxPoints must be a positive integer, got ${String(maxPoints)}`, 'the HTML report charts at most 500 points per run; pass 500');
  const stepsPerPoint = Math.max(1, Math.ceil(points.length / maxPoints));
  const result: MomentumStepPoint[] = [];
  for (let start = 0; start < points.length; start += stepsPerPoint) {
    const bucket = points.slice(start, start + stepsPerPoint);
    const mean = (field: keyof MomentumStepPoint) => bucket.reduce((sum, point) => sum + point[field], 0) / bucket.length;
    result.push({ step: bucket[0].step, unchangedFraction: mean('unchangedFraction'), unchangedByStorageFraction: mean('unchangedByStorageFraction'), flips: mean('flips'), flipRatio: mean('flipRatio') });
  }
  return { stepsPerPoint, steps: points.length, points: result };
}

export function summarizeSteps(points: readonly MomentumStepPoint[], binaryWeights: number): MomentumRunSummary {
  const count = Math.max(1, points.length);
  const sum = (field: keyof MomentumStepPoint) => points.reduce((total, point) => total + point[field], 0);
  return {
    meanUnchangedFraction: sum('unchangedFraction') / count,
    meanUnchangedByStorageFraction: sum('unchangedByStorageFraction') / count,
    totalFlips: sum('flips'),
    meanFlipRatio: sum('flipRatio') / count,
    binaryWeights,
  };
}

/** A fit callback that keeps one point per optimizer step of the Bop route (skipped steps have none). */
export function momentumStepRecorder(route = 'bop'): Callback & { points: MomentumStepPoint[]; binaryWeights: number } {
  const points: MomentumStepPoint[] = [];
  let binaryWeights = 0;
  return {
    name: 'yayla-momentum-steps',
    points,
    get binaryWeights() {
      return binaryWeights;
    },
    onBatchEnd(context, batch) {
      if (batch.skipped) return;
      const statistics = context.optimizer.statistics();
      const totals = bopTotals(statistics, route);
      if (totals === undefined) throw new YaylaSeriesError(`the optimizer has no '${route}' route statistics (optimizer: ${statistics?.optimizer ?? 'none'})`, "train the binary weights with routeBy({ routes: [{ name: 'bop', select: 'binary', optimizer: bop(...) }, ...] })");
      binaryWeights = totals.elements;
      points.push(stepPoint(statistics!.step, totals));
    },
  };
}

/** The unchanged fraction per step as report series (one chart per results file, a line per run). */
export function unchangedSeries(series: MomentumSeries): Series[] {
  return [
    {
      chart: 'Bop momentum values left unchanged by their encoding, per step',
      label: '',
      xLabel: 'optimizer step',
      yLabel: 'unchanged fraction',
      points: series.points.map((point) => [point.step, point.unchangedFraction]),
    },
  ];
}
