import { applyQuantization, type Conv2d } from '@lowbit/nn';
import { describe, expect, it } from 'vitest';
import { resnet18 } from './resnet.js';

describe('resnet18', () => {
  it('has torchvision-shaped stages: projection shortcuts exactly where the stride or the channels change', () => {
    const model = resnet18({ seed: 1 });
    expect(model.children().map(([name]) => name)).toEqual(['conv1', 'bn1', 'relu', 'layer1', 'layer2', 'layer3', 'layer4', 'avgpool', 'fc']);
    const shortcuts = model.namedParameters().filter(([name]) => name.includes('shortcut.conv'));
    expect(shortcuts.map(([name, parameter]) => [name, parameter.shape])).toEqual([
      ['layer2.0.residual.shortcut.conv.weight', [128, 64, 1, 1]],
      ['layer3.0.residual.shortcut.conv.weight', [256, 128, 1, 1]],
      ['layer4.0.residual.shortcut.conv.weight', [512, 256, 1, 1]],
    ]);
    expect((model.module('layer2.0.residual.main.conv1') as Conv2d).stride).toEqual([2, 2]);
    expect(model.namedParameters().filter(([name]) => name.endsWith('.bias') && !name.includes('bn') && name !== 'fc.bias')).toEqual([]);
  });

  it("initializes convolutions with torchvision's Kaiming normal (fan out, ReLU gain)", () => {
    const weight = resnet18({ seed: 2 }).module('layer1.0.residual.main.conv1').ownParameters()[0][1].toArray();
    const std = Math.sqrt(weight.reduce((sum, value) => sum + value * value, 0) / weight.length);
    expect(std).toBeCloseTo(Math.sqrt(2 / (64 * 9)), 2);
  });

  it('the ImageNet stem: 7x7 stride 2 and a 3x3 stride-2 max pool; a plan reaches the eight residual sums by type', () => {
    const model = resnet18({ seed: 1, stem: 'imagenet' });
    expect(model.children().slice(0, 4).map(([name]) => name)).toEqual(['conv1', 'bn1', 'relu', 'maxpool']);
    expect((model.module('conv1') as Conv2d).kernelSize).toEqual([7, 7]);
    expect(applyQuantization(model, { types: { Residual: { outputs: 'float8_e4m3fn', errors: 'float8_e5m2' } } })).toHaveLength(8);
    expect(() => resnet18({ stem: 'tiny' as never })).toThrow("resnet18: invalid stem: \"tiny\" (allowed: 'cifar'");
  });
});
