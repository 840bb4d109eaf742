/**
 * Output sizes and padding of 2-D convolution and pooling (NCHW).
 *
 * With explicit padding the output size along an axis is
 *   floor((in + padBefore + padAfter - dilation (kernel - 1) - 1) / stride) + 1.
 * 'valid' is padding 0. 'same' follows TensorFlow: out = ceil(in / stride), and the total padding
 * max((out - 1) stride + dilation (kernel - 1) + 1 - in, 0) is split with the odd cell after.
 */
import { ArgumentError, ShapeError, formatShape } from '../errors.js';

/** 'valid', 'same', one number for every side, [vertical, horizontal] or [top, bottom, left, right]. */
export type Padding = 'valid' | 'same' | number | readonly [number, number] | readonly [number, number, number, number];

/** A positive integer or [height, width] of positive integers. */
export function resolvePair(op: string, field: string, value: number | readonly [number, number] | undefined, fallback: readonly [number, number]): [number, number] {
  if (value === undefined) return [fallback[0], fallback[1]];
  const pair = typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || !pair.every((v) => Number.isSafeInteger(v) && v >= 1)) {
    throw new ArgumentError(op, field, value, 'a positive integer or [height, width] of positive integers');
  }
  return [pair[0], pair[1]];
}

/** [top, bottom, left, right] for a padding option, given the input, window and stride. */
export function resolvePadding(
  op: string,
  padding: Padding | undefined,
  inSize: readonly [number, number],
  windowSize: readonly [number, number],
  stride: readonly [number, number],
): [number, number, number, number] {
  if (padding === undefined || padding === 'valid') return [0, 0, 0, 0];
  if (padding === 'same') {
    const [top, bottom] = samePadding(inSize[0], windowSize[0], stride[0]);
    const [left, right] = samePadding(inSize[1], windowSize[1], stride[1]);
    return [top, bottom, left, right];
  }
  const list = typeof padding === 'number' ? [padding] : padding;
  const allowed = "'valid', 'same', a non-negative integer, [vertical, horizontal] or [top, bottom, left, right]";
  if (!Array.isArray(list) || ![1, 2, 4].includes(list.length) || !list.every((p) => Number.isSafeInteger(p) && p >= 0)) {
    throw new ArgumentError(op, 'padding', padding, allowed);
  }
  if (list.length === 1) return [list[0], list[0], list[0], list[0]];
  if (list.length === 2) return [list[0], list[0], list[1], list[1]];
  return [list[0], list[1], list[2], list[3]];
}

function samePadding(inSize: number, windowSize: number, stride: number): [number, number] {
  const out = Math.ceil(inSize / stride);
  const total = Math.max((out - 1) * stride + windowSize - inSize, 0);
  const before = Math.floor(total / 2);
  return [before, total - before];
}

/** Output size along one axis; a ShapeError when the (dilated) window does not fit once. */
export function windowOutputSize(
  op: string,
  axisName: string,
  inSize: number,
  padBefore: number,
  padAfter: number,
  windowSize: number,
  stride: number,
): number {
  const padded = inSize + padBefore + padAfter;
  if (padded < windowSize) {
    throw new ShapeError(
      `${op}: the window (${windowSize} with dilation) does not fit the ${axisName} of the input: ` +
        `${inSize} + padding ${padBefore} + ${padAfter} = ${padded} < ${windowSize}; use padding 'same' or a smaller kernel`,
    );
  }
  return Math.floor((padded - windowSize) / stride) + 1;
}

/** Checks that a shape is NCHW (rank 4). */
export function expectRank4(op: string, name: string, shape: readonly number[], layout: string): [number, number, number, number] {
  if (shape.length !== 4) {
    throw new ShapeError(`${op}: ${name} has shape ${formatShape(shape)} (rank ${shape.length}) but must be rank 4, ${layout}`, [shape]);
  }
  return [shape[0], shape[1], shape[2], shape[3]];
}
