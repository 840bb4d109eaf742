/**
 * The momentum encoding search of Yayla & Chen (papers.md section 4), as the experiment runs it:
 * (m, g) samples logged by a momentumRecorder during the float32-momentum run are replayed through
 * candidate (E, M, bias) floats ordered by bits (plus the standard formats, which compete on the
 * same terms), and the narrowest candidate within both tolerances is confirmed by training.
 *
 * One criterion is added to the library's two (reconstruction, recorded in the config as
 * `requireRange`): the candidate's largest finite value must cover the largest |m| of the replay.
 * The automatic bias window tries biases up to 3 above the fitted one, whose top binades
 * saturate; a clipped momentum keeps its sign, so neither the unchanged count nor the flip
 * decisions of a one-step replay see it, but in training a clipped m turns sign sooner after the
 * gradient does and the weights flip back and forth. Our first full run picked such an encoding
 * for VGG3 (e3m13_b32, largest value 6e-8 against a logged |m| of 4.5e-7) and lost 14 points of
 * accuracy in the confirming run.
 * Everything here is plain data for the results file: the formats themselves are rebuilt from
 * their specs when a run needs them.
 */
import { elementFormatFromName, type ElementFormat } from '@lowbit/formats';
import { momentumRecorder, searchMomentumEncoding, type EncodingCandidateResult, type MomentumRecorder, type MomentumSamples } from '@lowbit/optim';
import { YaylaConfigError } from './errors.js';

export interface YaylaSearchConfig {
  exponentBits: { min: number; max: number };
  mantissaBits: { min: number; max: number };
  /** Standard formats listed in the candidate table next to the searched ones. */
  standardFormats: string[];
  tolerances: { extraUnchangedFraction: number; flipDisagreement: number };
  /** 'pairs' replays every logged (m, g) on its own (papers.md); 'trajectory' follows each weight. */
  replay: 'pairs';
  /** Only candidates whose largest finite value covers the largest logged |m| can be selected. */
  requireRange: boolean;
}

export interface YaylaRecorderConfig {
  /** Binary weights logged per step (a seeded subset of every Bop parameter, the same elements each step). */
  samplesPerStep: number;
  /** Upper bound of logged samples over the run: steps are thinned (every k-th) to stay below it. */
  maxSamples: number;
  seed: number;
}

/** How many elements to log and how often, for a run of `steps` steps over `binaryWeights` weights. */
export function recorderPlan(config: YaylaRecorderConfig, binaryWeights: number, steps: number): { fraction: number; every: number } {
  if (!(binaryWeights > 0)) throw new YaylaConfigError('binaryWeights', binaryWeights, 'a positive count: the model has no binary weights for Bop');
  if (!(config.samplesPerStep >= 1) || !(config.maxSamples >= config.samplesPerStep)) throw new YaylaConfigError('recorder', config, 'samplesPerStep >= 1 and maxSamples >= samplesPerStep');
  const fraction = Math.min(1, config.samplesPerStep / binaryWeights);
  const perStep = Math.min(config.samplesPerStep, binaryWeights);
  const every = Math.max(1, Math.ceil((Math.max(1, steps) * perStep) / config.maxSamples));
  return { fraction, every };
}

export function createRecorder(config: YaylaRecorderConfig, binaryWeights: number, steps: number): MomentumRecorder {
  const { fraction, every } = recorderPlan(config, binaryWeights, steps);
  // The limit is a safety net: the subset is seeded per element, so the expected count can be exceeded a little.
  return momentumRecorder({ fraction, every, seed: config.seed, limit: Math.ceil(config.maxSamples * 1.5) });
}

/** One row of the candidate table as stored in the results (the format object dropped). */
export interface CandidateRow {
  name: string;
  bits: number;
  exponentBits: number | null;
  mantissaBits: number | null;
  bias: number | null;
  unchangedFraction: number;
  extraUnchangedFraction: number;
  flipDisagreement: number;
  /** Within both tolerances (the library's test). */
  passes: boolean;
  /** Largest finite value of the format, and whether it covers the largest logged |m|. */
  largestValue: number;
  coversRange: boolean;
}

export interface SearchOutcome {
  /** The narrowest candidate within the tolerances (and covering the range when required), or null. */
  best: CandidateRow | null;
  /** What searchMomentumEncoding alone selects (tolerances only). */
  librarySelection: string | null;
  /** Largest |m| before or after an update in the float32 replay. */
  largestMagnitude: number;
  bestFormat: ElementFormat | undefined;
  samples: number;
  /** U / n of float32 on the same samples. */
  referenceUnchangedFraction: number;
  tolerances: YaylaSearchConfig['tolerances'];
  candidates: CandidateRow[];
  passing: number;
  seconds: number;
}

export function candidateRow(result: EncodingCandidateResult, largestMagnitude: number): CandidateRow {
  const spec = result.spec as { exponentBits?: number; mantissaBits?: number; bias?: number };
  return {
    name: result.name,
    bits: result.bits,
    exponentBits: spec.exponentBits ?? null,
    mantissaBits: spec.mantissaBits ?? null,
    bias: spec.bias ?? null,
    unchangedFraction: result.unchangedFraction,
    extraUnchangedFraction: result.extraUnchangedFraction,
    flipDisagreement: result.flipDisagreement,
    passes: result.passes,
    largestValue: result.format.range.max,
    coversRange: result.format.range.max >= largestMagnitude,
  };
}

/** Largest |m| the float32 replay holds before and after each update (what a format must represent without clipping). */
export function largestMomentum(samples: MomentumSamples): number {
  let largest = 0;
  for (let i = 0; i < samples.momentum.length; i++) {
    const m = samples.momentum[i];
    const gamma = samples.adaptivity?.[i] ?? 0;
    const value = Math.max(Math.abs(m), Math.abs(m + gamma * (samples.gradient[i] - m)));
    if (Number.isFinite(value) && value > largest) largest = value;
  }
  return largest;
}

/** The narrowest eligible row; ties: lower flip disagreement, then lower extra unchanged fraction (the library's order). */
export function selectCandidate<Row extends Pick<CandidateRow, 'bits' | 'passes' | 'coversRange' | 'flipDisagreement' | 'extraUnchangedFraction'>>(rows: readonly Row[], requireRange: boolean): Row | undefined {
  let best: Row | undefined;
  for (const row of rows) {
    if (!row.passes || (requireRange && !row.coversRange)) continue;
    if (
      best === undefined ||
      row.bits < best.bits ||
      (row.bits === best.bits && (row.flipDisagreement < best.flipDisagreement || (row.flipDisagreement === best.flipDisagreement && row.extraUnchangedFraction < best.extraUnchangedFraction)))
    ) {
      best = row;
    }
  }
  return best;
}

export function runEncodingSearch(samples: MomentumSamples, config: YaylaSearchConfig): SearchOutcome {
  const started = performance.now();
  const result = searchMomentumEncoding({
    samples,
    candidates: { exponentBits: config.exponentBits, mantissaBits: config.mantissaBits, bias: 'auto', formats: config.standardFormats.map((name) => elementFormatFromName(name)) },
    tolerances: config.tolerances,
    replay: config.replay,
  });
  const largestMagnitude = largestMomentum(samples);
  const candidates = result.table.map((row) => candidateRow(row, largestMagnitude));
  const selected = selectCandidate(candidates, config.requireRange);
  return {
    best: selected ?? null,
    bestFormat: selected === undefined ? undefined : result.table[candidates.indexOf(selected)].format,
    librarySelection: result.best?.name ?? null,
    largestMagnitude,
    samples: result.samples,
    referenceUnchangedFraction: result.reference.unchangedFraction,
    tolerances: result.tolerances,
    candidates,
    passing: candidates.filter((row) => row.passes).length,
    seconds: (performance.now() - started) / 1000,
  };
}
