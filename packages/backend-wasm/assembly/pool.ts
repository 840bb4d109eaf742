/**
 * Max and average pooling (NCHW) and their gradients, like the reference backend
 * (packages/tensor/src/reference/pool.ts): padded cells never win a max and do not count in an
 * average; the first maximum of a window (NaN above every number) wins and alone gets the
 * gradient; averages and gradients add in float64 and round once. Threads split planes
 * (batch x channels), which never share a value.
 */
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
/** float64 accumulators, height x width per thread (backward). */
const SCRATCH = 15;
const SCRATCH_STRIDE = 16;
const PLANES_PER_UNIT = 17;

@inline function word(job: usize, index: i32): i32 {
  return load<i32>(job + (<usize>index << 2));
}

export function poolTask(job: usize, part: i32, parts: i32): void {
  const op = word(job, OP);
  const planes = word(job, PLANES);
  const sums = <usize>word(job, SCRATCH) + <usize>part * <usize>word(job, SCRATCH_STRIDE);
  const perUnit = word(job, PLANES_PER_UNIT);
  const units = (planes + perUnit - 1) / perUnit;
  for (let unit = claim(job, units); unit >= 0; unit = claim(job, units)) {
    for (let plane = unit * perUnit; plane < min(planes, (unit + 1) * perUnit); plane++) poolPlane(job, op, plane, sums);
  }
}

function poolPlane(job: usize, op: i32, plane: i32, sums: usize): void {
  const height = word(job, HEIGHT);
  const width = word(job, WIDTH);
  const outHeight = word(job, OUT_HEIGHT);
  const outWidth = word(job, OUT_WIDTH);
  const kernelHeight = word(job, KERNEL_HEIGHT);
  const kernelWidth = word(job, KERNEL_WIDTH);
  const strideY = word(job, STRIDE_Y);
  const strideX = word(job, STRIDE_X);
  const padTop = word(job, PAD_TOP);
  const padLeft = word(job, PAD_LEFT);
  const x = <usize>word(job, X);
  const dy = <usize>word(job, DY);
  const output = <usize>word(job, OUTPUT);
  const planeSize = height * width;
  const outPlaneSize = outHeight * outWidth;
  const backward = op == MAX_BACKWARD || op == AVERAGE_BACKWARD;
  const xPlane = x + ((<usize>plane * planeSize) << 2);
  if (backward) memory.fill(sums, 0, <usize>planeSize << 3);
  for (let i = 0; i < outHeight; i++) {
    const originY = i * strideY - padTop;
    const fromY = max(0, -originY);
    const toY = min(kernelHeight, height - originY);
    for (let j = 0; j < outWidth; j++) {
      const originX = j * strideX - padLeft;
      const fromX = max(0, -originX);
      const toX = min(kernelWidth, width - originX);
      const outIndex = <usize>plane * outPlaneSize + i * outWidth + j;
      if (op == MAX_FORWARD || op == MAX_BACKWARD) {
        let best: f32 = -Infinity;
        let bestIndex = -1;
        for (let kh = fromY; kh < toY; kh++) {
          const rowIndex = (originY + kh) * width + originX;
          for (let kw = fromX; kw < toX; kw++) {
            const value = load<f32>(xPlane + (<usize>(rowIndex + kw) << 2));
            if (bestIndex < 0 || value > best || (value != value && best == best)) {
              best = value;
              bestIndex = rowIndex + kw;
            }
          }
        }
        if (op == MAX_FORWARD) store<f32>(output + (outIndex << 2), best);
        else if (bestIndex >= 0) {
          const at = sums + (<usize>bestIndex << 3);
          store<f64>(at, load<f64>(at) + <f64>load<f32>(dy + (outIndex << 2)));
        }
      } else {
        const count = max(0, toY - fromY) * max(0, toX - fromX);
        if (op == AVERAGE_FORWARD) {
          let sum: f64 = 0;
          for (let kh = fromY; kh < toY; kh++) {
            const rowIndex = (originY + kh) * width + originX;
            for (let kw = fromX; kw < toX; kw++) sum += <f64>load<f32>(xPlane + (<usize>(rowIndex + kw) << 2));
          }
          store<f32>(output + (outIndex << 2), count > 0 ? <f32>(sum / <f64>count) : 0);
        } else if (count > 0) {
          const share = <f64>load<f32>(dy + (outIndex << 2)) / <f64>count;
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
  }
  if (backward) {
    const target = output + ((<usize>plane * planeSize) << 2);
    for (let k = 0; k < planeSize; k++) store<f32>(target + (<usize>k << 2), <f32>load<f64>(sums + (<usize>k << 3)));
  }
}
