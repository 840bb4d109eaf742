/**
 * The printed comparison of the yayla experiment: per model and momentum encoding the accuracy and
 * its change against float32 momentum, the unchanged-momentum fraction and flips, and the
 * training memory with its ratio against float32 momentum; then the searched encoding per model.
 */
import { formatBytes, formatPercent, formatTable } from '../../table.js';
import type { MomentumMemory } from './memory.js';
import type { MomentumRunSummary } from './momentum-series.js';
import type { SearchOutcome } from './search.js';

export interface VariantRow {
  model: string;
  /** 'float32', 'float16', 'bfloat16' or 'searched'. */
  label: string;
  /** The momentum format's name (e4m7_b30_finite, float16, ...). */
  format: string;
  bits: number;
  testAccuracy: number;
  summary: MomentumRunSummary;
  memory: MomentumMemory;
}

/** Accuracy change against the float32-momentum run of the same model, in percentage points (null for float32 itself or without one). */
export function accuracyDelta(rows: readonly VariantRow[], row: VariantRow): number | null {
  const reference = rows.find((candidate) => candidate.model === row.model && candidate.label === 'float32');
  if (reference === undefined || reference === row) return null;
  return 100 * (row.testAccuracy - reference.testAccuracy);
}

const ratio = (value: number | null) => (value === null ? '' : `${value.toFixed(2)}x`);
const points = (value: number | null) => (value === null ? '' : `${value >= 0 ? '+' : ''}${value.toFixed(2)} pp`);

export function comparisonTable(rows: readonly VariantRow[]): string {
  return formatTable(
    ['model', 'momentum', 'bits', 'test accuracy', 'vs float32', 'unchanged/step', 'flips', 'memory', 'ratio', 'ratio w/o grads', 'ratio weights+state'],
    rows.map((row) => [
      row.model,
      row.label === row.format ? row.format : `${row.label} ${row.format}`,
      String(row.bits),
      formatPercent(row.testAccuracy),
      points(accuracyDelta(rows, row)),
      formatPercent(row.summary.meanUnchangedFraction),
      String(row.summary.totalFlips),
      formatBytes(row.memory.totals.total),
      ratio(row.memory.ratioVsFloat32Momentum),
      ratio(row.memory.paperModelRatioVsFloat32Momentum),
      ratio(row.memory.weightsAndStateRatioVsFloat32Momentum),
    ]),
  );
}

export function searchTable(searches: readonly { model: string; search: SearchOutcome }[]): string {
  const fraction = (value: number) => formatPercent(value, 3);
  return formatTable(
    ['model', 'searched encoding', 'E', 'M', 'bias', 'bits', 'extra unchanged', 'flip disagreement', 'passing', 'tolerances only', 'largest |m|', 'replayed samples'],
    searches.map(({ model, search }) => {
      const best = search.best;
      return [
        model,
        best?.name ?? 'none within tolerance',
        best?.exponentBits === null || best === null ? '' : String(best.exponentBits),
        best?.mantissaBits === null || best === null ? '' : String(best.mantissaBits),
        best?.bias === null || best === null ? '' : String(best.bias),
        best === null ? '' : String(best.bits),
        best === null ? '' : fraction(best.extraUnchangedFraction),
        best === null ? '' : fraction(best.flipDisagreement),
        `${search.passing}/${search.candidates.length}`,
        search.librarySelection ?? 'none',
        search.largestMagnitude.toExponential(2),
        String(search.samples),
      ];
    }),
  );
}

/** The standard formats' rows of each search (how float16 and bfloat16 fare in the replay). */
export function standardFormatsTable(searches: readonly { model: string; search: SearchOutcome }[], names: readonly string[]): string {
  const rows = searches.flatMap(({ model, search }) =>
    search.candidates
      .filter((row) => names.includes(row.name) || row.name === search.best?.name || row.name === search.librarySelection)
      .map((row) => [
        model,
        row.name,
        String(row.bits),
        formatPercent(row.unchangedFraction, 3),
        formatPercent(row.extraUnchangedFraction, 3),
        formatPercent(row.flipDisagreement, 3),
        row.passes ? 'yes' : 'no',
        row.largestValue.toExponential(2),
        row.coversRange ? 'yes' : 'no',
      ]),
  );
  return formatTable(['model', 'replayed encoding', 'bits', 'unchanged', 'extra unchanged', 'flip disagreement', 'within tolerance', 'largest value', 'covers |m|'], rows);
}
