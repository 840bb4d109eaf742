/**
 * Max and average pooling over NCHW activations and their backward kernels. Padded cells never
 * win a max and do not count in an average; each padding side must be smaller than the window,
 * so every window holds at least one real cell.
 */
import { ArgumentError, ShapeError, formatShape } from '../errors.js';
import type { Pool2dAttributes } from '../kernels/contract.js';
import { expectRank4, resolvePadding, resolvePair, windowOutputSize, type Padding } from '../shape/conv.js';
import { checkShape, shapesEqual } from '../shape/util.js';
import type { Tensor } from '../tensor.js';
import { backendOf, expectFloat, runKernel } from './common.js';

export interface Pool2dOptions {
  /** Window size, required. */
  kernelSize: number | readonly [number, number];
  /** Default: kernelSize (non-overlapping windows). */
  stride?: number | readonly [number, number];
  /** Default 'valid'. */
  padding?: Padding;
}

export function pool2dAttributes(op: string, inShape: readonly number[], options: Pool2dOptions): Pool2dAttributes {
  const [batch, channels, inHeight, inWidth] = expectRank4(op, 'x', inShape, '[batch, channels, height, width]');
  if (options === null || typeof options !== 'object') throw new ArgumentError(op, 'options', options, '{ kernelSize, stride?, padding? }');
  if (options.kernelSize === undefined) throw new ArgumentError(op, 'kernelSize', undefined, 'a positive integer or [height, width]');
  const kernelSize = resolvePair(op, 'kernelSize', options.kernelSize, [1, 1]);
  const stride = resolvePair(op, 'stride', options.stride, kernelSize);
  const padding = resolvePadding(op, options.padding, [inHeight, inWidth], kernelSize, stride);
  const sides = ['top', 'bottom', 'left', 'right'];
  padding.forEach((value, side) => {
    const window = kernelSize[side < 2 ? 0 : 1];
    if (value >= window) {
      throw new ArgumentError(op, `padding (${sides[side]})`, value, `less than the window size ${window}`, 'a window made only of padding has no value');
    }
  });
  const outHeight = windowOutputSize(op, 'height', inHeight, padding[0], padding[1], kernelSize[0], stride[0]);
  const outWidth = windowOutputSize(op, 'width', inWidth, padding[2], padding[3], kernelSize[1], stride[1]);
  return { kernelSize, stride, padding, inShape: [batch, channels, inHeight, inWidth], outShape: [batch, channels, outHeight, outWidth] };
}

function expectDy(op: string, dy: Tensor, attributes: Pool2dAttributes): void {
  if (!shapesEqual(dy.shape, attributes.outShape)) {
    throw new ShapeError(
      `${op}: dy has shape ${formatShape(dy.shape)} but pooling ${formatShape(attributes.inShape)} gives ${formatShape(attributes.outShape)}; check kernelSize, stride and padding`,
      [dy.shape, attributes.outShape],
    );
  }
}

/** Maximum of each window. */
export function maxPool2d(x: Tensor, options: Pool2dOptions): Tensor<'float32'> {
  const op = 'maxPool2d';
  const input = expectFloat(op, x, 'x');
  const attributes = pool2dAttributes(op, input.shape, options);
  const backend = backendOf(op, [input]);
  return runKernel(backend, attributes.outShape, 'float32', () => backend.kernels.maxPool2d(input.kernelTensor, attributes));
}

/** Routes each dy value to the first maximum of its window in x (gradients of overlapping windows add). */
export function maxPool2dBackward(dy: Tensor, x: Tensor, options: Pool2dOptions): Tensor<'float32'> {
  const op = 'maxPool2dBackward';
  const gradient = expectFloat(op, dy, 'dy');
  const input = expectFloat(op, x, 'x');
  const attributes = pool2dAttributes(op, input.shape, options);
  expectDy(op, gradient, attributes);
  const backend = backendOf(op, [gradient, input]);
  return runKernel(backend, attributes.inShape, 'float32', () =>
    backend.kernels.maxPool2dBackward(gradient.kernelTensor, input.kernelTensor, attributes),
  );
}

/** Mean of the real (unpadded) cells of each window. */
export function avgPool2d(x: Tensor, options: Pool2dOptions): Tensor<'float32'> {
  const op = 'avgPool2d';
  const input = expectFloat(op, x, 'x');
  const attributes = pool2dAttributes(op, input.shape, options);
  const backend = backendOf(op, [input]);
  return runKernel(backend, attributes.outShape, 'float32', () => backend.kernels.avgPool2d(input.kernelTensor, attributes));
}

/** Spreads each dy value evenly over the real cells of its window; result has inShape. */
export function avgPool2dBackward(dy: Tensor, options: Pool2dOptions & { inShape: readonly number[] }): Tensor<'float32'> {
  const op = 'avgPool2dBackward';
  const gradient = expectFloat(op, dy, 'dy');
  const inShape = checkShape(op, options?.inShape, 'inShape');
  const attributes = pool2dAttributes(op, inShape, options);
  expectDy(op, gradient, attributes);
  const backend = backendOf(op, [gradient]);
  return runKernel(backend, attributes.inShape, 'float32', () => backend.kernels.avgPool2dBackward(gradient.kernelTensor, attributes));
}
