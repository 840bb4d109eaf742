/**
 * Caffe's `cifar10_quick` (examples/cifar10/cifar10_quick_train_test.prototxt), the small CIFAR-10
 * CNN that papers.md reconstructs (R) for Ortiz et al.:
 *   conv1 32 5x5 pad 2 - pool1 MAX 3x3 stride 2 - relu1      32 -> 16
 *   conv2 32 5x5 pad 2 - relu2 - pool2 AVE 3x3 stride 2      16 -> 8
 *   conv3 64 5x5 pad 2 - relu3 - pool3 AVE 3x3 stride 2       8 -> 4
 *   ip1 64 - ip2 10 (no nonlinearity between them, as in Caffe)
 * Caffe sizes pooling outputs with ceil((in - 3) / 2) + 1, so 32 -> 16, not PyTorch's floor (15).
 * @lowbit/nn has no ceil mode; one cell of padding after each window row and column gives the same
 * windows, and because padded cells never win a max and are not counted in an average (Caffe also
 * divides a clipped border window by its clipped size), the values are Caffe's too. 4x4x64 = 1024
 * features reach ip1: 145,578 parameters. Initialization (`initialization: 'caffe'`, default) is
 * the prototxt's gaussian fillers (std 1e-4 for conv1, 0.01 for conv2 and conv3, 0.1 for ip1 and
 * ip2) with zero biases; 'pytorch' uses PyTorch's defaults.
 */
import { AvgPool2d, Conv2d, Linear, MaxPool2d, ReLU, Sequential, Flatten, normal, zeros, type Initializer } from '@lowbit/nn';
import { ArgumentError } from '@lowbit/tensor';
import { applyModelQuantization, layerSeed, resolveModelOptions, type ModelOptions } from './options.js';

export interface Cifar10QuickOptions extends ModelOptions {
  /** 'caffe' (default): the prototxt's gaussian fillers and zero biases; 'pytorch': PyTorch's defaults. */
  initialization?: 'caffe' | 'pytorch';
}

/** Pads one cell after the rows and columns: ceil-mode windows for 3x3 stride-2 pooling of an even size. */
const CEIL_MODE_PADDING = [0, 1, 0, 1] as const;

export function cifar10Quick(options: Cifar10QuickOptions = {}): Sequential {
  const { classes, seed, quantization } = resolveModelOptions('cifar10Quick', options, ['initialization']);
  const initialization = options.initialization ?? 'caffe';
  if (initialization !== 'caffe' && initialization !== 'pytorch') throw new ArgumentError('cifar10Quick', 'initialization', initialization, "'caffe' (the prototxt's gaussian fillers) or 'pytorch'");
  const fillers = (stddev: number): { weightInitializer?: Initializer; biasInitializer?: Initializer } =>
    initialization === 'pytorch' ? {} : { weightInitializer: (shape, { seed: s }) => normal(shape, { stddev, seed: s }), biasInitializer: (shape) => zeros(shape) };
  const conv = (name: string, inChannels: number, outChannels: number, stddev: number) =>
    new Conv2d({ inChannels, outChannels, kernelSize: 5, padding: 2, seed: layerSeed(seed, name), ...fillers(stddev) });
  const pool = { kernelSize: 3, stride: 2, padding: CEIL_MODE_PADDING };
  const model = new Sequential({
    conv1: conv('conv1', 3, 32, 1e-4),
    pool1: new MaxPool2d(pool),
    relu1: new ReLU(),
    conv2: conv('conv2', 32, 32, 0.01),
    relu2: new ReLU(),
    pool2: new AvgPool2d(pool),
    conv3: conv('conv3', 32, 64, 0.01),
    relu3: new ReLU(),
    pool3: new AvgPool2d(pool),
    flatten: new Flatten(),
    ip1: new Linear({ inFeatures: 64 * 4 * 4, outFeatures: 64, seed: layerSeed(seed, 'ip1'), ...fillers(0.1) }),
    ip2: new Linear({ inFeatures: 64, outFeatures: classes, seed: layerSeed(seed, 'ip2'), ...fillers(0.1) }),
  });
  applyModelQuantization(model, {}, quantization);
  return model;
}
