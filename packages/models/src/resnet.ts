/**
 * ResNet-18 (He et al. 2016) with basic blocks. The CIFAR variant (default, `stem: 'cifar'`, the
 * usual one for 32x32 inputs, as in kuangliu/pytorch-cifar) starts with a 3x3 stride-1 convolution
 * of 64 channels and no max pool; `stem: 'imagenet'` is torchvision's 7x7 stride-2 convolution
 * (padding 3) and 3x3 stride-2 max pool (padding 1). Then four stages of two basic blocks with
 * 64, 128, 256, 512 channels (stride 2 at the first block of stages 2-4), global average pool and
 * one dense layer. A basic block is conv 3x3 - BN - ReLU - conv 3x3 - BN, plus the shortcut
 * (identity, or 1x1 convolution + BN when the stride or the channels change), then ReLU.
 * Convolutions have no bias; 11,173,962 parameters with 10 classes (CIFAR stem), 11,689,512 with
 * the ImageNet stem and 1000 classes (torchvision's resnet18).
 *
 * Names: `layer2.0.residual.main.conv1.weight` is torchvision's `layer2.0.conv1.weight`,
 * `layer2.0.residual.shortcut.conv.weight` its `layer2.0.downsample.0.weight`. The sum is an
 * @lowbit/nn Residual, so a plan reaches it by type (`types: { Residual: { outputs, errors } }`).
 * Initialization is torchvision's: Kaiming normal (fan out, ReLU gain) for convolutions, batch
 * norm weight 1 and bias 0, PyTorch's default for the dense layer.
 */
import { BatchNorm2d, Conv2d, GlobalAvgPool2d, Linear, MaxPool2d, ReLU, Residual, Sequential, kaimingNormal, type Initializer, type Module } from '@lowbit/nn';
import { ArgumentError } from '@lowbit/tensor';
import { applyModelQuantization, layerSeed, resolveModelOptions, type ModelOptions } from './options.js';

export interface ResNet18Options extends ModelOptions {
  /** 'cifar' (default): 3x3 stride-1 stem, no max pool; 'imagenet': 7x7 stride-2 stem and 3x3 stride-2 max pool. */
  stem?: 'cifar' | 'imagenet';
}

const kaimingFanOut: Initializer = (shape, { seed }) => kaimingNormal(shape, { mode: 'fanOut', nonlinearity: 'relu', seed });

const STAGES = [
  { channels: 64, stride: 1 },
  { channels: 128, stride: 2 },
  { channels: 256, stride: 2 },
  { channels: 512, stride: 2 },
] as const;

export function resnet18(options: ResNet18Options = {}): Sequential {
  const { classes, seed, quantization } = resolveModelOptions('resnet18', options, ['stem']);
  const stem = options.stem ?? 'cifar';
  if (stem !== 'cifar' && stem !== 'imagenet') throw new ArgumentError('resnet18', 'stem', stem, "'cifar' (3x3 convolution, no max pool; 32x32 inputs) or 'imagenet' (7x7 stride 2 and max pool; 224x224 inputs)");
  const conv = (name: string, inChannels: number, outChannels: number, kernelSize: number, stride: number) =>
    new Conv2d({ inChannels, outChannels, kernelSize, stride, padding: (kernelSize - 1) / 2, bias: false, weightInitializer: kaimingFanOut, seed: layerSeed(seed, name) });

  const layers: Record<string, Module> =
    stem === 'cifar'
      ? { conv1: conv('conv1', 3, 64, 3, 1), bn1: new BatchNorm2d({ numFeatures: 64 }), relu: new ReLU() }
      : { conv1: conv('conv1', 3, 64, 7, 2), bn1: new BatchNorm2d({ numFeatures: 64 }), relu: new ReLU(), maxpool: new MaxPool2d({ kernelSize: 3, stride: 2, padding: 1 }) };
  let channels = 64;
  STAGES.forEach((stage, index) => {
    const stageName = `layer${index + 1}`;
    const blocks = [0, 1].map((block) => {
      const path = `${stageName}.${block}.residual`;
      const stride = block === 0 ? stage.stride : 1;
      const main = new Sequential({
        conv1: conv(`${path}.main.conv1`, channels, stage.channels, 3, stride),
        bn1: new BatchNorm2d({ numFeatures: stage.channels }),
        relu: new ReLU(),
        conv2: conv(`${path}.main.conv2`, stage.channels, stage.channels, 3, 1),
        bn2: new BatchNorm2d({ numFeatures: stage.channels }),
      });
      const projection = stride !== 1 || channels !== stage.channels;
      const shortcut = projection ? new Sequential({ conv: conv(`${path}.shortcut.conv`, channels, stage.channels, 1, stride), bn: new BatchNorm2d({ numFeatures: stage.channels }) }) : undefined;
      channels = stage.channels;
      return new Sequential({ residual: new Residual({ main, shortcut }), relu: new ReLU() });
    });
    layers[stageName] = new Sequential(...blocks);
  });
  layers.avgpool = new GlobalAvgPool2d();
  layers.fc = new Linear({ inFeatures: 512, outFeatures: classes, seed: layerSeed(seed, 'fc') });
  const model = new Sequential(layers);
  applyModelQuantization(model, {}, quantization);
  return model;
}
