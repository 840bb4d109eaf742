/**
 * @lowbit/models: the networks of the paper reproductions (papers.md) as seeded @lowbit/nn
 * Sequentials that take a quantization plan: LeNet-5, AlexNet for CIFAR-10 and its binary layout,
 * ResNet-18 (CIFAR and ImageNet stems), BinaryNet, the Larq MNIST BNN, VGG3 and VGG7 BNNs, the
 * Ortiz MLP and Caffe's cifar10_quick; and a Larq-style `summary` (output shapes, parameters by
 * bit width, memory, MACs per precision). Architectures only: no training, no data.
 */
export { lenet5, type LeNet5Options } from './lenet.js';
export { alexnet, binaryAlexnet, type AlexNetOptions } from './alexnet.js';
export { resnet18, type ResNet18Options } from './resnet.js';
export { binaryNet, larqMnistBnn, vgg3, vgg7 } from './binary-networks.js';
export { mlp, type MlpOptions } from './mlp.js';
export { cifar10Quick, type Cifar10QuickOptions } from './cifar10-quick.js';
export type { BinaryModelOptions } from './binary-builder.js';
export { ShiftOnlyBatchNorm1d, ShiftOnlyBatchNorm2d, type ShiftOnlyBatchNormOptions, type ModelBatchNormOptions } from './batch-norm.js';
export type { ModelOptions, ModelQuantization } from './options.js';
export { MODELS, type ModelEntry, type ModelName } from './catalog.js';
export { summary, countParameters, type ModelSummary, type LayerSummary, type SummaryTotals, type SummaryOptions, type ByBits } from './summary/summary.js';
export { renderSummary, type RenderSummaryOptions } from './summary/render.js';
