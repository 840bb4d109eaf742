/**
 * Config and variants of the `rct` experiment (papers.md section 3, Huang et al., "RCT: Resource
 * Constrained Training for Edge AI"): float32, QAT (8-bit fixed-point weights rounded from a
 * float32 master copy) and RCT (weights stored only as fixed-point integers whose per-layer width
 * follows the update size, no master copy), on LeNet-5/MNIST and a CIFAR-10 network.
 */
import { fixedPointFormat } from '@lowbit/formats';
import type { LayerQuantization, Module, QuantizationPlan } from '@lowbit/nn';
import { cifar10Quick, lenet5 } from '@lowbit/models';
import { rctController, type PrecisionController, type RctOptions } from '@lowbit/training';

export type RctNetworkName = 'lenet5' | 'cifar10Quick';

export interface RctNetworkConfig {
  network: RctNetworkName;
  /** 'cifar10' uses the --cifar10 folder, else Fashion-MNIST padded to 3x32x32 (labelled as a substitute). */
  dataset: 'mnist' | 'cifar10';
  trainSamples: number;
  testSamples: number;
  batchSize: number;
  learningRate: number;
  momentum: number;
  /** Adds an RCT run whose weight updates round stochastically (the paper's optional Q). */
  stochasticVariant: boolean;
}

/** RCT's controller settings (papers.md R), recorded in the results as given to `rctController`. */
export interface RctControllerConfig {
  /** K: steps per Gavg window and decision. */
  interval: number;
  /** T_min: Gavg below it adds a bit. */
  lowerThreshold: number;
  /** T_max: Gavg above it drops a bit. */
  upperThreshold: number;
  minBits: number;
  maxBits: number;
  initialBits: number;
  /** Range above the initial max |w| in powers of two (the range is fixed when training starts). */
  headroomBits: number;
}

export interface RctConfig {
  networks: RctNetworkConfig[];
  /** Epochs of every network (--epochs replaces it). */
  epochs: number;
  rct: RctControllerConfig;
  /** Width of QAT's fixed-point weights, and of the inputs and errors of QAT and RCT. */
  qatWeightBits: number;
  dataBits: number;
}

const controller: RctControllerConfig = { interval: 20, lowerThreshold: 0.5, upperThreshold: 2, minBits: 4, maxBits: 16, initialBits: 8, headroomBits: 2 };

/**
 * The default (full) size: LeNet-5 on all of MNIST for 3 epochs (issue 9's acceptance setup) with
 * both RCT roundings, and cifar10-quick on a 10,000-image subset with nearest RCT only, so that
 * the 7 runs fit in about an hour on 2 shared cores.
 */
export const rctConfig: RctConfig = {
  networks: [
    { network: 'lenet5', dataset: 'mnist', trainSamples: 60_000, testSamples: 10_000, batchSize: 64, learningRate: 0.05, momentum: 0.9, stochasticVariant: true },
    { network: 'cifar10Quick', dataset: 'cifar10', trainSamples: 10_000, testSamples: 2_000, batchSize: 64, learningRate: 0.01, momentum: 0.9, stochasticVariant: false },
  ],
  epochs: 3,
  rct: controller,
  qatWeightBits: 8,
  dataBits: 8,
};

/** --quick: a CI smoke size. K = 4 so that the controller still makes a few decisions in 16 steps. */
export const rctSmokeConfig: RctConfig = {
  ...rctConfig,
  networks: [
    { ...rctConfig.networks[0], trainSamples: 512, testSamples: 256, batchSize: 32 },
    { ...rctConfig.networks[1], trainSamples: 128, testSamples: 64, batchSize: 32 },
  ],
  epochs: 1,
  rct: { ...controller, interval: 4 },
};

export type RctVariantName = 'float32' | 'qat' | 'rct' | 'rct-stochastic';

export interface RctVariant {
  /** `<network>/<variant>`, e.g. 'lenet5/rct'. */
  name: string;
  variant: RctVariantName;
  network: RctNetworkName;
  description: string;
  formats: Record<string, string>;
  plan: QuantizationPlan | undefined;
  /** The RCT controller's options (undefined for float32 and QAT). */
  controller: RctOptions | undefined;
}

/** Per-tensor power-of-two scaled b-bit integers: the inputs and errors of QAT and RCT, and QAT's weights. */
export function integerFormat(bits: number) {
  return fixedPointFormat({ wordBits: bits, fractionBits: 0 });
}

const tensorScale = { kind: 'tensor', rule: 'power-of-two' } as const;

export function rctVariants(config: RctConfig, networkConfig: Pick<RctNetworkConfig, 'network' | 'stochasticVariant'>, seed: number): RctVariant[] {
  const { network } = networkConfig;
  const data = integerFormat(config.dataBits);
  const weights = integerFormat(config.qatWeightBits);
  const dataLabel = `${data.name} (per-tensor power-of-two scale)`;
  // Both quantized runs see the same int8 inputs and errors, so they differ only in how weights are kept.
  const dataRoles = {
    inputs: { format: data, scaling: tensorScale },
    errors: { format: data, rounding: 'stochastic', scaling: tensorScale },
  } as const;
  const qat: LayerQuantization = { ...dataRoles, weights: { format: weights, scaling: tensorScale } } as LayerQuantization;
  const rctOptions = (rounding: 'nearest-even' | 'stochastic'): RctOptions => ({ ...config.rct, cooldown: config.rct.interval, rounding, signal: 'gradient', seed });
  const { minBits, maxBits, initialBits, interval } = config.rct;
  const rctWeights = (rounding: string) => `fixed-point <b, f>, b from ${initialBits} in [${minBits}, ${maxBits}] per layer (K = ${interval}), ${rounding} updates`;
  const rct = (variant: 'rct' | 'rct-stochastic', rounding: 'nearest-even' | 'stochastic'): RctVariant => ({
    name: `${network}/${variant}`,
    variant,
    network,
    description: `RCT: weights stored only as per-layer fixed-point integers with dynamic width (${initialBits} bits at the start, [${minBits}, ${maxBits}], T_min ${config.rct.lowerThreshold}, T_max ${config.rct.upperThreshold}, K ${interval}), ${rounding} updates, no master copy; inputs and errors ${dataLabel}`,
    formats: { weights: rctWeights(rounding), activations: dataLabel, errors: `${dataLabel}, stochastic`, weightGradients: 'float32', master: 'none', biases: 'float32' },
    plan: { layers: dataRoles as LayerQuantization },
    controller: rctOptions(rounding),
  });
  return [
    { name: `${network}/float32`, variant: 'float32', network, description: 'float32 everywhere (baseline)', formats: { weights: 'float32', activations: 'float32', errors: 'float32', weightGradients: 'float32', master: 'float32' }, plan: undefined, controller: undefined },
    {
      name: `${network}/qat`,
      variant: 'qat',
      network,
      description: `QAT: float32 master weights rounded to ${weights.name} (per-tensor power-of-two scale) on every forward pass; inputs and errors ${dataLabel}`,
      formats: { weights: `${weights.name} (per-tensor power-of-two scale)`, activations: dataLabel, errors: `${dataLabel}, stochastic`, weightGradients: 'float32', master: 'float32', biases: 'float32' },
      plan: { layers: qat },
      controller: undefined,
    },
    rct('rct', 'nearest-even'),
    ...(networkConfig.stochasticVariant ? [rct('rct-stochastic', 'stochastic')] : []),
  ];
}

/** The network with the same seed for every variant, so runs differ only in their number formats. */
export function buildNetwork(network: RctNetworkName, seed: number, plan: QuantizationPlan | undefined): Module {
  // PyTorch's initialization for cifar10-quick: Caffe's std 1e-4 conv1 would fix RCT's range (set
  // from the initial max |w|) far below where the trained weights end up.
  return network === 'lenet5' ? lenet5({ seed, quantization: plan }) : cifar10Quick({ seed, quantization: plan, initialization: 'pytorch' });
}

export function buildController(variant: RctVariant): PrecisionController | undefined {
  return variant.controller === undefined ? undefined : rctController(variant.controller);
}

export const NETWORK_LABELS: Record<RctNetworkName, string> = { lenet5: 'LeNet-5', cifar10Quick: 'cifar10-quick' };
