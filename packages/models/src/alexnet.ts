/**
 * AlexNet for CIFAR-10 (32x32x3) in the variant of bearpaw/pytorch-classification
 * (models/cifar/alexnet.py, 2.47M parameters, widely used as "AlexNet on CIFAR"): AlexNet's five
 * convolutions with ImageNet AlexNet's channel counts, shrunk spatially to 32x32 inputs, and one
 * dense layer:
 *   conv 64 11x11 stride 4 padding 5 - ReLU - maxpool 2      32 -> 8 -> 4
 *   conv 192 5x5 padding 2 - ReLU - maxpool 2                 4 -> 2
 *   conv 384 3x3 padding 1 - ReLU
 *   conv 256 3x3 padding 1 - ReLU
 *   conv 256 3x3 padding 1 - ReLU - maxpool 2                 2 -> 1
 *   flatten (256) - fc 10
 * 2,472,266 parameters with biases. The binary layout (`binaryAlexnet`) keeps these layers, drops
 * the biases and ReLUs, puts a batch norm after every layer (after the pool where there is one)
 * and binarizes weights and inputs of every layer except the first and the last (XNOR-Net,
 * BinaryNet): 2,445,312 binary weights, 28,116 real parameters.
 */
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential, type Module } from '@lowbit/nn';
import { buildBinaryNetwork, type BinaryLayerSpec, type BinaryModelOptions } from './binary-builder.js';
import { applyModelQuantization, layerSeed, resolveModelOptions, type ModelOptions } from './options.js';

export type AlexNetOptions = ModelOptions;

const FEATURES = [
  { out: 64, kernel: 11, stride: 4, padding: 5, pool: 2 },
  { out: 192, kernel: 5, stride: 1, padding: 2, pool: 2 },
  { out: 384, kernel: 3, stride: 1, padding: 1 },
  { out: 256, kernel: 3, stride: 1, padding: 1 },
  { out: 256, kernel: 3, stride: 1, padding: 1, pool: 2 },
] as const;

export function alexnet(options: AlexNetOptions = {}): Sequential {
  const { classes, seed, quantization } = resolveModelOptions('alexnet', options);
  const layers: Record<string, Module> = {};
  let channels = 3;
  FEATURES.forEach((layer, index) => {
    const name = `conv${index + 1}`;
    layers[name] = new Conv2d({ inChannels: channels, outChannels: layer.out, kernelSize: layer.kernel, stride: layer.stride, padding: layer.padding, seed: layerSeed(seed, name) });
    layers[`relu${index + 1}`] = new ReLU();
    if ('pool' in layer) layers[`pool${index + 1}`] = new MaxPool2d({ kernelSize: layer.pool });
    channels = layer.out;
  });
  layers.flatten = new Flatten();
  layers.fc = new Linear({ inFeatures: 256, outFeatures: classes, seed: layerSeed(seed, 'fc') });
  const model = new Sequential(layers);
  applyModelQuantization(model, {}, quantization);
  return model;
}

/**
 * The binary AlexNet layout: alexnet's layers, first and last real, the rest binary (weights and
 * inputs), batch norm after each layer (PyTorch's affine batch norm, as the real model is
 * PyTorch's), no biases. Binary weights latent or stored, as every BNN here.
 */
export function binaryAlexnet(options: BinaryModelOptions = {}): Sequential {
  const layers: BinaryLayerSpec[] = [...FEATURES.map((layer): BinaryLayerSpec => ({ kind: 'conv', ...layer })), { kind: 'linear', out: 10 }];
  return buildBinaryNetwork(
    { model: 'binaryAlexnet', inputShape: [3, 32, 32], layers, first: 'real', last: 'real', initializer: 'pytorch', batchNorm: { scale: true, eps: 1e-5, momentum: 0.1 } },
    options,
  );
}
