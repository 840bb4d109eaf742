/**
 * What the Pietrołaj & Blok experiment reports: per tensor role, how often values overflowed or
 * were flushed to zero over the whole training (the effect of the range techniques), and one
 * accuracy delta table per model against its float32 run.
 */
import type { EpochRecord } from '@lowbit/training';
import { formatPercent, formatTable } from '../../table.js';
import { tensorRoleOf } from './calibration.js';
import { formatsLabel, TENSOR_ROLES, type TensorRole } from './variants.js';

export interface RoleRange {
  /** Values rounded over the run. */
  elements: number;
  overflowed: number;
  flushedToZero: number;
  nan: number;
  /** overflowed / elements (0 when nothing was rounded). */
  overflowFraction: number;
  flushedFraction: number;
}

/** Sums of the per-point statistics of every epoch, grouped by tensor role (W, A, E, G). */
export function roleRangeTotals(epochs: readonly Pick<EpochRecord, 'quantization'>[]): Record<TensorRole, RoleRange> {
  const totals = Object.fromEntries(TENSOR_ROLES.map((role) => [role, { elements: 0, overflowed: 0, flushedToZero: 0, nan: 0 }])) as Record<TensorRole, Omit<RoleRange, 'overflowFraction' | 'flushedFraction'>>;
  for (const epoch of epochs) {
    for (const point of epoch.quantization ?? []) {
      for (const side of ['forward', 'backward'] as const) {
        const role = tensorRoleOf(point.role, side);
        const statistics = point[side];
        if (role === undefined || statistics === undefined) continue;
        totals[role].elements += statistics.elements;
        totals[role].overflowed += statistics.overflowed;
        totals[role].flushedToZero += statistics.flushedToZero;
        totals[role].nan += statistics.nan;
      }
    }
  }
  const fraction = (count: number, elements: number) => (elements === 0 ? 0 : count / elements);
  return Object.fromEntries(
    TENSOR_ROLES.map((role) => {
      const total = totals[role];
      return [role, { ...total, overflowFraction: fraction(total.overflowed, total.elements), flushedFraction: fraction(total.flushedToZero, total.elements) }];
    }),
  ) as Record<TensorRole, RoleRange>;
}

/** The accuracy difference in percentage points: 100 · (accuracy − baseline). */
export function deltaPercentagePoints(accuracy: number, baseline: number): number {
  return 100 * (accuracy - baseline);
}

export interface DeltaRow {
  variant: string;
  /** Exact format names by role (+ master, scaling, rounding), as recorded in the run. */
  formats: Record<string, string>;
  testAccuracy: number;
  skippedSteps: number;
  /** Per role, over the whole run; absent for float32. */
  range?: Record<TensorRole, RoleRange>;
  wallSeconds: number;
}

/** A fraction as a percentage that stays readable when tiny: "2.51 %", "0.0042 %", "0.000012 %". */
export function smallPercent(fraction: number): string {
  const percent = 100 * fraction;
  return percent >= 0.01 || percent === 0 ? `${percent.toFixed(2)} %` : `${Number(percent.toPrecision(2))} %`;
}

/** "E 0.12 % · G 3.4 %" for the roles with any count, '0' when none, '' without range data. */
export function rangeSummary(range: Record<TensorRole, RoleRange> | undefined, key: 'overflowFraction' | 'flushedFraction'): string {
  if (range === undefined) return '';
  const letters: Record<TensorRole, string> = { weights: 'W', activations: 'A', errors: 'E', weightGradients: 'G' };
  const parts = TENSOR_ROLES.filter((role) => range[role][key] > 0).map((role) => `${letters[role]} ${smallPercent(range[role][key])}`);
  return parts.length === 0 ? '0' : parts.join(' · ');
}

/**
 * One model's table: variant, formats by role, scaling, rounding, test accuracy, the difference to
 * the row named `baseline` in percentage points, skipped non-finite steps, the overflow and flush
 * fractions by role, wall time. Without a baseline row the delta column says so.
 */
export function deltaTable(rows: readonly DeltaRow[], baseline = 'float32'): string {
  const reference = rows.find((row) => row.variant === baseline);
  const delta = (row: DeltaRow) => {
    if (row === reference) return '';
    if (reference === undefined) return `no ${baseline} run`;
    const points = deltaPercentagePoints(row.testAccuracy, reference.testAccuracy);
    return `${points >= 0 ? '+' : ''}${points.toFixed(2)} pp`;
  };
  return formatTable(
    ['variant', 'formats (W · A · E · G)', 'scaling', 'rounding', 'test accuracy', `vs ${baseline}`, 'skipped steps', 'overflowed', 'flushed to zero', 'wall time'],
    rows.map((row) => [
      row.variant,
      formatsLabel(row.formats),
      row.formats.scaling ?? '',
      row.formats.rounding ?? '',
      formatPercent(row.testAccuracy),
      delta(row),
      String(row.skippedSteps),
      rangeSummary(row.range, 'overflowFraction'),
      rangeSummary(row.range, 'flushedFraction'),
      `${row.wallSeconds.toFixed(1)} s`,
    ]),
  );
}
