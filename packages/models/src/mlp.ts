/**
 * The multilayer perceptron of the Ortiz et al. MNIST reference numbers (papers.md, method 2):
 * 784-1000-1000-10 as in the group's earlier Caffe code (marcortiz11/decaffeinato,
 * models/mnist/solvers/NET.prototxt): inner products ip1 1000 - ReLU - ip2 1000 - ReLU - ip3 10,
 * with biases, 1,796,010 parameters; weights from a gaussian with std 0.01 and zero biases
 * (`initialization: 'caffe'`, default) or PyTorch's defaults. Inputs may be flat [N, 784] or
 * images [N, 1, 28, 28]: a Flatten comes first. Sizes are configurable.
 */
import { Flatten, Linear, ReLU, Sequential, normal, zeros, type Initializer, type Module } from '@lowbit/nn';
import { ArgumentError } from '@lowbit/tensor';
import { applyModelQuantization, layerSeed, positiveInteger, resolveModelOptions, type ModelOptions } from './options.js';

export interface MlpOptions extends ModelOptions {
  /** Features of one flattened sample. Default 784 (28x28). */
  inputFeatures?: number;
  /** Widths of the hidden layers, each followed by ReLU. Default [1000, 1000]. */
  hiddenFeatures?: readonly number[];
  /** 'caffe' (default): N(0, 0.01^2) weights and zero biases, as the reference prototxt; 'pytorch': PyTorch's defaults. */
  initialization?: 'caffe' | 'pytorch';
}

const caffeWeights: Initializer = (shape, { seed }) => normal(shape, { stddev: 0.01, seed });
const zeroBiases: Initializer = (shape) => zeros(shape);

export function mlp(options: MlpOptions = {}): Sequential {
  const { classes, seed, quantization } = resolveModelOptions('mlp', options, ['inputFeatures', 'hiddenFeatures', 'initialization']);
  const inputFeatures = options.inputFeatures ?? 784;
  const hidden = options.hiddenFeatures ?? [1000, 1000];
  const initialization = options.initialization ?? 'caffe';
  if (!positiveInteger(inputFeatures)) throw new ArgumentError('mlp', 'inputFeatures', inputFeatures, 'a positive integer (784 for 28x28 images)');
  if (!Array.isArray(hidden) || !hidden.every(positiveInteger)) throw new ArgumentError('mlp', 'hiddenFeatures', hidden, 'an array of positive integers (may be empty: a linear classifier)');
  if (initialization !== 'caffe' && initialization !== 'pytorch') throw new ArgumentError('mlp', 'initialization', initialization, "'caffe' (N(0, 0.01^2) weights, zero biases) or 'pytorch'");
  const initializers = initialization === 'caffe' ? { weightInitializer: caffeWeights, biasInitializer: zeroBiases } : {};
  const layers: Record<string, Module> = { flatten: new Flatten() };
  const widths = [inputFeatures, ...hidden, classes];
  for (let i = 1; i < widths.length; i++) {
    const name = `ip${i}`;
    layers[name] = new Linear({ inFeatures: widths[i - 1], outFeatures: widths[i], seed: layerSeed(seed, name), ...initializers });
    if (i < widths.length - 1) layers[`relu${i}`] = new ReLU();
  }
  const model = new Sequential(layers);
  applyModelQuantization(model, {}, quantization);
  return model;
}
