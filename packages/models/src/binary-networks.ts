/**
 * The binarized networks of Yayla & Chen (papers.md, method 4), as tables for buildBinaryNetwork.
 * Sources and reconstructions are in the README; each comment says where a choice comes from.
 */
import type { Sequential } from '@lowbit/nn';
import { ArgumentError, type Padding } from '@lowbit/tensor';
import { buildBinaryNetwork, type BinaryLayerSpec, type BinaryModelOptions } from './binary-builder.js';

/** Keras' BatchNormalization defaults in PyTorch terms: eps 1e-3, momentum 1 - 0.99. */
const KERAS_BATCH_NORM = { scale: false, eps: 1e-3, momentum: 0.01 };
/** PyTorch's BatchNorm defaults (the Yayla group's code is PyTorch). */
const PYTORCH_BATCH_NORM = { scale: true, eps: 1e-5, momentum: 0.1 };

const LARQ_MNIST_LAYERS: readonly BinaryLayerSpec[] = [
  { kind: 'conv', out: 32, kernel: 3, pool: 2 },
  { kind: 'conv', out: 64, kernel: 3, pool: 2 },
  { kind: 'conv', out: 64, kernel: 3 },
  { kind: 'linear', out: 64 },
  { kind: 'linear', out: 10 },
];

/**
 * The convolutional body BinaryNet and VGG7 share, 2x128C3-MP2-2x256C3-MP2-2x512C3-MP2: 3x3
 * convolutions padded by 1 except the first, whose padding is `firstPadding`.
 */
function cifarConvolutions(firstPadding: Padding): BinaryLayerSpec[] {
  return [
    { kind: 'conv', out: 128, kernel: 3, padding: firstPadding },
    { kind: 'conv', out: 128, kernel: 3, padding: 1, pool: 2 },
    { kind: 'conv', out: 256, kernel: 3, padding: 1 },
    { kind: 'conv', out: 256, kernel: 3, padding: 1, pool: 2 },
    { kind: 'conv', out: 512, kernel: 3, padding: 1 },
    { kind: 'conv', out: 512, kernel: 3, padding: 1, pool: 2 },
  ];
}

/**
 * The BNN of Larq's "Introduction to BNNs with Larq" (MNIST, 28x28x1): binary conv 32 3x3 (real
 * inputs) - maxpool 2 - BN, conv 64 - maxpool - BN, conv 64 - BN, flatten, dense 64 - BN, dense 10
 * - BN; no biases, batch norms without scale (Keras scale=False, eps 1e-3, momentum 0.99). Larq's
 * final softmax is left to the loss (crossEntropy). 93,088 binary weights, 234 batch-norm shifts,
 * 468 running statistics: Larq's published summary.
 */
export function larqMnistBnn(options: BinaryModelOptions = {}): Sequential {
  return buildBinaryNetwork(
    { model: 'larqMnistBnn', inputShape: [1, 28, 28], layers: LARQ_MNIST_LAYERS, first: 'binary-weights', last: 'binary', initializer: 'glorot', batchNorm: KERAS_BATCH_NORM },
    options,
  );
}

/**
 * BinaryNet for CIFAR-10 (Courbariaux, Hubara et al. 2016: 2x128C3-MP2-2x256C3-MP2-2x512C3-MP2-
 * 2x1024FC-10) in the layout of Larq's "BinaryNet on CIFAR10" example, whose count the issue quotes:
 * the first convolution is unpadded (32 -> 30), the others 'same', so the last pool leaves 3x3x512
 * = 4608 features and there are 10,352,000 binary weights (all nine layers; first layer real
 * inputs). The original Theano code pads the first convolution too: `firstPadding: 'same'` gives
 * that layout (4x4x512 = 8192 features, 14,022,016 binary weights). Batch norm after every layer,
 * without scale, eps 1e-3, momentum 0.001 (Keras momentum 0.999, Larq's example).
 */
export function binaryNet(options: BinaryModelOptions & { firstPadding?: 'valid' | 'same' } = {}): Sequential {
  const { firstPadding = 'valid', ...rest } = options;
  if (firstPadding !== 'valid' && firstPadding !== 'same') {
    throw new ArgumentError('binaryNet', 'firstPadding', firstPadding, "'valid' (Larq's example, 10,352,000 binary weights) or 'same' (the original Theano layout)");
  }
  const layers: BinaryLayerSpec[] = [
    ...cifarConvolutions(firstPadding === 'same' ? 1 : 'valid'),
    { kind: 'linear', out: 1024 },
    { kind: 'linear', out: 1024 },
    { kind: 'linear', out: 10 },
  ];
  return buildBinaryNetwork(
    { model: 'binaryNet', inputShape: [3, 32, 32], layers, first: 'binary-weights', last: 'binary', initializer: 'glorot', batchNorm: { ...KERAS_BATCH_NORM, momentum: 0.001 } },
    rest,
  );
}

/**
 * VGG3 for Fashion-MNIST (Yayla group: conv64-conv64-fc2048-fc10), reconstructed (R): 3x3
 * convolutions with padding 1, each followed by maxpool 2 and batch norm (28 -> 14 -> 7, so
 * 7x7x64 = 3136 features), dense 2048 - BN, dense 10 - BN. All weights binary, first layer real
 * inputs; PyTorch batch norm (scale and shift) and initialization.
 */
export function vgg3(options: BinaryModelOptions = {}): Sequential {
  const layers: BinaryLayerSpec[] = [
    { kind: 'conv', out: 64, kernel: 3, padding: 1, pool: 2 },
    { kind: 'conv', out: 64, kernel: 3, padding: 1, pool: 2 },
    { kind: 'linear', out: 2048 },
    { kind: 'linear', out: 10 },
  ];
  return buildBinaryNetwork({ model: 'vgg3', inputShape: [1, 28, 28], layers, first: 'binary-weights', last: 'binary', initializer: 'pytorch', batchNorm: PYTORCH_BATCH_NORM }, options);
}

/**
 * VGG7 for CIFAR-10 (Yayla group), reconstructed (R) as 2x128C3-MP2-2x256C3-MP2-2x512C3-MP2-
 * 1024FC-10: BinaryNet with one dense layer fewer, every convolution padded (32 -> 16 -> 8 -> 4,
 * 4x4x512 = 8192 features). Batch norm after every layer; all weights binary, first layer real
 * inputs; PyTorch batch norm and initialization.
 */
export function vgg7(options: BinaryModelOptions = {}): Sequential {
  const layers: BinaryLayerSpec[] = [...cifarConvolutions(1), { kind: 'linear', out: 1024 }, { kind: 'linear', out: 10 }];
  return buildBinaryNetwork({ model: 'vgg7', inputShape: [3, 32, 32], layers, first: 'binary-weights', last: 'binary', initializer: 'pytorch', batchNorm: PYTORCH_BATCH_NORM }, options);
}
