/**
 * LeNet-5 for MNIST (28x28x1), the modern form Pietrołaj & Blok's LeNet experiments imply: conv 6
 * 5x5 with padding 2 (so 28x28 inputs keep LeCun's 32x32 geometry) - ReLU - maxpool 2, conv 16 5x5
 * - ReLU - maxpool 2, flatten (16x5x5 = 400), fc 120 - ReLU, fc 84 - ReLU, fc 10. With biases
 * everywhere this is exactly 61,706 parameters (156 + 2,416 + 48,120 + 10,164 + 850); LeCun's
 * original C3 with its partial connection table, or no padding on 28x28 inputs, would not be.
 * PyTorch's default initialization.
 */
import { Conv2d, Flatten, Linear, MaxPool2d, ReLU, Sequential } from '@lowbit/nn';
import { applyModelQuantization, layerSeed, resolveModelOptions, type ModelOptions } from './options.js';

export type LeNet5Options = ModelOptions;

export function lenet5(options: LeNet5Options = {}): Sequential {
  const { classes, seed, quantization } = resolveModelOptions('lenet5', options);
  const model = new Sequential({
    conv1: new Conv2d({ inChannels: 1, outChannels: 6, kernelSize: 5, padding: 2, seed: layerSeed(seed, 'conv1') }),
    relu1: new ReLU(),
    pool1: new MaxPool2d({ kernelSize: 2 }),
    conv2: new Conv2d({ inChannels: 6, outChannels: 16, kernelSize: 5, seed: layerSeed(seed, 'conv2') }),
    relu2: new ReLU(),
    pool2: new MaxPool2d({ kernelSize: 2 }),
    flatten: new Flatten(),
    fc1: new Linear({ inFeatures: 16 * 5 * 5, outFeatures: 120, seed: layerSeed(seed, 'fc1') }),
    relu3: new ReLU(),
    fc2: new Linear({ inFeatures: 120, outFeatures: 84, seed: layerSeed(seed, 'fc2') }),
    relu4: new ReLU(),
    fc3: new Linear({ inFeatures: 84, outFeatures: classes, seed: layerSeed(seed, 'fc3') }),
  });
  applyModelQuantization(model, {}, quantization);
  return model;
}
