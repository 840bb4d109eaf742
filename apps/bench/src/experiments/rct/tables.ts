/** The printed comparison of the `rct` experiment: accuracy and memory, GEMM energy, RCT's bit widths, claims vs measured. */
import type { RunResult } from '../../results/types.js';
import { formatBytes, formatPercent, formatTable } from '../../table.js';
import { microjoules, weightedMeanBits, type BitsRow, type ClaimRow, type CostStatistics, type GemmBreakdown, type MeasuredSavings } from './summary.js';

/** What the experiment adds to trainRun's statistics. */
export interface RctRunStatistics extends CostStatistics {
  network: string;
  variant: string;
  dataset: string;
  gemm: GemmBreakdown;
  bits?: BitsRow[];
  measuredSavings?: MeasuredSavings;
  claims?: ClaimRow[];
}

export const statisticsOf = (run: RunResult) => run.statistics as unknown as RctRunStatistics;

const percentOrBlank = (value: number | undefined) => (value === undefined ? '' : formatPercent(value, 1));

function weightBitsLabel(run: RunResult): string {
  const statistics = statisticsOf(run);
  if (statistics.bits !== undefined) return `${weightedMeanBits(statistics.bits, 'meanBits').toFixed(2)} (final ${weightedMeanBits(statistics.bits, 'finalBits').toFixed(2)})`;
  return statistics.variant === 'qat' ? '8 + 32 master' : '32';
}

export function accuracyTable(runs: readonly RunResult[]): string {
  const baseline = new Map(runs.filter((run) => statisticsOf(run).variant === 'float32').map((run) => [statisticsOf(run).network, run.testAccuracy]));
  return formatTable(
    ['run', 'dataset', 'test accuracy', 'vs float32', 'weight bits mean (final)', 'parameter memory', 'saved vs float32 run', 'saved vs QAT run', 'wall time'],
    runs.map((run) => {
      const statistics = statisticsOf(run);
      const base = baseline.get(statistics.network);
      const savings = statistics.measuredSavings;
      return [
        run.name,
        statistics.dataset,
        formatPercent(run.testAccuracy),
        statistics.variant === 'float32' || base === undefined ? '' : `${(100 * (run.testAccuracy - base)).toFixed(2)} pp`,
        weightBitsLabel(run),
        formatBytes(statistics.memory.totals.parameters),
        percentOrBlank(savings?.parameterMemoryVsFloat32Run),
        statistics.variant === 'qat' ? '' : percentOrBlank(savings?.parameterMemoryVsQatRun),
        `${run.wallSeconds.toFixed(1)} s`,
      ];
    }),
  );
}

export function energyTable(runs: readonly RunResult[]): string {
  return formatTable(
    ['run', 'forward µJ/step', 'backward-data µJ/step', 'backward-weight µJ/step', 'GEMM µJ/step', 'saved vs float32 run', 'saved vs QAT run', 'saved vs QAT model', 'parameter movement µJ/step', 'movement saved vs QAT run', 'vs QAT model'],
    runs.map((run) => {
      const statistics = statisticsOf(run);
      const gemm = statistics.gemm.run;
      const savings = statistics.measuredSavings;
      const quantized = statistics.variant !== 'float32';
      const rct = statistics.bits !== undefined;
      return [
        run.name,
        microjoules(gemm.forward),
        microjoules(gemm.backwardData),
        microjoules(gemm.backwardWeight),
        microjoules(gemm.total),
        percentOrBlank(savings?.gemmVsFloat32Run),
        rct ? percentOrBlank(savings?.gemmVsQatRun) : '',
        quantized ? formatPercent(statistics.energy.savings.gemmVsQat, 1) : '',
        microjoules(statistics.energy.run.parameterMovementPerStep),
        rct ? percentOrBlank(savings?.parameterMovementVsQatRun) : '',
        quantized ? formatPercent(statistics.energy.savings.parameterMovementVsQat, 1) : '',
      ];
    }),
  );
}

export function bitsTable(runs: readonly RunResult[]): string {
  const rows: string[][] = [];
  for (const run of runs) {
    for (const row of statisticsOf(run).bits ?? []) {
      rows.push([run.name, row.parameter, String(row.elements), String(row.initialBits), String(row.finalBits), row.meanBits.toFixed(2), String(row.minBits), String(row.maxBits), String(row.changes)]);
    }
  }
  return formatTable(['run', 'parameter', 'elements', 'initial bits', 'final bits', 'mean bits', 'min', 'max', 'changes'], rows);
}

export function claimsTable(runs: readonly RunResult[]): string {
  const rows: string[][] = [];
  for (const run of runs) {
    for (const claim of statisticsOf(run).claims ?? []) {
      const verdict = `${claim.holdsModelled ? 'yes' : 'no'} / ${claim.holdsMeasured ? 'yes' : 'no'}`;
      rows.push([claim.quantity, claim.paper, run.name, formatPercent(claim.modelled, 1), formatPercent(claim.measured, 1), verdict]);
    }
  }
  return formatTable(['claim (literature, papers.md 3)', 'paper', 'run', 'measured vs QAT model', 'measured vs QAT run', 'holds (model / run)'], rows);
}

export function rctTables(runs: readonly RunResult[]): string {
  return [
    'Accuracy and parameter memory (weights + master copies)',
    accuracyTable(runs),
    '',
    'GEMM energy per step (Horowitz 45 nm model) and parameter movement',
    energyTable(runs),
    '',
    'RCT per-layer weight bit widths',
    bitsTable(runs),
    '',
    'Claims vs measured',
    claimsTable(runs),
  ].join('\n');
}
