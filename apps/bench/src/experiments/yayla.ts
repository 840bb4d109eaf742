/**
 * `yayla`: Yayla & Chen, "Memory-efficient training of binarized neural networks on the edge"
 * (DAC 2022; papers.md section 4). BNNs whose binary weights are trained by Bop and whose batch
 * norm is trained by Adam (routed with routeBy), with Bop's momentum stored in float32, float16,
 * bfloat16 and in the narrowest encoding the momentum encoding search finds: (m, g) samples logged
 * during the float32 run are replayed through candidate (E, M, bias) floats, and the narrowest one
 * within the tolerances is confirmed by training. Per run: accuracy, the unchanged-momentum
 * fraction of every step (the paper's metric U), flips, and training memory against float32
 * momentum.
 */
import { elementFormatFromName, type ElementFormat } from '@lowbit/formats';
import { adam, bop, routeBy, type MomentumRecorder } from '@lowbit/optim';
import type { RunResult } from '../results/types.js';
import { describeData, loadImageData, type ImageData } from '../training/data.js';
import { trainRun } from '../training/train-run.js';
import { sizedConfig, type Experiment, type ExperimentContext, type ExperimentOutcome } from './types.js';
import { YaylaConfigError } from './yayla/errors.js';
import { momentumMemory, stateRows, withRatios } from './yayla/memory.js';
import { countBinaryWeights, YAYLA_MODELS, type YaylaModelName } from './yayla/models.js';
import { downsampleSeries, momentumStepRecorder, summarizeSteps, unchangedSeries, type MomentumSeries } from './yayla/momentum-series.js';
import { createRecorder, recorderPlan, runEncodingSearch, type SearchOutcome, type YaylaRecorderConfig, type YaylaSearchConfig } from './yayla/search.js';
import { comparisonTable, searchTable, standardFormatsTable, type VariantRow } from './yayla/table.js';
import { yaylaNotes } from './yayla/notes.js';

export interface YaylaModelConfig {
  model: YaylaModelName;
  trainSamples: number;
  testSamples: number;
  batchSize: number;
}

export interface YaylaConfig {
  epochs: number;
  models: YaylaModelConfig[];
  /** Bop's tau and gamma (papers.md defaults 1e-8 and 1e-4). */
  threshold: number;
  adaptivity: number;
  /** Adam for the real-valued parameters (batch norm). */
  adamLearningRate: number;
  /** Standard momentum formats trained after float32 (then the searched one). */
  standardFormats: string[];
  recorder: YaylaRecorderConfig;
  search: YaylaSearchConfig;
  /** Points of the per-step series kept in each run (bucket means). */
  maxSeriesPoints: number;
}

const shared: Omit<YaylaConfig, 'epochs' | 'models'> = {
  threshold: 1e-8,
  adaptivity: 1e-4,
  adamLearningRate: 0.01,
  standardFormats: ['float16', 'bfloat16'],
  recorder: { samplesPerStep: 1000, maxSamples: 200_000, seed: 1 },
  search: {
    exponentBits: { min: 1, max: 6 },
    mantissaBits: { min: 0, max: 16 },
    standardFormats: ['float16', 'bfloat16', 'float8_e4m3fn', 'float8_e5m2'],
    tolerances: { extraUnchangedFraction: 0.01, flipDisagreement: 0.001 },
    replay: 'pairs',
    requireRange: true,
  },
  maxSeriesPoints: 500,
};

/**
 * The default (reduced) size: MNIST and Fashion-MNIST subsets for one epoch, sized to stay within
 * an hour on 2 cores with the wasm backend even while other jobs share them (a VGG3 step took
 * 0.75-1.7 s on free cores and about 4 s on busy ones). CIFAR-10 networks are not in it: one BinaryNet/VGG7 step
 * of batch 64 takes tens of seconds here, so their four runs would not fit; add
 * { model: 'vgg7' | 'binarynet', ... } to `models` to run them (CIFAR-10 via --cifar10, else a
 * labelled padded substitute).
 */
export const yaylaConfig: YaylaConfig = {
  epochs: 1,
  models: [
    { model: 'larq-mnist-bnn', trainSamples: 25_600, testSamples: 10_000, batchSize: 64 },
    { model: 'vgg3', trainSamples: 9_600, testSamples: 2_000, batchSize: 64 },
  ],
  ...shared,
};

/** --quick: a CI smoke size (seconds): a few steps per run, accuracies not meaningful. */
export const yaylaSmokeConfig: YaylaConfig = {
  ...yaylaConfig,
  models: [
    { model: 'larq-mnist-bnn', trainSamples: 128, testSamples: 64, batchSize: 32 },
    { model: 'vgg3', trainSamples: 16, testSamples: 16, batchSize: 8 },
  ],
  recorder: { samplesPerStep: 500, maxSamples: 4_000, seed: 1 },
};

export interface MomentumVariant {
  /** 'float32', a standard format's name, or 'searched'. */
  label: string;
  format: ElementFormat | 'float32';
}

/** float32 first (its run logs the samples of the search), then the standard formats, then the searched encoding if one passed. */
export function momentumVariants(standardFormats: readonly string[], searched: ElementFormat | undefined): MomentumVariant[] {
  const variants: MomentumVariant[] = [{ label: 'float32', format: 'float32' }];
  for (const name of standardFormats) {
    if (name === 'float32') continue;
    variants.push({ label: name, format: elementFormatFromName(name) });
  }
  if (searched !== undefined) variants.push({ label: 'searched', format: searched });
  return variants;
}

export function runName(model: YaylaModelName, label: string): string {
  return `${model}/momentum-${label}`;
}

function checkConfig(config: YaylaConfig): void {
  if (!Number.isSafeInteger(config.epochs) || config.epochs < 1) throw new YaylaConfigError('epochs', config.epochs, 'an integer >= 1');
  if (config.models.length === 0) throw new YaylaConfigError('models', config.models, `at least one of ${Object.keys(YAYLA_MODELS).join(', ')}`);
  for (const entry of config.models) {
    if (!(entry.model in YAYLA_MODELS)) throw new YaylaConfigError('models[].model', entry.model, Object.keys(YAYLA_MODELS).join(', '));
  }
}

interface ModelOutcome {
  runs: RunResult[];
  rows: VariantRow[];
  search: SearchOutcome;
}

async function runModel(context: ExperimentContext, config: YaylaConfig, entry: YaylaModelConfig, data: ImageData): Promise<ModelOutcome> {
  const catalog = YAYLA_MODELS[entry.model];
  const binaryWeights = countBinaryWeights(catalog.create(context.seed));
  const steps = config.epochs * Math.ceil(data.train.length / entry.batchSize);
  const runs: RunResult[] = [];
  const rows: VariantRow[] = [];

  const trainVariant = async (variant: MomentumVariant, recorder?: MomentumRecorder) => {
    // Same model seed for every variant: the runs differ only in how the momentum is stored.
    const model = catalog.create(context.seed);
    const optimizer = routeBy({
      routes: [
        { name: 'bop', select: 'binary', optimizer: bop({ threshold: config.threshold, adaptivity: config.adaptivity, state: variant.format, recorder }) },
        { name: 'adam', select: 'non-binary', optimizer: adam({ learningRate: config.adamLearningRate }) },
      ],
    });
    const momentumName = variant.format === 'float32' ? 'float32' : variant.format.name;
    const stepRecorder = momentumStepRecorder('bop');
    const { run } = await trainRun({
      name: runName(entry.model, variant.label),
      description: `${catalog.title} on ${data.label}: binary weights by Bop (tau ${config.threshold}, gamma ${config.adaptivity}) with momentum stored in ${momentumName}, batch norm by Adam (lr ${config.adamLearningRate})`,
      formats: { weights: 'binary', activations: 'binary (sign, clipped STE)', momentum: momentumName, batchNorm: 'float32', batchNormOptimizer: 'adam (float32 state)', errors: 'float32', weightGradients: 'float32' },
      model,
      optimizer,
      data,
      epochs: config.epochs,
      batchSize: entry.batchSize,
      seed: context.seed,
      progress: context.progress,
      callbacks: [stepRecorder],
    });
    const format = variant.format === 'float32' ? { name: 'float32', bits: 32, exponentBits: 8, mantissaBits: 23, bias: 127 } : formatSummary(variant.format);
    const summary = summarizeSteps(stepRecorder.points, stepRecorder.binaryWeights);
    const totals = (run.statistics.memory as { totals: Parameters<typeof momentumMemory>[0] }).totals;
    const memory = momentumMemory(totals, stateRows(model, optimizer));
    run.statistics = {
      ...run.statistics,
      model: entry.model,
      momentumLabel: variant.label,
      momentumFormat: format,
      binaryWeights,
      momentumSteps: downsampleSeries(stepRecorder.points, config.maxSeriesPoints),
      momentumSummary: summary,
    };
    run.series = unchangedSeries(run.statistics.momentumSteps as MomentumSeries);
    runs.push(run);
    rows.push({ model: entry.model, label: variant.label, format: momentumName, bits: format.bits, testAccuracy: run.testAccuracy, summary, memory });
  };

  const plan = recorderPlan(config.recorder, binaryWeights, steps);
  const recorder = createRecorder(config.recorder, binaryWeights, steps);
  await trainVariant({ label: 'float32', format: 'float32' }, recorder);
  context.progress.log(`${entry.model}: replaying ${recorder.count} logged (m, g) samples through the candidate encodings`);
  const search = runEncodingSearch(recorder.samples(), config.search);
  const { bestFormat, ...searchData } = search;
  runs[0].statistics.encodingSearch = { ...searchData, recorder: { ...plan, samples: recorder.count, truncated: recorder.truncated } };
  for (const variant of momentumVariants(config.standardFormats, bestFormat).slice(1)) await trainVariant(variant);

  // Ratios and accuracy deltas against the float32-momentum run of this model.
  const reference = rows[0];
  rows.forEach((row, index) => {
    row.memory = withRatios(row.memory, reference.memory);
    runs[index].statistics.momentumMemory = row.memory;
    runs[index].statistics.accuracyDeltaVsFloat32 = index === 0 ? 0 : runs[index].testAccuracy - runs[0].testAccuracy;
    if (row.label === 'searched') runs[index].statistics.searchedEncoding = search.best;
  });
  return { runs, rows, search };
}

function formatSummary(format: ElementFormat): { name: string; bits: number; exponentBits: number | null; mantissaBits: number | null; bias: number | null } {
  const spec = format.spec as { exponentBits?: number; mantissaBits?: number; bias?: number };
  return { name: format.name, bits: format.bits, exponentBits: spec.exponentBits ?? null, mantissaBits: spec.mantissaBits ?? null, bias: spec.bias ?? null };
}

export async function runYayla(context: ExperimentContext, given?: YaylaConfig): Promise<ExperimentOutcome> {
  const config = sizedConfig(context, given ?? (context.quick ? yaylaSmokeConfig : yaylaConfig));
  checkConfig(config);
  const runs: RunResult[] = [];
  const rows: VariantRow[] = [];
  const searches: { model: string; search: SearchOutcome }[] = [];
  const datasets: { model: YaylaModelName; data: ImageData; steps: number; secondsPerStep: number }[] = [];
  for (const entry of config.models) {
    const data = await loadImageData({ dataset: YAYLA_MODELS[entry.model].dataset, trainSamples: entry.trainSamples, testSamples: entry.testSamples, seed: context.seed, cifar10Directory: context.cifar10Directory, fallback: 'fashion-mnist' });
    const outcome = await runModel(context, config, entry, data);
    runs.push(...outcome.runs);
    rows.push(...outcome.rows);
    searches.push({ model: entry.model, search: outcome.search });
    const steps = outcome.runs.reduce((sum, run) => sum + (run.statistics.steps as number), 0);
    datasets.push({ model: entry.model, data, steps, secondsPerStep: outcome.runs.reduce((sum, run) => sum + run.wallSeconds, 0) / Math.max(1, steps) });
  }
  const table = [
    comparisonTable(rows),
    '',
    'Momentum encoding search (replay of (m, g) logged in the float32 run; tolerances: extra unchanged <= ' +
      `${config.search.tolerances.extraUnchangedFraction}, flip disagreement <= ${config.search.tolerances.flipDisagreement}):`,
    searchTable(searches),
    '',
    standardFormatsTable(searches, config.search.standardFormats),
  ].join('\n');
  const notes = yaylaNotes({ quick: context.quick, config, datasets: datasets.map((entry) => ({ ...entry, description: describeData(entry.data) })) });
  return { config: { ...config }, runs, notes, table };
}

export const yaylaExperiment: Experiment = {
  name: 'yayla',
  description: 'Yayla & Chen: BNNs with Bop, momentum in float32/float16/bfloat16/searched encodings: unchanged fraction, memory',
  run: (context) => runYayla(context),
};
