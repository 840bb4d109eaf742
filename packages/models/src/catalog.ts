/**
 * Every model with the input it expects and its dataset, for tools that pick a model by name
 * (the bench CLI's `--model lenet5`) and for the table-driven tests.
 */
import type { Sequential } from '@lowbit/nn';
import { alexnet, binaryAlexnet } from './alexnet.js';
import { binaryNet, larqMnistBnn, vgg3, vgg7 } from './binary-networks.js';
import { cifar10Quick } from './cifar10-quick.js';
import { lenet5 } from './lenet.js';
import { mlp } from './mlp.js';
import type { ModelOptions } from './options.js';
import { resnet18 } from './resnet.js';

export interface ModelEntry {
  create: (options?: ModelOptions) => Sequential;
  /** One sample: [channels, height, width] ([784] would also do for mlp). */
  inputShape: readonly [number, number, number];
  dataset: 'mnist' | 'fashion-mnist' | 'cifar-10';
  /** Which method of papers.md uses it. */
  paper: 'pietrolaj-blok' | 'ortiz' | 'yayla-chen';
  /** Binarized network (binary weights and activations). */
  binary: boolean;
}

export const MODELS = {
  lenet5: { create: lenet5, inputShape: [1, 28, 28], dataset: 'mnist', paper: 'pietrolaj-blok', binary: false },
  alexnet: { create: alexnet, inputShape: [3, 32, 32], dataset: 'cifar-10', paper: 'pietrolaj-blok', binary: false },
  binaryAlexnet: { create: binaryAlexnet, inputShape: [3, 32, 32], dataset: 'cifar-10', paper: 'yayla-chen', binary: true },
  resnet18: { create: resnet18, inputShape: [3, 32, 32], dataset: 'cifar-10', paper: 'pietrolaj-blok', binary: false },
  mlp: { create: mlp, inputShape: [1, 28, 28], dataset: 'mnist', paper: 'ortiz', binary: false },
  cifar10Quick: { create: cifar10Quick, inputShape: [3, 32, 32], dataset: 'cifar-10', paper: 'ortiz', binary: false },
  binaryNet: { create: binaryNet, inputShape: [3, 32, 32], dataset: 'cifar-10', paper: 'yayla-chen', binary: true },
  larqMnistBnn: { create: larqMnistBnn, inputShape: [1, 28, 28], dataset: 'mnist', paper: 'yayla-chen', binary: true },
  vgg3: { create: vgg3, inputShape: [1, 28, 28], dataset: 'fashion-mnist', paper: 'yayla-chen', binary: true },
  vgg7: { create: vgg7, inputShape: [3, 32, 32], dataset: 'cifar-10', paper: 'yayla-chen', binary: true },
} as const satisfies Record<string, ModelEntry>;

export type ModelName = keyof typeof MODELS;
