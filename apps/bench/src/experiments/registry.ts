/** Every experiment the CLI knows, in `list` order. Unwritten ones are registered as not implemented, never faked. */
import { UnknownExperimentError } from '../errors.js';
import { microExperiment } from './micro.js';
import { quickExperiment } from './quick.js';
import type { Experiment } from './types.js';

const planned = (name: string, description: string): Experiment => ({ name, description, status: 'not-implemented' });

export const EXPERIMENTS: readonly Experiment[] = [
  quickExperiment,
  microExperiment,
  planned('pietrolaj', 'Pietrołaj & Blok: LeNet-5, AlexNet, ResNet-18 in float32 vs 8-bit float variants (splits, offsets, rounding, overflow)'),
  planned('ortiz', 'Ortiz et al.: 12-bit fixed point SR vs 12-bit float vs local scaling vs 7-bit power of two (MLP, cifar10-quick)'),
  planned('rct', 'RCT: dynamic per-layer bitwidth vs QAT vs float32: accuracy, bitwidths, GEMM energy, parameter memory'),
  planned('yayla', 'Yayla & Chen: BNNs with Bop, momentum in float32/float16/bfloat16/searched encodings: unchanged fraction, memory'),
];

export function experimentNames(): string[] {
  return EXPERIMENTS.map((experiment) => experiment.name);
}

export function findExperiment(name: string): Experiment {
  const experiment = EXPERIMENTS.find((candidate) => candidate.name === name);
  if (experiment === undefined) throw new UnknownExperimentError(name, experimentNames());
  return experiment;
}
