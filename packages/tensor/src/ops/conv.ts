/**
 * 2-D convolution (cross-correlation, as in every deep-learning library) over NCHW activations
 * with OIHW filters, and its two backward kernels. The backward ops take the shape the forward
 * op had (inShape or filterShape) because it cannot always be recovered from dy.
 */
import { ArgumentError, ShapeError, formatShape } from '../errors.js';
import type { Conv2dAttributes } from '../kernels/contract.js';
import { expectRank4, resolvePadding, resolvePair, windowOutputSize, type Padding } from '../shape/conv.js';
import { checkShape, shapesEqual } from '../shape/util.js';
import type { Tensor } from '../tensor.js';
import { backendOf, expectFloat, runKernel } from './common.js';

export type { Padding };

export interface Conv2dOptions {
  /** Default 1. */
  stride?: number | readonly [number, number];
  /** Default 'valid'. See Padding; 'same' gives ceil(in / stride) outputs (TensorFlow). */
  padding?: Padding;
  /** Spacing of filter taps; default 1. */
  dilation?: number | readonly [number, number];
  /** Channel groups: inChannels and outChannels must both be multiples. Default 1. */
  groups?: number;
}

/** Validates everything conv2d needs from the two shapes and the options. */
export function conv2dAttributes(op: string, inShape: readonly number[], filterShape: readonly number[], options: Conv2dOptions | undefined): Conv2dAttributes {
  const [batch, inChannels, inHeight, inWidth] = expectRank4(op, 'x', inShape, '[batch, inChannels, height, width]');
  const [outChannels, filterChannels, kernelHeight, kernelWidth] = expectRank4(op, 'filter', filterShape, '[outChannels, inChannels / groups, kernelHeight, kernelWidth]');
  const stride = resolvePair(op, 'stride', options?.stride, [1, 1]);
  const dilation = resolvePair(op, 'dilation', options?.dilation, [1, 1]);
  const groups = options?.groups ?? 1;
  if (!Number.isSafeInteger(groups) || groups < 1) throw new ArgumentError(op, 'groups', groups, 'a positive integer');
  if (inChannels % groups !== 0 || outChannels % groups !== 0) {
    throw new ShapeError(
      `${op}: groups ${groups} must divide both inChannels ${inChannels} (x ${formatShape(inShape)}) and outChannels ${outChannels} (filter ${formatShape(filterShape)})`,
      [inShape, filterShape],
    );
  }
  if (filterChannels !== inChannels / groups) {
    throw new ShapeError(
      `${op}: filter ${formatShape(filterShape)} has ${filterChannels} input channels but x ${formatShape(inShape)} has ${inChannels} channels` +
        `${groups > 1 ? ` in ${groups} groups` : ''}, so the filter needs ${inChannels / groups} (axis 1 of the filter is inChannels / groups)`,
      [inShape, filterShape],
    );
  }
  if (kernelHeight === 0 || kernelWidth === 0) {
    throw new ShapeError(`${op}: the filter ${formatShape(filterShape)} has an empty window`, [filterShape]);
  }
  const window: [number, number] = [dilation[0] * (kernelHeight - 1) + 1, dilation[1] * (kernelWidth - 1) + 1];
  const padding = resolvePadding(op, options?.padding, [inHeight, inWidth], window, stride);
  const outHeight = windowOutputSize(op, 'height', inHeight, padding[0], padding[1], window[0], stride[0]);
  const outWidth = windowOutputSize(op, 'width', inWidth, padding[2], padding[3], window[1], stride[1]);
  return {
    stride,
    padding,
    dilation,
    groups,
    inShape: [batch, inChannels, inHeight, inWidth],
    filterShape: [outChannels, filterChannels, kernelHeight, kernelWidth],
    outShape: [batch, outChannels, outHeight, outWidth],
  };
}

/** y[n, o, i, j] = sum over c, p, q of x[n, g c, i s + p d - pad, j s + q d - pad] filter[o, c, p, q]. */
export function conv2d(x: Tensor, filter: Tensor, options?: Conv2dOptions): Tensor<'float32'> {
  const op = 'conv2d';
  const input = expectFloat(op, x, 'x');
  const weights = expectFloat(op, filter, 'filter');
  const attributes = conv2dAttributes(op, input.shape, weights.shape, options);
  const backend = backendOf(op, [input, weights]);
  return runKernel(backend, attributes.outShape, 'float32', () => backend.kernels.conv2d(input.kernelTensor, weights.kernelTensor, attributes));
}

function expectDy(op: string, dy: Tensor, attributes: Conv2dAttributes): void {
  if (!shapesEqual(dy.shape, attributes.outShape)) {
    throw new ShapeError(
      `${op}: dy has shape ${formatShape(dy.shape)} but the forward convolution of x ${formatShape(attributes.inShape)} ` +
        `with filter ${formatShape(attributes.filterShape)} gives ${formatShape(attributes.outShape)}; check inShape/filterShape, stride and padding`,
      [dy.shape, attributes.outShape],
    );
  }
}

/** Gradient with respect to x: dy [batch, outChannels, outHeight, outWidth] back to inShape. */
export function conv2dBackwardData(dy: Tensor, filter: Tensor, options: Conv2dOptions & { inShape: readonly number[] }): Tensor<'float32'> {
  const op = 'conv2dBackwardData';
  const gradient = expectFloat(op, dy, 'dy');
  const weights = expectFloat(op, filter, 'filter');
  const inShape = checkShape(op, options?.inShape, 'inShape');
  const attributes = conv2dAttributes(op, inShape, weights.shape, options);
  expectDy(op, gradient, attributes);
  const backend = backendOf(op, [gradient, weights]);
  return runKernel(backend, attributes.inShape, 'float32', () =>
    backend.kernels.conv2dBackwardData(gradient.kernelTensor, weights.kernelTensor, attributes),
  );
}

/** Gradient with respect to the filter, from x and dy; result has filterShape. */
export function conv2dBackwardFilter(x: Tensor, dy: Tensor, options: Conv2dOptions & { filterShape: readonly number[] }): Tensor<'float32'> {
  const op = 'conv2dBackwardFilter';
  const input = expectFloat(op, x, 'x');
  const gradient = expectFloat(op, dy, 'dy');
  const filterShape = checkShape(op, options?.filterShape, 'filterShape');
  const attributes = conv2dAttributes(op, input.shape, filterShape, options);
  expectDy(op, gradient, attributes);
  const backend = backendOf(op, [input, gradient]);
  return runKernel(backend, attributes.filterShape, 'float32', () =>
    backend.kernels.conv2dBackwardFilter(input.kernelTensor, gradient.kernelTensor, attributes),
  );
}
