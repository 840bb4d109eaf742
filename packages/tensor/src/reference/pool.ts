/**
 * 2-D max and average pooling of the reference backend, NCHW, with their backward kernels.
 *
 * Window (n, c, i, j) covers the input cells x[n, c, i*SH - PT + kh, j*SW - PL + kw] for
 * kh < KH, kw < KW (padding [PT, PB, PL, PR], stride [SH, SW]). Cells outside the input are
 * padding: they never win a max and are not counted in an average (PyTorch's
 * count_include_pad = false). A window without any real cell (only possible when padding reaches
 * the kernel size, which the op may forbid) gives -Infinity for max and 0 for average, and sends
 * no gradient back.
 *
 * Max: the first maximum in row-major window order (kh, then kw) wins and alone receives the
 * gradient; NaN counts as larger than every number, so a NaN propagates and the first NaN wins.
 * Average: the float64 sum of the real cells divided by their count, rounded once.
 * Backward kernels add the contributions of overlapping windows in float64 and round once.
 */
import type { Pool2dAttributes } from '../kernels/contract.js';
import { float32Of, wrap, type ReferenceTensor } from './storage.js';

/** The real (non-padding) part of the window at output position `outIndex` along one axis. */
interface WindowRange {
  /** First input index of the window (may be negative: padding). */
  readonly origin: number;
  /** Kernel offsets [from, to) whose input index lies inside [0, size). */
  readonly from: number;
  readonly to: number;
}

function windowRange(outIndex: number, stride: number, padBefore: number, kernel: number, size: number): WindowRange {
  const origin = outIndex * stride - padBefore;
  return { origin, from: Math.max(0, -origin), to: Math.min(kernel, size - origin) };
}

/** Every window's ranges along one axis, computed once per call. */
function windowRanges(outSize: number, stride: number, padBefore: number, kernel: number, size: number): WindowRange[] {
  return Array.from({ length: outSize }, (_, outIndex) => windowRange(outIndex, stride, padBefore, kernel, size));
}

interface PoolGeometry {
  /** batch * channels: every plane is pooled the same way. */
  readonly planes: number;
  readonly inHeight: number;
  readonly inWidth: number;
  readonly outHeight: number;
  readonly outWidth: number;
  readonly rows: WindowRange[];
  readonly columns: WindowRange[];
}

function geometryOf(attributes: Pool2dAttributes): PoolGeometry {
  const [batch, channels, inHeight, inWidth] = attributes.inShape;
  const [, , outHeight, outWidth] = attributes.outShape;
  const [kernelHeight, kernelWidth] = attributes.kernelSize;
  const [strideY, strideX] = attributes.stride;
  const [padTop, , padLeft] = attributes.padding;
  return {
    planes: batch * channels,
    inHeight,
    inWidth,
    outHeight,
    outWidth,
    rows: windowRanges(outHeight, strideY, padTop, kernelHeight, inHeight),
    columns: windowRanges(outWidth, strideX, padLeft, kernelWidth, inWidth),
  };
}

/**
 * Calls visit(outputIndex, inputIndex) with the input index of the first maximum of every window
 * (-1 when the window has no real cell).
 */
function forEachWindowMaximum(geometry: PoolGeometry, x: Float32Array, visit: (outputIndex: number, inputIndex: number) => void): void {
  const { planes, inHeight, inWidth, outHeight, outWidth, rows, columns } = geometry;
  let outputIndex = 0;
  for (let plane = 0; plane < planes; plane++) {
    const planeStart = plane * inHeight * inWidth;
    for (let i = 0; i < outHeight; i++) {
      const row = rows[i];
      for (let j = 0; j < outWidth; j++, outputIndex++) {
        const column = columns[j];
        let best = -Infinity;
        let bestIndex = -1;
        for (let kh = row.from; kh < row.to; kh++) {
          const rowStart = planeStart + (row.origin + kh) * inWidth + column.origin;
          for (let kw = column.from; kw < column.to; kw++) {
            const value = x[rowStart + kw];
            // Strictly greater keeps the first maximum; a NaN beats any number but not an earlier NaN.
            if (bestIndex < 0 || value > best || (value !== value && best === best)) {
              best = value;
              bestIndex = rowStart + kw;
            }
          }
        }
        visit(outputIndex, bestIndex);
      }
    }
  }
}

function maxPool2d(x: ReferenceTensor, attributes: Pool2dAttributes): ReferenceTensor {
  const geometry = geometryOf(attributes);
  const values = float32Of(x);
  const y = new Float32Array(geometry.planes * geometry.outHeight * geometry.outWidth);
  forEachWindowMaximum(geometry, values, (outputIndex, inputIndex) => {
    y[outputIndex] = inputIndex < 0 ? -Infinity : values[inputIndex];
  });
  return wrap(y, attributes.outShape);
}

function maxPool2dBackward(dy: ReferenceTensor, x: ReferenceTensor, attributes: Pool2dAttributes): ReferenceTensor {
  const geometry = geometryOf(attributes);
  const gradients = float32Of(dy);
  const sums = new Float64Array(geometry.planes * geometry.inHeight * geometry.inWidth);
  forEachWindowMaximum(geometry, float32Of(x), (outputIndex, inputIndex) => {
    if (inputIndex >= 0) sums[inputIndex] += gradients[outputIndex];
  });
  return wrap(Float32Array.from(sums), attributes.inShape);
}

function avgPool2d(x: ReferenceTensor, attributes: Pool2dAttributes): ReferenceTensor {
  const { planes, inHeight, inWidth, outHeight, outWidth, rows, columns } = geometryOf(attributes);
  const values = float32Of(x);
  const y = new Float32Array(planes * outHeight * outWidth);
  let outputIndex = 0;
  for (let plane = 0; plane < planes; plane++) {
    const planeStart = plane * inHeight * inWidth;
    for (let i = 0; i < outHeight; i++) {
      const row = rows[i];
      for (let j = 0; j < outWidth; j++, outputIndex++) {
        const column = columns[j];
        const count = Math.max(0, row.to - row.from) * Math.max(0, column.to - column.from);
        let sum = 0;
        for (let kh = row.from; kh < row.to; kh++) {
          const rowStart = planeStart + (row.origin + kh) * inWidth + column.origin;
          for (let kw = column.from; kw < column.to; kw++) sum += values[rowStart + kw];
        }
        y[outputIndex] = count > 0 ? sum / count : 0;
      }
    }
  }
  return wrap(y, attributes.outShape);
}

function avgPool2dBackward(dy: ReferenceTensor, attributes: Pool2dAttributes): ReferenceTensor {
  const { planes, inHeight, inWidth, outHeight, outWidth, rows, columns } = geometryOf(attributes);
  const gradients = float32Of(dy);
  const sums = new Float64Array(planes * inHeight * inWidth);
  let outputIndex = 0;
  for (let plane = 0; plane < planes; plane++) {
    const planeStart = plane * inHeight * inWidth;
    for (let i = 0; i < outHeight; i++) {
      const row = rows[i];
      for (let j = 0; j < outWidth; j++, outputIndex++) {
        const column = columns[j];
        const count = Math.max(0, row.to - row.from) * Math.max(0, column.to - column.from);
        if (count === 0) continue;
        // Each real cell contributed value / count to the average, so it gets dy / count back.
        const share = gradients[outputIndex] / count;
        for (let kh = row.from; kh < row.to; kh++) {
          const rowStart = planeStart + (row.origin + kh) * inWidth + column.origin;
          for (let kw = column.from; kw < column.to; kw++) sums[rowStart + kw] += share;
        }
      }
    }
  }
  return wrap(Float32Array.from(sums), attributes.inShape);
}

export const poolKernels = { maxPool2d, maxPool2dBackward, avgPool2d, avgPool2dBackward };
