/**
 * Convolution workloads: the distinct convolution shapes of ResNet-18 for CIFAR-10 (32x32 inputs,
 * 3x3 stem without max pooling, four stages of basic blocks), each forward, backward data and
 * backward filter. See matmul.workloads.ts for how rates are counted and measured.
 */
import type { Backend, Conv2dAttributes } from '../kernels/contract.js';
import { conv2dAttributes, type Conv2dOptions } from '../ops/conv.js';
import { randomTensor, release, type Workload } from './matmul.workloads.js';

export interface ConvLayer {
  readonly name: string;
  readonly inChannels: number;
  readonly outChannels: number;
  /** Input height = width. */
  readonly size: number;
  readonly kernel: number;
  readonly stride: number;
  readonly padding: number;
}

const layer = (name: string, inChannels: number, outChannels: number, size: number, kernel: number, stride: number): ConvLayer => ({
  name,
  inChannels,
  outChannels,
  size,
  kernel,
  stride,
  padding: kernel === 3 ? 1 : 0,
});

/** Every distinct convolution of ResNet-18 (CIFAR): 3x3 block convs, strided 3x3 and 1x1 shortcuts. */
export const RESNET18_CIFAR_LAYERS: readonly ConvLayer[] = [
  layer('stem 3->64 3x3 @32', 3, 64, 32, 3, 1),
  layer('3x3 64->64 @32', 64, 64, 32, 3, 1),
  layer('3x3 64->128 s2 @32', 64, 128, 32, 3, 2),
  layer('1x1 64->128 s2 @32', 64, 128, 32, 1, 2),
  layer('3x3 128->128 @16', 128, 128, 16, 3, 1),
  layer('3x3 128->256 s2 @16', 128, 256, 16, 3, 2),
  layer('1x1 128->256 s2 @16', 128, 256, 16, 1, 2),
  layer('3x3 256->256 @8', 256, 256, 8, 3, 1),
  layer('3x3 256->512 s2 @8', 256, 512, 8, 3, 2),
  layer('1x1 256->512 s2 @8', 256, 512, 8, 1, 2),
  layer('3x3 512->512 @4', 512, 512, 4, 3, 1),
];

export type ConvPass = 'forward' | 'backward data' | 'backward filter';
export const CONV_PASSES: readonly ConvPass[] = ['forward', 'backward data', 'backward filter'];

export function convAttributes(layer: ConvLayer, batch: number): Conv2dAttributes {
  const options: Conv2dOptions = { stride: layer.stride, padding: layer.padding };
  return conv2dAttributes('conv2d', [batch, layer.inChannels, layer.size, layer.size], [layer.outChannels, layer.inChannels, layer.kernel, layer.kernel], options);
}

/** 2·m·n·k of the convolution's GEMMs: every output value is a dot product of ICG·KH·KW terms. */
export function convFlops(attributes: Conv2dAttributes): number {
  const [, groupChannels, kernelHeight, kernelWidth] = attributes.filterShape;
  const outputs = attributes.outShape.reduce((a, b) => a * b, 1);
  return 2 * outputs * groupChannels * kernelHeight * kernelWidth;
}

export function convWorkload(backend: Backend, layer: ConvLayer, pass: ConvPass, batch: number): Workload {
  const attributes = convAttributes(layer, batch);
  const x = randomTensor(backend, attributes.inShape, 1);
  const filter = randomTensor(backend, attributes.filterShape, 2);
  const dy = randomTensor(backend, attributes.outShape, 3);
  const { kernels } = backend;
  const run =
    pass === 'forward'
      ? () => release(backend, kernels.conv2d(x, filter, attributes))
      : pass === 'backward data'
        ? () => release(backend, kernels.conv2dBackwardData(dy, filter, attributes))
        : () => release(backend, kernels.conv2dBackwardFilter(x, dy, attributes));
  return {
    name: `${backend.name} conv ${layer.name} ${pass} (batch ${batch})`,
    work: convFlops(attributes),
    unit: 'GFLOP/s',
    run,
    release: () => release(backend, x, filter, dy),
  };
}
