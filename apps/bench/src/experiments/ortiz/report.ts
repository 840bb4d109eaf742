/**
 * What the Ortiz experiment measures besides accuracy, and how it prints: a training callback that
 * adds up, over every step, the values each rounded role overflowed or flushed to zero and the
 * weight updates the in-place weight format rounded away; and the per-model comparison table.
 */
import { quantizationPoints, type QuantizationPointEntry } from '@lowbit/nn';
import type { Callback } from '@lowbit/training';
import type { RunResult } from '../../results/types.js';
import { formatPercent, formatTable } from '../../table.js';

export interface RoleCounts {
  elements: number;
  overflowed: number;
  flushedToZero: number;
  overflowFraction: number;
  flushFraction: number;
}

export interface WeightUpdateCounts {
  /** Weight values with a non-zero update, summed over the steps. */
  nonZero: number;
  /** Of those, values whose stored weight did not change (update rounded away by the weight format). */
  lost: number;
  lostFraction: number;
}

export interface OrtizMeasurements {
  /** Per tensor role ('outputs', 'errors', 'weightGradients'), summed over layers and steps. */
  roles: Record<string, RoleCounts>;
  weightUpdates: WeightUpdateCounts;
}

interface Tally {
  elements: number;
  overflowed: number;
  flushedToZero: number;
}

/** A callback that accumulates the measurements; read `measurements()` after training. */
export function measurementRecorder(): Callback & { measurements(): OrtizMeasurements } {
  const tallies = new Map<string, Tally>();
  let points: QuantizationPointEntry[] = [];
  let nonZero = 0;
  let lost = 0;
  const add = (role: string, side: { elements: number; overflowed: number; flushedToZero: number } | undefined) => {
    if (side === undefined) return;
    const tally = tallies.get(role) ?? { elements: 0, overflowed: 0, flushedToZero: 0 };
    tally.elements += side.elements;
    tally.overflowed += side.overflowed;
    tally.flushedToZero += side.flushedToZero;
    tallies.set(role, tally);
  };
  return {
    name: 'ortiz-measurements',
    onTrainStart(context) {
      points = quantizationPoints(context.model);
    },
    onBatchEnd(context, batch) {
      // The latest record of each point is this step's (its backward side is filled in by now).
      for (const entry of points) {
        const record = entry.point.statistics();
        add(entry.forwardRole, record?.forward);
        if (entry.backwardRole !== undefined) add(entry.backwardRole, record?.backward);
      }
      if (batch.skipped) return;
      const totals = context.optimizer.statistics()?.totals;
      if (totals !== undefined) {
        nonZero += totals.updatesNonZero;
        lost += totals.updatesLost;
      }
    },
    measurements() {
      const roles: Record<string, RoleCounts> = {};
      for (const [role, tally] of tallies) {
        roles[role] = { ...tally, overflowFraction: tally.elements === 0 ? 0 : tally.overflowed / tally.elements, flushFraction: tally.elements === 0 ? 0 : tally.flushedToZero / tally.elements };
      }
      return { roles, weightUpdates: { nonZero, lost, lostFraction: nonZero === 0 ? 0 : lost / nonZero } };
    },
  };
}

export interface TableRow {
  variant: string;
  run: RunResult;
  /** Literature accuracy (fraction) for this configuration, when papers.md gives one. */
  published?: number;
}

/** Difference in percentage points, signed: "+0.12 pp", "-3.40 pp". */
export function formatDelta(accuracy: number, baseline: number | undefined): string {
  if (baseline === undefined || !Number.isFinite(accuracy) || !Number.isFinite(baseline)) return '';
  const points = 100 * (accuracy - baseline);
  return `${points >= 0 ? '+' : ''}${points.toFixed(2)} pp`;
}

/** The comparison of one model: formats by role, measured accuracy and its delta vs float32, the published value where there is one. */
export function ortizTable(rows: readonly TableRow[], options: { published: boolean }): string {
  const baseline = rows.find((row) => row.variant === 'float32')?.run.testAccuracy;
  const header = ['variant', 'weights (in place)', 'outputs', 'errors', 'weight gradients', 'measured', 'vs float32'];
  if (options.published) header.push('published (papers.md)');
  header.push('non-finite skipped', 'updates lost', 'wall time');
  return formatTable(
    header,
    rows.map(({ variant, run, published }) => {
      const lost = (run.statistics.weightUpdates as WeightUpdateCounts | undefined)?.lostFraction;
      const cells = [
        variant,
        run.formats.weights,
        run.formats.activations,
        run.formats.errors,
        run.formats.weightGradients,
        formatPercent(run.testAccuracy),
        variant === 'float32' ? '' : formatDelta(run.testAccuracy, baseline),
      ];
      if (options.published) cells.push(published === undefined ? '' : formatPercent(published));
      cells.push(String(run.statistics.skippedSteps ?? 0), lost === undefined ? '' : formatPercent(lost, 1), `${run.wallSeconds.toFixed(1)} s`);
      return cells;
    }),
  );
}
