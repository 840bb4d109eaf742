/**
 * The binarized networks of Yayla & Chen (papers.md section 4) with their datasets, built with
 * binary weights *stored* as ±1 (the parameters Bop owns; batch norm stays float32 for Adam).
 */
import { binaryNet, larqMnistBnn, vgg3, vgg7 } from '@lowbit/models';
import type { Module } from '@lowbit/nn';
import { isBinaryParameter } from '@lowbit/optim';
import type { DatasetName } from '../../training/data.js';

export type YaylaModelName = 'larq-mnist-bnn' | 'vgg3' | 'binarynet' | 'vgg7';

export interface YaylaModelEntry {
  title: string;
  dataset: DatasetName;
  create(seed: number): Module;
}

export const YAYLA_MODELS: Record<YaylaModelName, YaylaModelEntry> = {
  'larq-mnist-bnn': { title: 'Larq MNIST BNN', dataset: 'mnist', create: (seed) => larqMnistBnn({ seed, binaryWeights: 'stored' }) },
  vgg3: { title: 'VGG3', dataset: 'fashion-mnist', create: (seed) => vgg3({ seed, binaryWeights: 'stored' }) },
  binarynet: { title: 'BinaryNet', dataset: 'cifar10', create: (seed) => binaryNet({ seed, binaryWeights: 'stored' }) },
  vgg7: { title: 'VGG7', dataset: 'cifar10', create: (seed) => vgg7({ seed, binaryWeights: 'stored' }) },
};

/** Weights stored in a binary format: the ones the 'binary' route hands to Bop. */
export function countBinaryWeights(model: Module): number {
  return model.namedParameters().reduce((sum, [, parameter]) => sum + (isBinaryParameter(parameter) ? parameter.size : 0), 0);
}
