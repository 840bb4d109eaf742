import { runQuickOnWasm } from './quick-run.testutil.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { floatFormat } from '@lowbit/formats';
import { collectEnvironment } from '../environment.js';
import { assertValidResults } from '../results/schema.js';
import type { RunResult } from '../results/types.js';
import { momentumVariants, runName, runYayla, yaylaConfig, yaylaSmokeConfig } from './yayla.js';
import { momentumMemory, withRatios, type MomentumMemory } from './yayla/memory.js';
import { bopTotals, downsampleSeries, unchangedSeries, type MomentumSeries, type MomentumStepPoint } from './yayla/momentum-series.js';
import { yaylaNotes } from './yayla/notes.js';
import { recorderPlan, selectCandidate, type CandidateRow } from './yayla/search.js';
import { accuracyDelta, type VariantRow } from './yayla/table.js';
import type { ExperimentOutcome } from './types.js';

const point = (step: number, unchangedFraction: number): MomentumStepPoint => ({ step, unchangedFraction, unchangedByStorageFraction: unchangedFraction / 2, flips: step, flipRatio: 0.01 });

describe('unchangedSeries', () => {
  it('turns the per-step points into one report series of (step, unchanged fraction)', () => {
    const [series] = unchangedSeries({ stepsPerPoint: 1, steps: 2, points: [point(0, 0.5), point(1, 0.25)] });
    expect(series.points).toEqual([[0, 0.5], [1, 0.25]]);
    expect(series.yLabel).toBe('unchanged fraction');
  });
});

describe('downsampleSeries', () => {
  it.each([
    { steps: 0, max: 500, points: 0, stepsPerPoint: 1 },
    { steps: 1, max: 500, points: 1, stepsPerPoint: 1 },
    { steps: 500, max: 500, points: 500, stepsPerPoint: 1 },
    { steps: 501, max: 500, points: 251, stepsPerPoint: 2 },
    { steps: 1200, max: 500, points: 400, stepsPerPoint: 3 },
    { steps: 10, max: 3, points: 3, stepsPerPoint: 4 },
  ])('$steps steps into at most $max points: $points points of $stepsPerPoint steps', ({ steps, max, points, stepsPerPoint }) => {
    const series = downsampleSeries(Array.from({ length: steps }, (_, i) => point(i, i / Math.max(1, steps))), max);
    expect(series.points.length).toBe(points);
    expect(series.points.length).toBeLessThanOrEqual(max);
    expect(series.stepsPerPoint).toBe(stepsPerPoint);
    expect(series.steps).toBe(steps);
  });

  it('keeps bucket means and the first step of each bucket', () => {
    const series = downsampleSeries([point(0, 0.1), point(1, 0.3), point(2, 0.5), point(3, 0.7), point(4, 0.9)], 2);
    expect(series.points.map((p) => p.step)).toEqual([0, 3]);
    expect(series.points[0].unchangedFraction).toBeCloseTo(0.3, 12);
    expect(series.points[1].unchangedFraction).toBeCloseTo(0.8, 12);
    expect(series.points[0].flips).toBeCloseTo(1, 12);
  });

  it('refuses a bad point budget, naming it', () => {
    expect(() => downsampleSeries([], 0)).toThrow('maxPoints must be a positive integer, got 0');
  });
});

describe('pure helpers', () => {
  it('orders the variants float32, standard formats, searched (only when the search found one)', () => {
    const searched = floatFormat({ exponentBits: 4, mantissaBits: 7, bias: 30, specials: 'finite' });
    expect(momentumVariants(['float16', 'bfloat16'], searched).map((v) => v.label)).toEqual(['float32', 'float16', 'bfloat16', 'searched']);
    expect(momentumVariants(['float16', 'bfloat16'], undefined).map((v) => v.label)).toEqual(['float32', 'float16', 'bfloat16']);
    expect(momentumVariants(['float32', 'float16'], undefined).map((v) => v.label)).toEqual(['float32', 'float16']);
  });

  it.each([
    { weights: 93_088, steps: 200, fraction: 1000 / 93_088, every: 1 },
    { weights: 6_480_448, steps: 100, fraction: 1000 / 6_480_448, every: 1 },
    { weights: 6_480_448, steps: 1000, fraction: 1000 / 6_480_448, every: 5 },
    { weights: 500, steps: 10, fraction: 1, every: 1 },
  ])('recorderPlan for $weights weights over $steps steps logs a fraction $fraction every $every steps', ({ weights, steps, fraction, every }) => {
    const plan = recorderPlan({ samplesPerStep: 1000, maxSamples: 200_000, seed: 1 }, weights, steps);
    expect(plan.fraction).toBeCloseTo(fraction, 15);
    expect(plan.every).toBe(every);
  });

  const row = (name: string, bits: number, passes: boolean, coversRange: boolean, flipDisagreement = 0, extraUnchangedFraction = 0) => ({ name, bits, passes, coversRange, flipDisagreement, extraUnchangedFraction });
  it.each([
    { title: 'the narrowest passing row', rows: [row('a', 12, false, true), row('b', 13, true, true), row('c', 14, true, true)], requireRange: true, expected: 'b' },
    { title: 'a covering row over a narrower saturating one', rows: [row('clip', 12, true, false), row('full', 13, true, true)], requireRange: true, expected: 'full' },
    { title: 'the saturating row when the range is not required', rows: [row('clip', 12, true, false), row('full', 13, true, true)], requireRange: false, expected: 'clip' },
    { title: 'ties by flip disagreement, then extra unchanged', rows: [row('x', 12, true, true, 0.001, 0), row('y', 12, true, true, 0, 0.005), row('z', 12, true, true, 0, 0.002)], requireRange: true, expected: 'z' },
    { title: 'nothing when no row is eligible', rows: [row('a', 12, false, true), row('b', 13, true, false)], requireRange: true, expected: undefined },
  ])('selectCandidate picks $title', ({ rows, requireRange, expected }) => {
    expect(selectCandidate(rows, requireRange)?.name).toBe(expected);
  });

  it('reads the Bop route of a routed optimizer and a plain Bop optimizer', () => {
    const totals = { elements: 10, flips: 1, flipRatio: 0.1, stateElements: 10, unchanged: 2, unchangedByStorage: 1, unchangedFraction: 0.2, updatesNonZero: 0, updatesLost: 0, updatesLostFraction: 0 };
    const record = (optimizer: string) => ({ optimizer, step: 3, hyperparameters: {}, parameters: [], totals });
    expect(bopTotals({ ...record('route'), routes: { bop: record('bop'), adam: record('adam') } })).toBe(totals);
    expect(bopTotals(record('bop'))).toBe(totals);
    expect(bopTotals(record('adam'))).toBeUndefined();
    expect(bopTotals(undefined)).toBeUndefined();
  });

  it('computes the memory ratios and accuracy deltas against the float32-momentum run', () => {
    const totals = (optimizerState: number) => ({ weights: 100, master: 0, gradients: 3200, optimizerState, activations: 1000, parameters: 100, total: 100 + 3200 + optimizerState + 1000 });
    const row = (bits: number) => [{ parameter: 'fc.weight', slot: 'momentum', storage: 'x', bitsPerValue: bits, elements: 800, bytes: (bits * 800) / 8 }];
    const float32 = momentumMemory(totals(3200), row(32));
    const narrow = withRatios(momentumMemory(totals(1200), row(12)), float32);
    expect(narrow.momentumBitsPerWeight).toBe(12);
    expect(narrow.ratioVsFloat32Momentum).toBeCloseTo(7500 / 5500, 12);
    expect(narrow.paperModelRatioVsFloat32Momentum).toBeCloseTo(4300 / 2300, 12);
    expect(narrow.weightsAndStateRatioVsFloat32Momentum).toBeCloseTo(3300 / 1300, 12);
    const variant = (label: string, testAccuracy: number, memory: MomentumMemory): VariantRow => ({ model: 'm', label, format: label, bits: 32, testAccuracy, memory, summary: { meanUnchangedFraction: 0, meanUnchangedByStorageFraction: 0, totalFlips: 0, meanFlipRatio: 0, binaryWeights: 800 } });
    const rows = [variant('float32', 0.9, float32), variant('searched', 0.885, narrow)];
    expect(accuracyDelta(rows, rows[0])).toBeNull();
    expect(accuracyDelta(rows, rows[1])).toBeCloseTo(-1.5, 10);
  });

  it('labels a CIFAR-10 substitute and the literature values in the notes', () => {
    const substitute = 'CIFAR-10 not found (pass --cifar10 DIR); trained on Fashion-MNIST padded to 3x32x32 (CIFAR-10 substitute) instead';
    const config = { ...yaylaConfig, models: [{ model: 'vgg7' as const, trainSamples: 64, testSamples: 64, batchSize: 64 }] };
    const notes = yaylaNotes({ quick: false, config, datasets: [{ model: 'vgg7', description: 'Fashion-MNIST padded to 3x32x32 (CIFAR-10 substitute), 64 training / 64 test images', data: { substitute }, steps: 4, secondsPerStep: 30 }] });
    expect(notes).toContain(substitute);
    expect(notes.join('\n')).toContain('CIFAR-10 substitute');
    expect(notes.join('\n')).not.toContain('CIFAR-10 networks (BinaryNet, VGG7) not run');
    expect(notes.some((note) => note.startsWith('Literature values') && note.includes('2.47x, 2.43x and 2.04x'))).toBe(true);
  });
});

describe('yayla --quick', () => {
  let outcome: ExperimentOutcome;

  beforeAll(async () => {
    outcome = await runQuickOnWasm(runYayla, { seed: 1 });
  }, 300_000); // a ceiling for a shared machine: the smoke run took about 45 s on 2 busy cores

  const find = (model: string, label: string): RunResult | undefined => outcome.runs.find((run) => run.name === runName(model as 'vgg3', label));

  it('trains every model with float32, float16, bfloat16 momentum and the searched encoding when one passes', () => {
    for (const { model } of yaylaSmokeConfig.models) {
      const float32 = find(model, 'float32')!;
      const search = float32.statistics.encodingSearch as { best: CandidateRow | null; candidates: CandidateRow[]; samples: number; tolerances: { extraUnchangedFraction: number; flipDisagreement: number } };
      const expected = ['float32', 'float16', 'bfloat16', ...(search.best === null ? [] : ['searched'])];
      expect(outcome.runs.filter((run) => run.statistics.model === model).map((run) => run.name)).toEqual(expected.map((label) => runName(model, label)));
      expect(find(model, 'float16')!.formats.momentum).toBe('float16');
      expect(find(model, 'bfloat16')!.formats.momentum).toBe('bfloat16');
      expect(float32.formats.weights).toBe('binary');
      // The candidate table: ordered by bits, the best is the narrowest passing row and within both tolerances.
      expect(search.samples).toBeGreaterThan(0);
      expect(search.candidates.length).toBeGreaterThan(300);
      expect(search.candidates.map((row) => row.bits)).toEqual([...search.candidates.map((row) => row.bits)].sort((a, b) => a - b));
      if (search.best !== null) {
        expect(search.best.passes).toBe(true);
        expect(search.best.coversRange).toBe(true);
        expect(search.best.extraUnchangedFraction).toBeLessThanOrEqual(search.tolerances.extraUnchangedFraction);
        expect(search.best.flipDisagreement).toBeLessThanOrEqual(search.tolerances.flipDisagreement);
        expect(search.best.bits).toBe(Math.min(...search.candidates.filter((row) => row.passes && row.coversRange).map((row) => row.bits)));
        const searched = find(model, 'searched')!;
        expect(searched.formats.momentum).toBe(search.best.name);
        expect(searched.statistics.searchedEncoding).toEqual(search.best);
        expect(search.best.exponentBits! + search.best.mantissaBits! + 1).toBe(search.best.bits);
      }
    }
    // With this seed the Larq BNN's search finds an encoding narrower than 16 bits.
    const larqBest = (find('larq-mnist-bnn', 'float32')!.statistics.encodingSearch as { best: CandidateRow | null }).best;
    expect(larqBest).not.toBeNull();
    expect(larqBest!.bits).toBeLessThan(16);
  });

  it('records accuracies, a per-step unchanged-momentum series and flips for every run', () => {
    for (const run of outcome.runs) {
      expect(run.testAccuracy).toBeGreaterThanOrEqual(0);
      expect(run.testAccuracy).toBeLessThanOrEqual(1);
      const series = run.statistics.momentumSteps as MomentumSeries;
      expect(series.steps).toBe(run.statistics.steps);
      expect(series.points.length).toBeGreaterThan(0);
      expect(series.points.length).toBeLessThanOrEqual(500);
      for (const p of series.points) {
        expect(p.unchangedFraction).toBeGreaterThanOrEqual(0);
        expect(p.unchangedFraction).toBeLessThanOrEqual(1);
        expect(p.unchangedByStorageFraction).toBeLessThanOrEqual(p.unchangedFraction);
      }
      expect((run.statistics.momentumSummary as { totalFlips: number }).totalFlips).toBeGreaterThan(0);
    }
    // The paper's point: float16 with its standard bias cannot hold Bop's tiny momentum updates.
    for (const { model } of yaylaSmokeConfig.models) {
      const unchanged = (label: string) => (find(model, label)!.statistics.momentumSummary as { meanUnchangedFraction: number }).meanUnchangedFraction;
      expect(unchanged('float16')).toBeGreaterThan(0.3);
      expect(unchanged('float16')).toBeGreaterThan(unchanged('float32') + 0.25);
    }
  });

  it('counts the momentum at its packed bits in run.memoryBytes, with ratios against float32 momentum', () => {
    for (const { model } of yaylaSmokeConfig.models) {
      const float32 = find(model, 'float32')!;
      const binaryWeights = float32.statistics.binaryWeights as number;
      for (const run of outcome.runs.filter((candidate) => candidate.statistics.model === model)) {
        const memory = run.statistics.momentumMemory as MomentumMemory;
        const bits = (run.statistics.momentumFormat as { bits: number }).bits;
        expect(run.memoryBytes).toBe(memory.totals.total);
        expect(memory.momentumBitsPerWeight).toBeCloseTo(bits, 3);
        expect(memory.momentumBytes).toBeGreaterThanOrEqual((bits * binaryWeights) / 8);
        expect(memory.momentumBytes).toBeLessThan((bits * binaryWeights) / 8 + 8);
        // Only the momentum differs between the runs of a model.
        expect(float32.memoryBytes - run.memoryBytes).toBeCloseTo(((32 - bits) * binaryWeights) / 8, -1);
        if (run === float32) expect(memory.ratioVsFloat32Momentum).toBe(1);
        else expect(memory.ratioVsFloat32Momentum!).toBeGreaterThan(1);
        expect(memory.weightsAndStateRatioVsFloat32Momentum!).toBeGreaterThanOrEqual(memory.paperModelRatioVsFloat32Momentum!);
      }
    }
  });

  it('prints a row per run and the search per model, notes and a valid results document', () => {
    for (const run of outcome.runs) {
      const momentum = run.statistics.momentumLabel === 'searched' ? `searched ${run.formats.momentum}` : run.formats.momentum;
      expect(outcome.table).toMatch(new RegExp(`${run.statistics.model as string}\\s+${momentum}\\s`));
    }
    expect(outcome.table).toContain('Momentum encoding search');
    expect(outcome.notes!.join('\n')).toContain('--quick smoke size');
    expect(outcome.notes!.join('\n')).toContain('CIFAR-10 networks (BinaryNet, VGG7) not run');
    expect(outcome.notes!.some((note) => note.startsWith('Literature values'))).toBe(true);
    assertValidResults({ experiment: 'yayla', config: outcome.config, environment: collectEnvironment({ threads: 2, backend: 'wasm' }), runs: outcome.runs, notes: outcome.notes, wallSeconds: 1 });
  });
});
