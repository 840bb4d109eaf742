/**
 * Configs of the Pietrołaj & Blok experiment: which models, data sizes and training recipes, and
 * the variant matrix (the full variant set on LeNet-5, float32 plus the strongest few on the
 * heavier CIFAR networks). The default is a reduced size that fits about an hour on two cores with
 * the wasm backend; ResNet-18 alone costs about a second per training image there.
 */
import { PietrolajConfigError } from './errors.js';
import { FLOAT32_VARIANT, FP8_VARIANTS, findVariant } from './variants.js';

export type PietrolajModelName = 'lenet5' | 'alexnet' | 'resnet18';

export interface PietrolajModelConfig {
  model: PietrolajModelName;
  /** 'cifar10' falls back to Fashion-MNIST padded to 3x32x32 when CIFAR-10 is not on the machine (labelled). */
  dataset: 'mnist' | 'cifar10';
  trainSamples: number;
  testSamples: number;
  /** This model's epochs; default the config's `epochs`. --epochs overrides both. */
  epochs?: number;
  batchSize: number;
  learningRate: number;
  momentum: number;
  /** Steps between recomputations of the dynamic exponent offset. */
  offsetEvery: number;
  /** Float32 batches measured for the static bias (only used when a static-bias variant runs). */
  calibrationBatches: number;
  /** Variant names, 'float32' (the baseline) included. */
  variants: string[];
  /**
   * Record exponent histograms of every point (the report's range charts). Counted in JavaScript
   * over every rounded value, so they double a ResNet-18 step: on for LeNet-5 only by default.
   */
  histograms: boolean;
}

export interface PietrolajConfig {
  /** Epochs of every model that does not set its own (what --epochs replaces). */
  epochs: number;
  /** Binades of headroom above max |x| for the static bias and the dynamic offset (variants may override). */
  margin: number;
  models: PietrolajModelConfig[];
}

const ALL_VARIANTS = [FLOAT32_VARIANT, ...FP8_VARIANTS.map((variant) => variant.name)];
/**
 * The variants carried to the CIFAR networks, chosen before any run: the paper's dynamic exponent
 * offset on the two splits the OCP FP8 standard settled on (E4M3 forward-friendly, E5M2 with the
 * range gradients need). The LeNet-5 table shows how the other techniques compare.
 */
const CIFAR_VARIANTS = [FLOAT32_VARIANT, 'e4m3-offset', 'e5m2-offset'];

/**
 * Sized for about 45 minutes on the shared two-core machine under a load of ~10 (measured per
 * training image: LeNet-5 ~4 ms, AlexNet ~80 ms, ResNet-18 ~1.2 s in 8 bits; 3-5x less when idle).
 */
export const pietrolajConfig: PietrolajConfig = {
  epochs: 2,
  margin: 1,
  models: [
    { model: 'lenet5', dataset: 'mnist', trainSamples: 8_000, testSamples: 2_000, batchSize: 64, learningRate: 0.05, momentum: 0.9, offsetEvery: 10, calibrationBatches: 4, variants: ALL_VARIANTS, histograms: true },
    // No batch norm: PyTorch's default init sits on the loss plateau for ~40 steps at lr 0.03 (0.01 did not leave it in 60 steps).
    { model: 'alexnet', dataset: 'cifar10', trainSamples: 1_500, testSamples: 500, batchSize: 32, learningRate: 0.03, momentum: 0.9, offsetEvery: 10, calibrationBatches: 2, variants: CIFAR_VARIANTS, histograms: false },
    // lr 0.05 at batch 8 diverged in float32 (loss 3 -> 12 in 24 steps); 0.01 is 0.1 at batch 128 scaled down (He et al.'s CIFAR recipe).
    { model: 'resnet18', dataset: 'cifar10', trainSamples: 192, testSamples: 96, epochs: 1, batchSize: 8, learningRate: 0.01, momentum: 0.9, offsetEvery: 4, calibrationBatches: 1, variants: CIFAR_VARIANTS, histograms: false },
  ],
};

/** --quick: a CI smoke size (seconds): every variant on a sliver of MNIST, one 8-bit variant on each CIFAR network. */
export const pietrolajSmokeConfig: PietrolajConfig = {
  epochs: 1,
  margin: 1,
  models: [
    { ...pietrolajConfig.models[0], trainSamples: 256, testSamples: 128, batchSize: 32, offsetEvery: 2, calibrationBatches: 1 },
    { ...pietrolajConfig.models[1], trainSamples: 64, testSamples: 32, batchSize: 32, offsetEvery: 1, calibrationBatches: 1, variants: [FLOAT32_VARIANT, 'e4m3-offset'] },
    { ...pietrolajConfig.models[2], trainSamples: 2, testSamples: 2, batchSize: 2, offsetEvery: 1, calibrationBatches: 1, variants: [FLOAT32_VARIANT, 'e4m3-offset'] },
  ],
};

/** The size of the paper: full training and test sets, every variant on every model, to convergence (days with the wasm backend). */
export const pietrolajPaperConfig: PietrolajConfig = {
  ...pietrolajConfig,
  epochs: 20,
  models: pietrolajConfig.models.map((model) => ({ ...model, epochs: undefined, trainSamples: model.dataset === 'mnist' ? 60_000 : 50_000, testSamples: 10_000, variants: ALL_VARIANTS })),
};

const positiveInteger = (value: unknown) => typeof value === 'number' && Number.isInteger(value) && value >= 1;

/** Checks a config before anything trains (a typo fails at once, not an hour in). */
export function checkConfig(config: PietrolajConfig): void {
  if (!Number.isInteger(config.margin) || Math.abs(config.margin) > 64) throw new PietrolajConfigError('margin', config.margin, 'an integer -64..64', 'binades of headroom above max |x|');
  if (!positiveInteger(config.epochs)) throw new PietrolajConfigError('epochs', config.epochs, 'an integer >= 1');
  for (const model of config.models) {
    const where = `models.${model.model}`;
    for (const field of ['trainSamples', 'testSamples', 'batchSize', 'offsetEvery', 'calibrationBatches'] as const) {
      if (!positiveInteger(model[field])) throw new PietrolajConfigError(`${where}.${field}`, model[field], 'an integer >= 1');
    }
    if (model.epochs !== undefined && !positiveInteger(model.epochs)) throw new PietrolajConfigError(`${where}.epochs`, model.epochs, 'an integer >= 1 or undefined (the config epochs)');
    if (!model.variants.includes(FLOAT32_VARIANT)) {
      throw new PietrolajConfigError(`${where}.variants`, model.variants, `a list that includes '${FLOAT32_VARIANT}'`, 'the deltas are taken against the float32 run of the same model');
    }
    for (const name of model.variants) if (name !== FLOAT32_VARIANT) findVariant(name);
    if (new Set(model.variants).size !== model.variants.length) throw new PietrolajConfigError(`${where}.variants`, model.variants, 'names without repetition');
  }
}

/** Epochs a model trains: --epochs, else the model's own, else the config's. */
export function modelEpochs(model: PietrolajModelConfig, config: PietrolajConfig, override: number | undefined): number {
  return override ?? model.epochs ?? config.epochs;
}
