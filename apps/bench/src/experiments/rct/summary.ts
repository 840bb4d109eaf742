/**
 * Pure helpers of the `rct` experiment: the per-GEMM energy split, the per-layer bit-width
 * summary of an RCT report, savings of a run against the measured float32 and QAT runs, and the
 * paper's claims next to what was measured.
 */
import type { EnergyReport, GemmEnergy, RctReport } from '@lowbit/training';
import type { Series } from '../../results/types.js';

/** Picojoules per step of each GEMM, summed over the layers: the run, all-float32, and the energy model's QAT. */
export interface GemmBreakdown {
  run: GemmEnergy;
  float32: GemmEnergy;
  qat: GemmEnergy;
}

const zero = (): GemmEnergy => ({ forward: 0, backwardData: 0, backwardWeight: 0, total: 0 });

export function gemmBreakdown(report: Pick<EnergyReport, 'layers'>): GemmBreakdown {
  const sums = { run: zero(), float32: zero(), qat: zero() };
  for (const layer of report.layers) {
    for (const [target, source] of [
      [sums.run, layer.gemm],
      [sums.float32, layer.float32],
      [sums.qat, layer.qat],
    ] as const) {
      target.forward += source.forward;
      target.backwardData += source.backwardData;
      target.backwardWeight += source.backwardWeight;
      target.total += source.total;
    }
  }
  return sums;
}

export interface BitsRow {
  parameter: string;
  elements: number;
  initialBits: number;
  finalBits: number;
  meanBits: number;
  minBits: number;
  maxBits: number;
  /** Bit-width changes during the run (the initial width excluded). */
  changes: number;
}

export function bitsSummary(report: Pick<RctReport, 'layers'>): BitsRow[] {
  return report.layers.map((layer) => {
    const widths = layer.bitsHistory.map((entry) => entry.bits);
    return {
      parameter: layer.parameter,
      elements: layer.elements,
      initialBits: layer.initialBits,
      finalBits: layer.finalBits,
      meanBits: layer.meanBits,
      minBits: Math.min(...widths),
      maxBits: Math.max(...widths),
      changes: layer.bitsHistory.length - 1,
    };
  });
}

/** Mean bits of the controlled weights, weighted by their element counts. */
export function weightedMeanBits(rows: readonly BitsRow[], key: 'meanBits' | 'finalBits'): number {
  const elements = rows.reduce((sum, row) => sum + row.elements, 0);
  return elements === 0 ? NaN : rows.reduce((sum, row) => sum + row[key] * row.elements, 0) / elements;
}

/** The parts of a run's statistics this experiment compares (as trainRun stores them). */
export interface CostStatistics {
  energy: { run: { gemmPerStep: number; parameterMovementPerStep: number }; savings: { gemmVsQat: number; gemmVsFloat32: number; parameterMovementVsQat: number; parameterMovementVsFloat32: number } };
  memory: { totals: { parameters: number; total: number }; savings: { parametersVsQat: number; parametersVsFloat32: number } };
}

/** 1 - value / reference: the fraction saved (negative when the run costs more). */
export function saving(value: number, reference: number): number {
  return reference === 0 ? NaN : 1 - value / reference;
}

/** Savings of a run against the float32 and QAT runs that actually trained next to it. */
export interface MeasuredSavings {
  gemmVsFloat32Run: number;
  gemmVsQatRun: number;
  parameterMemoryVsFloat32Run: number;
  parameterMemoryVsQatRun: number;
  parameterMovementVsFloat32Run: number;
  parameterMovementVsQatRun: number;
}

export function measuredSavings(run: CostStatistics, float32: CostStatistics, qat: CostStatistics): MeasuredSavings {
  return {
    gemmVsFloat32Run: saving(run.energy.run.gemmPerStep, float32.energy.run.gemmPerStep),
    gemmVsQatRun: saving(run.energy.run.gemmPerStep, qat.energy.run.gemmPerStep),
    parameterMemoryVsFloat32Run: saving(run.memory.totals.parameters, float32.memory.totals.parameters),
    parameterMemoryVsQatRun: saving(run.memory.totals.parameters, qat.memory.totals.parameters),
    parameterMovementVsFloat32Run: saving(run.energy.run.parameterMovementPerStep, float32.energy.run.parameterMovementPerStep),
    parameterMovementVsQatRun: saving(run.energy.run.parameterMovementPerStep, qat.energy.run.parameterMovementPerStep),
  };
}

/** A claim of the paper (papers.md section 3): a literature value, not measured here. */
export interface Claim {
  quantity: string;
  /** As the paper states it. */
  paper: string;
  /** The saving holds when it lies in [minimum, maximum]. */
  minimum: number;
  maximum: number;
  /** The energy model's QAT reference (forward GEMM at the run's widths, backward in float32; N (32 + b) parameter bits). */
  modelled: (statistics: CostStatistics) => number;
  /** Against the QAT run that trained here. */
  measured: (savings: MeasuredSavings) => number;
}

export const RCT_CLAIMS: readonly Claim[] = [
  { quantity: 'GEMM energy saved vs QAT', paper: '> 86 %', minimum: 0.86, maximum: 1, modelled: (s) => s.energy.savings.gemmVsQat, measured: (m) => m.gemmVsQatRun },
  { quantity: 'parameter memory saved vs QAT', paper: '> 46 %', minimum: 0.46, maximum: 1, modelled: (s) => s.memory.savings.parametersVsQat, measured: (m) => m.parameterMemoryVsQatRun },
  // "About half" is read as 40 to 60 % saved.
  { quantity: 'parameter-movement energy saved vs QAT', paper: 'about half (read as 40-60 %)', minimum: 0.4, maximum: 0.6, modelled: (s) => s.energy.savings.parameterMovementVsQat, measured: (m) => m.parameterMovementVsQatRun },
];

export interface ClaimRow {
  quantity: string;
  paper: string;
  modelled: number;
  measured: number;
  holdsModelled: boolean;
  holdsMeasured: boolean;
}

export function claimRows(statistics: CostStatistics, savings: MeasuredSavings, claims: readonly Claim[] = RCT_CLAIMS): ClaimRow[] {
  const holds = (claim: Claim, value: number) => value >= claim.minimum && value <= claim.maximum;
  return claims.map((claim) => {
    const modelled = claim.modelled(statistics);
    const measured = claim.measured(savings);
    return { quantity: claim.quantity, paper: claim.paper, modelled, measured, holdsModelled: holds(claim, modelled), holdsMeasured: holds(claim, measured) };
  });
}

/** Picojoules as microjoules with one decimal (tables give energies per step in µJ). */
export function microjoules(picojoules: number): string {
  return (picojoules / 1e6).toFixed(1);
}

/**
 * The bit-width history of every layer as report series: a step function (the width holds until
 * the next change), drawn on one chart per results file with a line per run and layer.
 */
export function bitsSeries(report: Pick<RctReport, 'layers'>, steps: number): Series[] {
  return report.layers.map((layer) => {
    const points: Array<[number, number]> = [];
    for (const { step, bits } of layer.bitsHistory) {
      const previous = points.at(-1);
      if (previous !== undefined) points.push([step, previous[1]]);
      points.push([step, bits]);
    }
    const last = points.at(-1);
    if (last !== undefined && last[0] < steps) points.push([steps, last[1]]);
    return { chart: 'RCT per-layer weight bit width during training', label: layer.parameter, xLabel: 'optimizer step', yLabel: 'bits', points };
  });
}
