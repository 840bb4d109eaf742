import { relu, type Variable } from '@lowbit/autograd';
import { BatchNorm2d, Conv2d, Flatten, Linear, Module, Sequential, quantizationPoints } from '@lowbit/nn';
import { describe, expect, it } from 'vitest';
import { binaryNet, larqMnistBnn } from '../binary-networks.js';
import { lenet5 } from '../lenet.js';
import { resnet18 } from '../resnet.js';
import { renderSummary } from './render.js';
import { summary } from './summary.js';

const KiB = 8 * 1024;

describe('summary of LeNet-5', () => {
  it('MACs per layer by hand: output positions x weight values', () => {
    const result = summary(lenet5({ seed: 1 }), [1, 28, 28]);
    const macs = Object.fromEntries(result.layers.filter((layer) => Object.keys(layer.macs ?? {}).length > 0).map((layer) => [layer.name, layer.macs]));
    expect(macs).toEqual({
      conv1: { 32: 6 * 28 * 28 * (1 * 5 * 5) }, // 117,600
      conv2: { 32: 16 * 10 * 10 * (6 * 5 * 5) }, // 240,000
      fc1: { 32: 400 * 120 },
      fc2: { 32: 120 * 84 },
      fc3: { 32: 84 * 10 },
    });
    expect(result.totals.macs).toBe(416_520);
    expect(result.totals.binaryMacFraction).toBe(0);
  });

  it('output shapes, parameters and memory per layer in float32', () => {
    const result = summary(lenet5({ seed: 1 }), [1, 28, 28]);
    const row = (name: string) => result.layers.find((layer) => layer.name === name)!;
    expect(result.layers.map((layer) => layer.name)).toEqual(['conv1', 'relu1', 'pool1', 'conv2', 'relu2', 'pool2', 'flatten', 'fc1', 'relu3', 'fc2', 'relu4', 'fc3']);
    expect(row('conv1')).toEqual({ name: 'conv1', type: 'Conv2d', outputShape: [6, 28, 28], inputBits: undefined, parameters: { 32: 156 }, trainable: 156, nonTrainable: 0, memoryBits: 156 * 32, macs: { 32: 117_600 } });
    expect(row('pool2').outputShape).toEqual([16, 5, 5]);
    expect(row('flatten').outputShape).toEqual([400]);
    expect(row('relu1')).toMatchObject({ parameters: {}, memoryBits: 0, macs: {} });
    expect(result.totals).toMatchObject({ parameters: 61_706, trainable: 61_706, nonTrainable: 0, parametersByBits: { 32: 61_706 }, memoryBits: 61_706 * 32, compressionRatio: 1 });
  });

  it('an FP8 plan (first and last layer float32) moves weights and MACs to 8 bits; biases stay 32-bit', () => {
    const model = lenet5({ seed: 1, quantization: { weights: 'float8_e4m3fn', inputs: 'float8_e4m3fn', errors: 'float8_e5m2', overrides: { first: 'float32', last: 'float32' } } });
    const result = summary(model, [1, 28, 28]);
    // conv2, fc1, fc2 weights are 8-bit: 2,400 + 48,000 + 10,080; everything else is float32.
    expect(result.totals.parametersByBits).toEqual({ 8: 60_480, 32: 1_226 });
    expect(result.totals.memoryBits).toBe(60_480 * 8 + 1_226 * 32);
    expect(result.totals.macsByBits).toEqual({ 8: 240_000 + 48_000 + 10_080, 32: 117_600 + 840 });
    expect(result.layers.find((layer) => layer.name === 'fc1')!.inputBits).toBe(8);
  });

  it('a weight stored in a format without a master copy counts at that format; MACs at the larger operand', () => {
    const model = new Sequential({ fc: new Linear({ inFeatures: 4, outFeatures: 3, seed: 1, weightStorage: { format: 'float8_e5m2' }, quantization: { inputs: { format: 'float16' } } }) });
    const result = summary(model, [4]);
    expect(result.layers[0]).toMatchObject({ parameters: { 8: 12, 32: 3 }, inputBits: 16, macs: { 16: 12 } });
  });
});

describe('summary of the Larq MNIST BNN against Larq\'s published summary', () => {
  // "Introduction to BNNs with Larq" (larq/docs, docs/larq/tutorials/mnist.ipynb): per layer
  // # 1-bit, # 32-bit (batch-norm shift plus moving mean and variance) and memory in kB (8 * 1024 bits).
  const LARQ = [
    ['conv1', [32, 26, 26], 288, 0, 0.04],
    ['pool1', [32, 13, 13], 0, 0, 0.0],
    ['bn1', [32, 13, 13], 0, 96, 0.38],
    ['conv2', [64, 11, 11], 18_432, 0, 2.25],
    ['pool2', [64, 5, 5], 0, 0, 0.0],
    ['bn2', [64, 5, 5], 0, 192, 0.75],
    ['conv3', [64, 3, 3], 36_864, 0, 4.5],
    ['bn3', [64, 3, 3], 0, 192, 0.75],
    ['flatten', [576], 0, 0, 0.0],
    ['fc1', [64], 36_864, 0, 4.5],
    ['bn4', [64], 0, 192, 0.75],
    ['fc2', [10], 640, 0, 0.08],
    ['bn5', [10], 0, 30, 0.12],
  ] as const;

  it.each(['latent', 'stored'] as const)('every row and the totals match (binary weights %s)', (binaryWeights) => {
    const result = summary(larqMnistBnn({ seed: 1, binaryWeights }), [1, 28, 28]);
    // Larq shows NHWC shapes, (-1, 26, 26, 32); lowbit is NCHW.
    expect(result.layers.map((layer) => [layer.name, layer.outputShape, layer.parameters[1] ?? 0, layer.parameters[32] ?? 0, Number((layer.memoryBits / KiB).toFixed(2))])).toEqual(LARQ);
    expect(result.totals).toMatchObject({ parametersByBits: { 1: 93_088, 32: 702 }, parameters: 93_790, trainable: 93_322, nonTrainable: 468 });
    expect((result.totals.memoryBits / KiB).toFixed(2)).toBe('14.11');
    expect(result.totals.compressionRatio.toFixed(2)).toBe('25.97');
    expect((result.totals.float32MemoryBits / (KiB * 1024)).toFixed(2)).toBe('0.36'); // "Float-32 Equivalent 0.36 MB"
  });

  it('MACs by Larq\'s rule: the first layer\'s are 32-bit (real inputs), the rest 1-bit', () => {
    const result = summary(larqMnistBnn({ seed: 1 }), [1, 28, 28]);
    expect(result.totals.macsByBits).toEqual({ 1: 18_432 * 11 * 11 + 36_864 * 3 * 3 + 36_864 + 640, 32: 288 * 26 * 26 });
    expect(result.totals.macs).toBe(2_794_240); // "2.79 M"
    expect(result.totals.binaryMacFraction.toFixed(4)).toBe('0.9303');
  });
});

describe("summary of BinaryNet against Larq's published summary", () => {
  it('folded batch norm: 10,352,000 1-bit and 7,700 32-bit values, 1293.75 kB, 510,961,664 1-bit and 3,110,400 32-bit MACs', () => {
    // "BinaryNet on CIFAR10" (larq/docs, docs/larq/tutorials/binarynet_cifar10.ipynb), a Larq version
    // that counts a batch norm as two values per channel.
    const result = summary(binaryNet({ seed: 1 }), [3, 32, 32], { batchNorm: 'folded' });
    expect(result.totals).toMatchObject({ parametersByBits: { 1: 10_352_000, 32: 7_700 }, memoryBits: 1293.75 * KiB, macsByBits: { 1: 510_961_664, 32: 3_110_400 }, trainable: 10_352_000, nonTrainable: 7_700 });
    expect(result.totals.binaryMacFraction.toFixed(4)).toBe('0.9939');
    const rows = Object.fromEntries(result.layers.map((layer) => [layer.name, [layer.outputShape, layer.macs]]));
    expect(rows.conv1).toEqual([[128, 30, 30], { 32: 3_110_400 }]);
    expect(rows.pool6).toEqual([[512, 3, 3], {}]);
    expect(rows.fc1).toEqual([[1024], { 1: 4_718_592 }]);
  });

  it('stored batch norm counts the shift and the running statistics: 3 values per channel', () => {
    const result = summary(binaryNet({ seed: 1 }), [3, 32, 32]);
    expect(result.totals).toMatchObject({ parametersByBits: { 1: 10_352_000, 32: 3 * 3_850 }, trainable: 10_355_850, nonTrainable: 7_700 });
  });
});

describe('summary without running the model', () => {
  it('ImageNet ResNet-18 at 224x224: shapes and 1.81 G MACs, with no forward pass', () => {
    const result = summary(resnet18({ seed: 1, stem: 'imagenet', classes: 1000 }), [3, 224, 224]);
    const shape = (name: string) => result.layers.find((layer) => layer.name === name)!.outputShape;
    expect([shape('conv1'), shape('maxpool'), shape('layer4.1.residual.main.bn2'), shape('avgpool'), shape('fc')]).toEqual([[64, 112, 112], [64, 56, 56], [512, 7, 7], [512], [1000]]);
    expect(result.totals.macs).toBe(1_814_073_344); // torchvision resnet18: 1.81 GMACs
  });

  it('leaves batch-norm statistics, modes and quantization points as they were', () => {
    const model = lenet5({ seed: 1, quantization: { weights: { format: 'float8_e4m3fn', rounding: 'stochastic' } } });
    const before = JSON.stringify(model.stateDict(), (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v));
    summary(model, [1, 28, 28]);
    expect(JSON.stringify(model.stateDict(), (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float32Array) : v))).toBe(before);
    expect(model.training).toBe(true);
    expect(quantizationPoints(model).every(({ point }) => point.step === 0)).toBe(true);
  });

  it('runs a module it does not know once on zeros, in evaluation mode, and restores its mode', () => {
    class Custom extends Module {
      readonly conv = this.addModule('conv', new Conv2d({ inChannels: 3, outChannels: 4, kernelSize: 3, seed: 1 }));
      readonly norm = this.addModule('norm', new BatchNorm2d({ numFeatures: 4 }));
      protected compute(x: Variable): Variable {
        return relu(this.norm.forward(this.conv.forward(x)));
      }
    }
    const custom = new Custom();
    const model = new Sequential({ custom, flatten: new Flatten(), fc: new Linear({ inFeatures: 4 * 6 * 6, outFeatures: 2, seed: 2 }) });
    const result = summary(model, [3, 8, 8]);
    // The custom module was run (its shape is known); the layers inside it were not traced.
    expect(result.layers.map((layer) => [layer.name, layer.outputShape])).toEqual([
      ['custom.conv', undefined],
      ['custom.norm', undefined],
      ['flatten', [144]],
      ['fc', [2]],
    ]);
    expect(result.layers[0].macs).toBeUndefined();
    expect(custom.training && custom.norm.training).toBe(true);
    expect(custom.norm.buffer('numBatchesTracked').item()).toBe(0);
  });

  it('names the layer and the shapes when the model does not fit the input', () => {
    expect(() => summary(lenet5({ seed: 1 }), [1, 32, 32])).toThrow('Linear "fc1": expects 400 features on axis -1 of its input, got 576 (input shape [1,576])');
    expect(() => summary(lenet5({ seed: 1 }), [3, 28, 28])).toThrow('Conv2d "conv1": expects 1 channels on axis 1 of its input, got 3');
    expect(() => summary(lenet5({ seed: 1 }), [1, 1, 28, 28] as never)).toThrow('expects input [batch, channels, height, width] (rank 4), got shape [1,1,1,28,28]');
    expect(() => summary(lenet5({ seed: 1 }), [])).toThrow('summary: invalid inputShape: [] (allowed: the shape of one sample without the batch axis');
    expect(() => summary(lenet5({ seed: 1 }), [1, 28, 28], { batchNorm: 'fused' as never })).toThrow("summary: invalid batchNorm: \"fused\" (allowed: 'stored'");
  });
});

describe('renderSummary', () => {
  it('prints a row per layer, the totals row and the model totals', () => {
    const text = renderSummary(summary(larqMnistBnn({ seed: 1 }), [1, 28, 28]), { title: 'larqMnistBnn' });
    const lines = text.trimEnd().split('\n');
    expect(lines[0]).toBe('larqMnistBnn: input [N,1,28,28], output [N,10], batch norm stored');
    expect(lines[1].split(/\s{2,}/)).toEqual(['layer', 'type', 'input bits', 'outputs', '# 1-bit', '# 32-bit', 'memory KiB', '1-bit MACs', '32-bit MACs']);
    expect(lines[3].split(/\s+/)).toEqual(['conv1', 'Conv2d', '-', '[N,32,26,26]', '288', '0', '0.04', '0', '194,688']);
    expect(lines[6].split(/\s+/)).toEqual(['conv2', 'Conv2d', '1', '[N,64,11,11]', '18,432', '0', '2.25', '2,230,272', '0']);
    expect(lines[16].split(/\s+/)).toEqual(['total', '93,088', '702', '14.11', '2,599,552', '194,688']);
    expect(lines.slice(17)).toEqual([
      'parameters   93,790 (trainable 93,322, non-trainable 468; 1-bit 93,088, 32-bit 702)',
      'memory       14.11 KiB (float32 366.37 KiB, 25.97x smaller)',
      'MACs/sample  2,794,240 (1-bit 2,599,552, 32-bit 194,688; binary fraction 0.9303)',
    ]);
  });
});
