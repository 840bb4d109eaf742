/**
 * Max and average pooling (NCHW) and their gradients, bit-identical to the reference backend
 * (packages/tensor/src/reference/pool.ts): padded cells never win a max and do not count in an
 * average; the first maximum of a window (NaN above every number; the first NaN) wins and alone
 * gets the gradient; averages and gradients add in float64 and round once. Threads split planes
 * (batch x channels), which never share a value.
 *
 * The max is selected without branches (`value > best` as a branch mispredicts about every other
 * cell on random data): bitselect in SIMD, and in scalar code an integer select of the value's
 * bits (V8 compiles an i32 select to a conditional move, an f32 select to a branch). Windows two
 * columns wide at horizontal stride 2 (2x2 stride 2, the usual CNN pooling) run 4 per SIMD step
 * wherever they lie inside the input horizontally (assembly/pool-pairs.ts: 8 consecutive values
 * of a row deinterleaved into the windows' left and right cells); windows cut by padding, and
 * other shapes (3x3 stride 2 padding 1, ...), run one at a time.
 *
 * Backward with non-overlapping windows (stride >= kernel on both axes, e.g. 2x2 stride 2, 3x3
 * stride 3): an input cell gets at most one term, so the reference's float64 0 + term, rounded,
 * is written directly: dy + 0 in float32 for a window's winner (-0 becomes +0, NaN stays NaN),
 * +0 for its other cells, and float64 0 + dy / count rounded for an average. Cells that no window
 * covers (a 5x5 input under 2x2 stride 2 windows: the last row and column) are zeroed first.
 * Only overlapping windows (3x3 stride 2, ...) add into a float64 plane per thread, converted at
 * the end.
 */
import { averageBackwardPairs, averageForwardPairs, maxBackwardPairs, maxForwardPairs } from './pool-pairs';
import { claim } from './schedule';

const MAX_FORWARD = 0;
const AVERAGE_FORWARD = 1;
const MAX_BACKWARD = 2;
const AVERAGE_BACKWARD = 3;

// Job layout (i32 words).
const OP = 0;
const PLANES = 1;
const HEIGHT = 2;
const WIDTH = 3;
const OUT_HEIGHT = 4;
const OUT_WIDTH = 5;
const KERNEL_HEIGHT = 6;
const KERNEL_WIDTH = 7;
const STRIDE_Y = 8;
const STRIDE_X = 9;
const PAD_TOP = 10;
const PAD_LEFT = 11;
/** x (forward, max backward), dy (backward). */
const X = 12;
const DY = 13;
const OUTPUT = 14;
/** float64 accumulators, height x width per thread (backward with overlapping windows only). */
const SCRATCH = 15;
const SCRATCH_STRIDE = 16;
const PLANES_PER_UNIT = 17;

@inline function word(job: usize, index: i32): i32 {
  return load<i32>(job + (<usize>index << 2));
}

// The running job's geometry, read once per task. Globals belong to the instance, and every thread
// has its own instance of the module, so threads do not share them.
let height = 0;
let width = 0;
let outHeight = 0;
let outWidth = 0;
let kernelHeight = 0;
let kernelWidth = 0;
let strideY = 0;
let strideX = 0;
let padTop = 0;
let padLeft = 0;
let x: usize = 0;
let dy: usize = 0;
let output: usize = 0;
/** Windows two columns wide at horizontal stride 2: the SIMD path for windows [firstInside, lastInside). */
let pairs = false;
let firstInside = 0;
let lastInside = 0;

function readGeometry(job: usize): void {
  height = word(job, HEIGHT);
  width = word(job, WIDTH);
  outHeight = word(job, OUT_HEIGHT);
  outWidth = word(job, OUT_WIDTH);
  kernelHeight = word(job, KERNEL_HEIGHT);
  kernelWidth = word(job, KERNEL_WIDTH);
  strideY = word(job, STRIDE_Y);
  strideX = word(job, STRIDE_X);
  padTop = word(job, PAD_TOP);
  padLeft = word(job, PAD_LEFT);
  x = <usize>word(job, X);
  dy = <usize>word(job, DY);
  output = <usize>word(job, OUTPUT);
  pairs = kernelWidth == 2 && strideX == 2;
  // Window j covers columns 2j - padLeft and the next one: inside when 0 <= 2j - padLeft <= width - 2.
  firstInside = (padLeft + 1) >> 1;
  lastInside = width + padLeft >= 2 ? max(firstInside, min(outWidth, (width + padLeft - 2) / 2 + 1)) : firstInside;
}

/** Every input cell lies in some window (no gaps between windows, nothing left past the last). */
function covered(): bool {
  return strideY == kernelHeight && strideX == kernelWidth && outHeight > 0 && outWidth > 0 &&
    (outHeight - 1) * strideY - padTop + kernelHeight >= height && (outWidth - 1) * strideX - padLeft + kernelWidth >= width;
}

/**
 * Index in its plane of the first maximum of the window's real cells: rows originY + [fromY, toY),
 * columns originX + [fromX, toX). -1 if there is none.
 */
@inline function windowMaximum(xPlane: usize, originY: i32, fromY: i32, toY: i32, originX: i32, fromX: i32, toX: i32): i32 {
  if (fromY >= toY || fromX >= toX) return -1;
  let bestIndex = (originY + fromY) * width + originX + fromX;
  // The best value's bits: V8 turns an integer select into a conditional move, but a float32
  // select into a branch.
  let bestBits = load<i32>(xPlane + (<usize>bestIndex << 2));
  for (let kh = fromY; kh < toY; kh++) {
    const rowIndex = (originY + kh) * width + originX;
    for (let kw = fromX; kw < toX; kw++) {
      const bits = load<i32>(xPlane + (<usize>(rowIndex + kw) << 2));
      const value = reinterpret<f32>(bits);
      const best = reinterpret<f32>(bestBits);
      // A larger number, or a NaN over a number: strictly, so the first maximum (or NaN) stays.
      // `&`, not `&&`: short-circuit evaluation would be a branch again.
      const take = !(value <= best) & (best == best);
      bestBits = select<i32>(bits, bestBits, take);
      bestIndex = select<i32>(rowIndex + kw, bestIndex, take);
    }
  }
  return bestIndex;
}

/** One window of a forward pass or of a backward pass without overlap; `outAt` is its y or dy cell. */
@inline function poolWindow(op: i32, xPlane: usize, target: usize, outAt: usize, originY: i32, fromY: i32, toY: i32, j: i32): void {
  const originX = j * strideX - padLeft;
  const fromX = max(0, -originX);
  const toX = min(kernelWidth, width - originX);
  const count = max(0, toY - fromY) * max(0, toX - fromX);
  if (op == MAX_FORWARD) {
    const index = windowMaximum(xPlane, originY, fromY, toY, originX, fromX, toX);
    // -Infinity (0xff800000) for a window made only of padding.
    store<i32>(outAt, select<i32>(load<i32>(xPlane + (<usize>max(0, index) << 2)), 0xff800000, index >= 0));
  } else if (op == AVERAGE_FORWARD) {
    let sum: f64 = 0;
    for (let kh = fromY; kh < toY; kh++) {
      const rowIndex = (originY + kh) * width + originX;
      for (let kw = fromX; kw < toX; kw++) sum += <f64>load<f32>(xPlane + (<usize>(rowIndex + kw) << 2));
    }
    store<f32>(outAt, count > 0 ? <f32>(sum / <f64>count) : 0);
  } else {
    const gradient = load<f32>(outAt);
    const winner = op == MAX_BACKWARD ? windowMaximum(xPlane, originY, fromY, toY, originX, fromX, toX) : -1;
    // The reference's float64 0 + term, rounded (a window without real cells writes nothing).
    const share = reinterpret<i32>(op == MAX_BACKWARD ? gradient + 0 : <f32>(0.0 + <f64>gradient / <f64>count));
    for (let kh = fromY; kh < toY; kh++) {
      const rowIndex = (originY + kh) * width + originX;
      for (let kw = fromX; kw < toX; kw++) {
        // Bits 0: +0 for the cells that did not win.
        const value = op == MAX_BACKWARD ? select<i32>(share, 0, rowIndex + kw == winner) : share;
        store<i32>(target + (<usize>(rowIndex + kw) << 2), value);
      }
    }
  }
}

/** Windows j to j + 3 of an output row through the SIMD path; their rows start at input row `top`. */
@inline function poolPairs(op: i32, xPlane: usize, target: usize, outRow: usize, top: i32, rows: i32, j: i32): void {
  const cells = <usize>(top * width + 2 * j - padLeft) << 2;
  const rowBytes = <usize>width << 2;
  const outAt = outRow + (<usize>j << 2);
  if (op == MAX_FORWARD) maxForwardPairs(xPlane + cells, rowBytes, rows, outAt);
  else if (op == AVERAGE_FORWARD) averageForwardPairs(xPlane + cells, rowBytes, rows, outAt);
  else if (op == MAX_BACKWARD) maxBackwardPairs(xPlane + cells, rowBytes, rows, outAt, target + cells);
  else averageBackwardPairs(rowBytes, rows, outAt, target + cells);
}

/** A forward pass, or a backward pass without overlap, over one plane. */
@inline function poolPlane(op: i32, plane: i32): void {
  const backward = op == MAX_BACKWARD || op == AVERAGE_BACKWARD;
  const planeSize = height * width;
  const xPlane = x + ((<usize>plane * planeSize) << 2);
  const outPlane = (backward ? dy : output) + ((<usize>plane * outHeight * outWidth) << 2);
  // The gradient has x's layout.
  const target = output + ((<usize>plane * planeSize) << 2);
  if (backward && !covered()) memory.fill(target, 0, <usize>planeSize << 2);
  for (let i = 0; i < outHeight; i++) {
    const originY = i * strideY - padTop;
    const fromY = max(0, -originY);
    const toY = min(kernelHeight, height - originY);
    const outRow = outPlane + ((<usize>i * outWidth) << 2);
    let j = 0;
    if (pairs && fromY < toY && lastInside - firstInside >= 4) {
      for (; j < firstInside; j++) poolWindow(op, xPlane, target, outRow + (<usize>j << 2), originY, fromY, toY, j);
      for (; j + 4 <= lastInside; j += 4) poolPairs(op, xPlane, target, outRow, originY + fromY, toY - fromY, j);
      // The last windows inside: one more block that ends with them and overlaps the previous one
      // (writing the same values again) is cheaper than scalar windows.
      if (j < lastInside) poolPairs(op, xPlane, target, outRow, originY + fromY, toY - fromY, lastInside - 4);
      j = lastInside;
    }
    for (; j < outWidth; j++) poolWindow(op, xPlane, target, outRow + (<usize>j << 2), originY, fromY, toY, j);
  }
}

/** A backward pass with overlapping windows over one plane: float64 sums in `sums`, then rounded. */
function accumulatePlane(op: i32, plane: i32, sums: usize): void {
  const planeSize = height * width;
  const xPlane = x + ((<usize>plane * planeSize) << 2);
  const dyPlane = dy + ((<usize>plane * outHeight * outWidth) << 2);
  memory.fill(sums, 0, <usize>planeSize << 3);
  for (let i = 0; i < outHeight; i++) {
    const originY = i * strideY - padTop;
    const fromY = max(0, -originY);
    const toY = min(kernelHeight, height - originY);
    for (let j = 0; j < outWidth; j++) {
      const gradient = <f64>load<f32>(dyPlane + ((<usize>i * outWidth + j) << 2));
      const originX = j * strideX - padLeft;
      const fromX = max(0, -originX);
      const toX = min(kernelWidth, width - originX);
      if (op == MAX_BACKWARD) {
        const index = windowMaximum(xPlane, originY, fromY, toY, originX, fromX, toX);
        if (index >= 0) {
          const at = sums + (<usize>index << 3);
          store<f64>(at, load<f64>(at) + gradient);
        }
      } else {
        // Each real cell contributed value / count to the average, so it gets dy / count back.
        const share = gradient / <f64>(max(0, toY - fromY) * max(0, toX - fromX));
        for (let kh = fromY; kh < toY; kh++) {
          const rowIndex = (originY + kh) * width + originX;
          for (let kw = fromX; kw < toX; kw++) {
            const at = sums + (<usize>(rowIndex + kw) << 3);
            store<f64>(at, load<f64>(at) + share);
          }
        }
      }
    }
  }
  const target = output + ((<usize>plane * planeSize) << 2);
  for (let k = 0; k < planeSize; k++) store<f32>(target + (<usize>k << 2), <f32>load<f64>(sums + (<usize>k << 3)));
}

export function poolTask(job: usize, part: i32, parts: i32): void {
  const op = word(job, OP);
  const planes = word(job, PLANES);
  readGeometry(job);
  const overlapping = strideY < kernelHeight || strideX < kernelWidth;
  const sums = <usize>word(job, SCRATCH) + <usize>part * <usize>word(job, SCRATCH_STRIDE);
  const perUnit = word(job, PLANES_PER_UNIT);
  const units = (planes + perUnit - 1) / perUnit;
  for (let unit = claim(job, units); unit >= 0; unit = claim(job, units)) {
    const last = min(planes, (unit + 1) * perUnit);
    for (let plane = unit * perUnit; plane < last; plane++) {
      // One specialised copy of the plane loop per op (op is a constant inside poolPlane).
      if (op == MAX_FORWARD) poolPlane(MAX_FORWARD, plane);
      else if (op == AVERAGE_FORWARD) poolPlane(AVERAGE_FORWARD, plane);
      else if (overlapping) accumulatePlane(op, plane, sums);
      else if (op == MAX_BACKWARD) poolPlane(MAX_BACKWARD, plane);
      else poolPlane(AVERAGE_BACKWARD, plane);
    }
  }
}
