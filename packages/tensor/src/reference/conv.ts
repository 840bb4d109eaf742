/**
 * 2-D convolution of the reference backend (forward and both backward kernels) as im2col/col2im
 * around the GEMM of matmul.ts, so their speed follows the GEMM.
 *
 * Notation (Conv2dAttributes): x [N, C, H, W], filter [OC, C/G, KH, KW], y [N, OC, OH, OW];
 * G groups, ICG = C/G input and OCG = OC/G output channels per group, P = OH*OW output pixels,
 * K = ICG*KH*KW filter taps per output channel. Group g maps input channels g*ICG..(g+1)*ICG-1 to
 * output channels g*OCG..(g+1)*OCG-1 (depthwise: G = C, ICG = 1).
 *
 * Semantics (cross-correlation, like PyTorch and every DL framework):
 *   y[n, g*OCG+o, i, j] = sum over c < ICG, kh < KH, kw < KW of
 *       filter[g*OCG+o, c, kh, kw] * x[n, g*ICG+c, i*SH - PT + kh*DH, j*SW - PL + kw*DW]
 * where x outside [0,H) x [0,W) is zero (padding [PT, PB, PL, PR], stride [SH, SW], dilation
 * [DH, DW]; PB and PR only enter through OH and OW, which the op has already computed).
 *   conv2dBackwardData:   dx = transposed convolution of dy with the same filter: every dy value
 *                         is scattered back to the x positions it was computed from,
 *                         dx[n, g*ICG+c, ih, iw] = sum of filter[g*OCG+o, c, kh, kw] * dy[n, g*OCG+o, i, j]
 *                         over all (o, kh, kw, i, j) with i*SH - PT + kh*DH = ih, j*SW - PL + kw*DW = iw.
 *   conv2dBackwardFilter: dfilter = correlation of x with dy,
 *                         dfilter[g*OCG+o, c, kh, kw] = sum over n, i, j of dy[n, g*OCG+o, i, j] * x[n, g*ICG+c, i*SH-PT+kh*DH, j*SW-PL+kw*DW].
 * Both are exactly the adjoints of the forward map (conv.test.ts checks <conv2d(x,w), dy> =
 * <x, backwardData(dy,w)> = <w, backwardFilter(x,dy)>).
 *
 * Layout of the column matrix of one group for a chunk of `count` images starting at image n0:
 *   columns[row, column], row-major [K, count*P], row = (c*KH + kh)*KW + kw, column = image*P + i*OW + j,
 *   value x[n0+image, g*ICG+c, i*SH-PT+kh*DH, j*SW-PL+kw*DW] (0 in the padding).
 * Output-shaped values of the chunk are gathered the same way into [OCG, count*P]. Then, per group:
 *   forward:         Y[OCG, count*P]  = Filter_g[OCG, K]    · columns[K, count*P]   (scatter to y)
 *   backward data:   dColumns[K, count*P] = Filter_g^T[K, OCG] · dY[OCG, count*P]   (col2im adds into dx)
 *   backward filter: dFilter_g[OCG, K] += dY[OCG, count*P]  · columns^T[count*P, K]
 * Several images share one GEMM when P is small (deep layers: 4x4 outputs), so the GEMM stays
 * wide enough to run at full speed; the filter is packed once per group for the whole batch.
 *
 * Numerics: forward values are float64 sums in (c, kh, kw) order rounded once to float32; backward
 * data adds float32 column values in col2im, backward filter adds one float32 partial per chunk.
 */
import type { Conv2dAttributes } from '../kernels/contract.js';
import { matrixView, multiplyPacked, packColumns, packRows, PanelBuffer } from './matmul.js';
import { float32Of, sizeOfShape, wrap, type ReferenceTensor } from './storage.js';

/** Images are grouped until a chunk has about this many output pixels (GEMM columns). */
const CHUNK_COLUMNS = 512;

/** Sizes derived once from the attributes. */
function geometryOf(attributes: Conv2dAttributes) {
  const [batch, inChannels, inHeight, inWidth] = attributes.inShape;
  const [outChannels, , kernelHeight, kernelWidth] = attributes.filterShape;
  const [, , outHeight, outWidth] = attributes.outShape;
  const [strideY, strideX] = attributes.stride;
  const [dilationY, dilationX] = attributes.dilation;
  const [padTop, , padLeft] = attributes.padding;
  const pixels = outHeight * outWidth;
  const inChannelsPerGroup = inChannels / attributes.groups;
  return {
    attributes,
    batch,
    inChannels,
    inHeight,
    inWidth,
    outChannels,
    outHeight,
    outWidth,
    kernelHeight,
    kernelWidth,
    strideY,
    strideX,
    dilationY,
    dilationX,
    padTop,
    padLeft,
    inChannelsPerGroup,
    outChannelsPerGroup: outChannels / attributes.groups,
    pixels,
    taps: inChannelsPerGroup * kernelHeight * kernelWidth,
    imagesPerChunk: Math.max(1, Math.min(batch, Math.floor(CHUNK_COLUMNS / Math.max(pixels, 1)))),
  };
}

type Geometry = Readonly<ReturnType<typeof geometryOf>>;

/** Scratch of one chunk: columns [K, imagesPerChunk*P] and output-shaped values [OCG, imagesPerChunk*P]. */
function chunkBuffers(geometry: Geometry): { columns: Float32Array; gathered: Float32Array } {
  const { taps, outChannelsPerGroup, imagesPerChunk, pixels } = geometry;
  return { columns: new Float32Array(taps * imagesPerChunk * pixels), gathered: new Float32Array(outChannelsPerGroup * imagesPerChunk * pixels) };
}

/** Fills columns [K, count*P] for group `group` and images first..first+count-1 (see file comment). */
function im2col(geometry: Geometry, x: Float32Array, group: number, first: number, count: number, columns: Float32Array): void {
  const { inChannels, inChannelsPerGroup, inHeight, inWidth, kernelHeight, kernelWidth, outHeight, outWidth, strideY, strideX, dilationY, dilationX, padTop, padLeft } =
    geometry;
  let target = 0;
  for (let c = 0; c < inChannelsPerGroup; c++) {
    for (let kh = 0; kh < kernelHeight; kh++) {
      for (let kw = 0; kw < kernelWidth; kw++) {
        for (let image = 0; image < count; image++) {
          const plane = ((first + image) * inChannels + group * inChannelsPerGroup + c) * inHeight * inWidth;
          for (let i = 0; i < outHeight; i++) {
            const inY = i * strideY - padTop + kh * dilationY;
            const rowInside = inY >= 0 && inY < inHeight;
            const rowStart = plane + inY * inWidth;
            for (let j = 0; j < outWidth; j++) {
              const inX = j * strideX - padLeft + kw * dilationX;
              columns[target++] = rowInside && inX >= 0 && inX < inWidth ? x[rowStart + inX] : 0;
            }
          }
        }
      }
    }
  }
}

/** The adjoint of im2col: adds every column value into dx at the position it was read from. */
function col2im(geometry: Geometry, columns: Float32Array, group: number, first: number, count: number, dx: Float32Array): void {
  const { inChannels, inChannelsPerGroup, inHeight, inWidth, kernelHeight, kernelWidth, outHeight, outWidth, strideY, strideX, dilationY, dilationX, padTop, padLeft } =
    geometry;
  let source = 0;
  for (let c = 0; c < inChannelsPerGroup; c++) {
    for (let kh = 0; kh < kernelHeight; kh++) {
      for (let kw = 0; kw < kernelWidth; kw++) {
        for (let image = 0; image < count; image++) {
          const plane = ((first + image) * inChannels + group * inChannelsPerGroup + c) * inHeight * inWidth;
          for (let i = 0; i < outHeight; i++) {
            const inY = i * strideY - padTop + kh * dilationY;
            if (inY < 0 || inY >= inHeight) {
              source += outWidth; // these taps read padding: nothing flows back
              continue;
            }
            const rowStart = plane + inY * inWidth;
            for (let j = 0; j < outWidth; j++, source++) {
              const inX = j * strideX - padLeft + kw * dilationX;
              if (inX >= 0 && inX < inWidth) dx[rowStart + inX] += columns[source];
            }
          }
        }
      }
    }
  }
}

/** Copies the group's channels of an output-shaped tensor (y or dy) for a chunk into [OCG, count*P]. */
function gatherOutput(geometry: Geometry, values: Float32Array, group: number, first: number, count: number, gathered: Float32Array): void {
  const { outChannels, outChannelsPerGroup, pixels } = geometry;
  const width = count * pixels;
  for (let o = 0; o < outChannelsPerGroup; o++) {
    for (let image = 0; image < count; image++) {
      const start = ((first + image) * outChannels + group * outChannelsPerGroup + o) * pixels;
      gathered.set(values.subarray(start, start + pixels), o * width + image * pixels);
    }
  }
}

/** The inverse of gatherOutput: writes [OCG, count*P] back into the output-shaped tensor. */
function scatterOutput(geometry: Geometry, gathered: Float32Array, group: number, first: number, count: number, values: Float32Array): void {
  const { outChannels, outChannelsPerGroup, pixels } = geometry;
  const width = count * pixels;
  for (let o = 0; o < outChannelsPerGroup; o++) {
    for (let image = 0; image < count; image++) {
      const start = o * width + image * pixels;
      values.set(gathered.subarray(start, start + pixels), ((first + image) * outChannels + group * outChannelsPerGroup + o) * pixels);
    }
  }
}

/** Offset of group g's filter block: rows g*OCG.. of the filter read as a row-major [OC, K] matrix. */
function filterOffset(geometry: Geometry, group: number): number {
  return group * geometry.outChannelsPerGroup * geometry.taps;
}

function conv2d(x: ReferenceTensor, filter: ReferenceTensor, attributes: Conv2dAttributes): ReferenceTensor {
  const geometry = geometryOf(attributes);
  const { batch, outChannelsPerGroup, taps, pixels, imagesPerChunk } = geometry;
  const y = new Float32Array(sizeOfShape(attributes.outShape));
  const { columns, gathered } = chunkBuffers(geometry);
  const filterBuffer = new PanelBuffer();
  const columnBuffer = new PanelBuffer();
  for (let group = 0; group < attributes.groups; group++) {
    const packedFilter = packRows(outChannelsPerGroup, taps, matrixView(float32Of(filter), filterOffset(geometry, group), outChannelsPerGroup, taps), filterBuffer);
    for (let first = 0; first < batch; first += imagesPerChunk) {
      const count = Math.min(imagesPerChunk, batch - first);
      im2col(geometry, float32Of(x), group, first, count, columns);
      const packedColumns = packColumns(taps, count * pixels, matrixView(columns, 0, taps, count * pixels), columnBuffer);
      multiplyPacked(packedFilter, packedColumns, gathered, 0, false);
      scatterOutput(geometry, gathered, group, first, count, y);
    }
  }
  return wrap(y, attributes.outShape);
}

function conv2dBackwardData(dy: ReferenceTensor, filter: ReferenceTensor, attributes: Conv2dAttributes): ReferenceTensor {
  const geometry = geometryOf(attributes);
  const { batch, outChannelsPerGroup, taps, pixels, imagesPerChunk } = geometry;
  const dx = new Float32Array(sizeOfShape(attributes.inShape));
  const { columns, gathered } = chunkBuffers(geometry);
  const filterBuffer = new PanelBuffer();
  const dyBuffer = new PanelBuffer();
  for (let group = 0; group < attributes.groups; group++) {
    // Filter_g^T [K, OCG]: the transpose is absorbed by packing.
    const view = matrixView(float32Of(filter), filterOffset(geometry, group), taps, outChannelsPerGroup, true);
    const packedFilter = packRows(taps, outChannelsPerGroup, view, filterBuffer);
    for (let first = 0; first < batch; first += imagesPerChunk) {
      const count = Math.min(imagesPerChunk, batch - first);
      gatherOutput(geometry, float32Of(dy), group, first, count, gathered);
      const packedDy = packColumns(outChannelsPerGroup, count * pixels, matrixView(gathered, 0, outChannelsPerGroup, count * pixels), dyBuffer);
      multiplyPacked(packedFilter, packedDy, columns, 0, false);
      col2im(geometry, columns, group, first, count, dx);
    }
  }
  return wrap(dx, attributes.inShape);
}

function conv2dBackwardFilter(x: ReferenceTensor, dy: ReferenceTensor, attributes: Conv2dAttributes): ReferenceTensor {
  const geometry = geometryOf(attributes);
  const { batch, outChannelsPerGroup, taps, pixels, imagesPerChunk } = geometry;
  const dFilter = new Float32Array(sizeOfShape(attributes.filterShape));
  const { columns, gathered } = chunkBuffers(geometry);
  const dyBuffer = new PanelBuffer();
  const columnBuffer = new PanelBuffer();
  for (let group = 0; group < attributes.groups; group++) {
    for (let first = 0; first < batch; first += imagesPerChunk) {
      const count = Math.min(imagesPerChunk, batch - first);
      const width = count * pixels;
      gatherOutput(geometry, float32Of(dy), group, first, count, gathered);
      im2col(geometry, float32Of(x), group, first, count, columns);
      const packedDy = packRows(outChannelsPerGroup, width, matrixView(gathered, 0, outChannelsPerGroup, width), dyBuffer);
      // columns^T [count*P, K]: the transpose is absorbed by packing.
      const packedColumns = packColumns(width, taps, matrixView(columns, 0, width, taps, true), columnBuffer);
      multiplyPacked(packedDy, packedColumns, dFilter, filterOffset(geometry, group), first > 0);
    }
  }
  return wrap(dFilter, attributes.filterShape);
}

export const convKernels = { conv2d, conv2dBackwardData, conv2dBackwardFilter };
