/** The notes printed and stored with the yayla results: sizes, substitutes, accounting and literature values (labelled as such). */
import type { YaylaConfig } from '../yayla.js';
import { YAYLA_MODELS, type YaylaModelName } from './models.js';

export interface ModelRunSize {
  model: YaylaModelName;
  /** describeData(): what was trained on. */
  description: string;
  data: { substitute?: string };
  /** Optimizer steps of all runs of the model, and the measured wall seconds per step (training and evaluation). */
  steps: number;
  secondsPerStep: number;
}

/** Full training-set sizes, for the estimate of a paper-size run. */
const FULL_TRAIN: Record<YaylaModelName, number> = { 'larq-mnist-bnn': 60_000, vgg3: 60_000, binarynet: 50_000, vgg7: 50_000 };

export function yaylaNotes(options: { quick: boolean; config: YaylaConfig; datasets: readonly ModelRunSize[] }): string[] {
  const { config } = options;
  const notes: string[] = [];
  for (const entry of options.datasets) {
    const model = config.models.find((candidate) => candidate.model === entry.model)!;
    const fullSteps = Math.ceil(FULL_TRAIN[entry.model] / model.batchSize);
    notes.push(
      `${YAYLA_MODELS[entry.model].title} (${entry.model}) on ${entry.description}, ${config.epochs} epoch(s) of batch ${model.batchSize}, ` +
        `${(entry.secondsPerStep).toFixed(2)} s per step measured (evaluation included); one epoch of the full ${FULL_TRAIN[entry.model]}-image training set would take about ` +
        `${((fullSteps * entry.secondsPerStep) / 60).toFixed(0)} min per momentum encoding at that speed`,
    );
    if (entry.data.substitute !== undefined) notes.push(entry.data.substitute);
  }
  if (options.quick) notes.push('--quick smoke size: a few steps per run, accuracies and memory ratios show that the pipeline works, not the method');
  else {
    notes.push(
      'Reduced-size run (subsets of the training sets, one epoch) so that the whole experiment fits about an hour on 2 cores; the paper size is the full training sets for several epochs ' +
        '(Larq MNIST BNN: 6 epochs): set trainSamples to the full set in yaylaConfig (apps/bench/src/experiments/yayla.ts) and pass --epochs N',
    );
  }
  if (!config.models.some((entry) => YAYLA_MODELS[entry.model].dataset === 'cifar10')) {
    notes.push(
      'CIFAR-10 networks (BinaryNet, VGG7) not run: a single training step of batch 64 takes tens of seconds on 2 cores with the wasm backend, so their four momentum encodings do not fit the time budget; ' +
        "add { model: 'vgg7' } or { model: 'binarynet' } to yaylaConfig.models to run them (CIFAR-10 from --cifar10 DIR, else a labelled padded Fashion-MNIST substitute)",
    );
  }
  notes.push(
    `Bop tau ${config.threshold}, gamma ${config.adaptivity} on the binary weights (stored as ±1, no latent weights), Adam lr ${config.adamLearningRate} on batch norm; float16/bfloat16 keep their standard biases (float16's smallest subnormal 2^-24 is above tau = 1e-8)`,
  );
  notes.push(
    `Encoding search: (m, g) of a seeded subset of the binary weights (about ${config.recorder.samplesPerStep} per logged step, at most ${config.recorder.maxSamples} samples) logged in the float32 run, replayed ('${config.search.replay}') through ` +
      `E ${config.search.exponentBits.min}-${config.search.exponentBits.max}, M ${config.search.mantissaBits.min}-${config.search.mantissaBits.max} finite floats at the bias fitted to the largest |m| and b-1..b+3, plus ${config.search.standardFormats.join(', ')}; ` +
      `the narrowest with extra unchanged fraction <= ${config.search.tolerances.extraUnchangedFraction} and flip disagreement <= ${config.search.tolerances.flipDisagreement} (tolerances reconstructed: the paper does not publish them)` +
      (config.search.requireRange ? ' whose largest value also covers the largest logged |m| (added criterion: a clipped momentum keeps its sign, so the one-step replay does not see it, but it changes training; \'tolerances only\' is the pick without it)' : '') +
      ' is then trained',
  );
  notes.push(
    `With gamma = ${config.adaptivity} the momentum is still building up during a short run (m grows like gamma t g for t << 1/gamma steps), so its relative change per step shrinks as t grows (about 1/t for a steady gradient): ` +
      'a short run loses fewer updates to a narrow mantissa than a long one, and the searched encoding holds for this run length, not necessarily for a paper-length run',
  );
  notes.push(
    "Memory: 'memory' is @lowbit/training's memoryReport total at the training batch size (1 bit per binary weight, momentum at its packed bits, batch-norm parameters and Adam state, saved activations, 32-bit weight gradients); " +
      "'w/o grads' is papers.md's model for Yayla & Chen (the same without weight gradients, which Bop folds into the momentum as they arrive); " +
      "'weights+state' counts only the weights (1 bit each) and optimizer state, without the batch-size-dependent activations; ratios are float32-momentum memory / this run's",
  );
  notes.push(
    'Literature values (Yayla & Chen, DAC 2022, as summarized in papers.md; not measured here): training memory 2.47x, 2.43x and 2.04x lower for their three BNNs at < 1 % accuracy cost versus 32-bit momentum; ' +
      'the Larq MNIST BNN is reported at 97.62 % after 6 epochs. Their memory ratios depend on their batch sizes and activation accounting, which papers.md does not give',
  );
  return notes;
}
