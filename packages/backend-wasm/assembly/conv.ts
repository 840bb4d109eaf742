/**
 * Convolution kernels that are more than one GEMM job. conv2d and conv2dBackwardFilter are plain
 * GEMM jobs over the im2col operand (the host builds their descriptors, src/conv.ts); the gradient
 * with respect to x needs a col2im after its GEMM:
 *
 *   dColumns_g [K, count*P] = Filter_g^T [K, OCG] · dY_g [OCG, count*P]      (gemmRange)
 *   dx[n, g*ICG + c, i*SY - PT + kh*DY, j*SX - PL + kw*DX] += dColumns_g[(c*KH + kh)*KW + kw, n*P + i*OW + j]
 *
 * With few output channels per group (the host decides; LeNet-5's conv1 has 6) the GEMM's depth
 * OCG is so small that its packing and the column buffer cost more than its multiply-adds: the
 * direct path computes one image's column values tap by tap into a buffer of P floats, with the
 * GEMM's summation order, and adds them into dx at once (directImage).
 *
 * Units of work are chunks of whole images (the col2im of two images never touches the same dx
 * value), so no two threads write one value and the additions into each dx value happen in the
 * same order (tap by tap, ascending) whatever the thread count and whichever path.
 */
import { gemmRange, gemmScratchBytes } from './gemm';
import { claim } from './schedule';
import { KIND_DENSE, KIND_IMAGES, OPERAND_WORDS } from './operands';

// Job layout (i32 words), written by the host.
const BATCH = 0;
const CHANNELS = 1;
const HEIGHT = 2;
const WIDTH = 3;
const OUT_CHANNELS = 4;
const KERNEL_HEIGHT = 5;
const KERNEL_WIDTH = 6;
const STRIDE_Y = 7;
const STRIDE_X = 8;
const PAD_TOP = 9;
const PAD_LEFT = 10;
const DILATION_Y = 11;
const DILATION_X = 12;
const OUT_HEIGHT = 13;
const OUT_WIDTH = 14;
const GROUPS = 15;
const DY = 16;
const FILTER = 17;
const DX = 18;
const SCRATCH = 19;
const SCRATCH_STRIDE = 20;
const IMAGES_PER_CHUNK = 21;
/** 1: the direct path (directImage) instead of GEMM + col2im. */
const DIRECT = 22;

@inline function word(address: usize, index: i32): i32 {
  return load<i32>(address + (<usize>index << 2));
}

@inline function setWord(address: usize, index: i32, value: i32): void {
  store<i32>(address + (<usize>index << 2), value);
}

/** Bytes of scratch one thread needs besides the column buffer: GEMM scratch and 3 descriptors. */
export function convBackwardDataScratchBytes(): i32 {
  return gemmScratchBytes() + 3 * OPERAND_WORDS * 4 + 64;
}

export function conv2dBackwardDataTask(job: usize, part: i32, parts: i32): void {
  const batch = word(job, BATCH);
  const channels = word(job, CHANNELS);
  const height = word(job, HEIGHT);
  const width = word(job, WIDTH);
  const outChannels = word(job, OUT_CHANNELS);
  const groups = word(job, GROUPS);
  const kernelArea = word(job, KERNEL_HEIGHT) * word(job, KERNEL_WIDTH);
  const pixels = word(job, OUT_HEIGHT) * word(job, OUT_WIDTH);
  const inPerGroup = channels / groups;
  const outPerGroup = outChannels / groups;
  const taps = inPerGroup * kernelArea;
  const chunk = word(job, IMAGES_PER_CHUNK);
  const direct = word(job, DIRECT) != 0;
  const scratch = <usize>word(job, SCRATCH) + <usize>part * <usize>word(job, SCRATCH_STRIDE);
  const gemmScratch = scratch;
  const a = scratch + <usize>gemmScratchBytes();
  const b = a + OPERAND_WORDS * 4;
  const c = b + OPERAND_WORDS * 4;
  const columns = (c + OPERAND_WORDS * 4 + 63) & ~63;
  const imageBytes = (<usize>channels * height * width) << 2;
  const dx = <usize>word(job, DX);
  const chunks = (batch + chunk - 1) / chunk;
  for (let unit = claim(job, chunks); unit >= 0; unit = claim(job, chunks)) {
    const first = unit * chunk;
    const count = min(chunk, batch - first);
    memory.fill(dx + <usize>first * imageBytes, 0, <usize>count * imageBytes);
    if (direct) {
      for (let image = first; image < first + count; image++) directImage(job, image, columns);
      continue;
    }
    const colStart = first * pixels;
    const width_ = count * pixels;
    for (let group = 0; group < groups; group++) {
      // A = Filter_g^T: the filter block [OCG, K] is stored row-major, read transposed.
      setWord(a, 0, KIND_DENSE);
      setWord(a, 1, word(job, FILTER) + ((group * outPerGroup * taps) << 2));
      setWord(a, 2, 1);
      setWord(a, 3, taps);
      // B = dY_g read as [OCG, batch * P].
      setWord(b, 0, KIND_IMAGES);
      setWord(b, 1, word(job, DY) + ((group * outPerGroup * pixels) << 2));
      setWord(b, 2, 0);
      setWord(b, 3, pixels);
      setWord(b, 4, outChannels * pixels);
      // C = the chunk's columns, [K, count * P]; the base is shifted so column indices stay absolute.
      setWord(c, 0, KIND_DENSE);
      setWord(c, 1, <i32>columns - (colStart << 2));
      setWord(c, 2, 0);
      setWord(c, 3, width_);
      gemmRange(a, b, c, 0, outPerGroup, 0, taps, colStart, colStart + width_, false, gemmScratch);
      col2im(job, columns, group * inPerGroup, first, count, dx);
    }
  }
}

/** Adds every column value into dx at the position it was read from (the adjoint of im2col). */
function col2im(job: usize, columns: usize, channelOffset: i32, first: i32, count: i32, dx: usize): void {
  const channels = word(job, CHANNELS);
  const planeFloats = word(job, HEIGHT) * word(job, WIDTH);
  const kernelHeight = word(job, KERNEL_HEIGHT);
  const kernelWidth = word(job, KERNEL_WIDTH);
  const pixelBytes = <usize>(word(job, OUT_HEIGHT) * word(job, OUT_WIDTH)) << 2;
  const inPerGroup = channels / word(job, GROUPS);
  let source = columns;
  for (let c = 0; c < inPerGroup; c++) {
    for (let kh = 0; kh < kernelHeight; kh++) {
      for (let kw = 0; kw < kernelWidth; kw++) {
        for (let image = 0; image < count; image++) {
          addTap(job, source, dx + (((<usize>(first + image) * channels + channelOffset + c) * planeFloats) << 2), kh, kw);
          source += pixelBytes;
        }
      }
    }
  }
}

/**
 * The direct path for few output channels per group (the host picks it): the column values of one
 * image and one tap, sum_o filter[o, tap] * dy[o, pixel] in ascending o (the GEMM's sum, one KC
 * block), go to `values` (P floats) and straight into dx, without a column buffer or packing.
 * dx gets the same additions in the same order per value (taps ascending), so the same bits.
 */
function directImage(job: usize, image: i32, values: usize): void {
  const channels = word(job, CHANNELS);
  const planeFloats = word(job, HEIGHT) * word(job, WIDTH);
  const outChannels = word(job, OUT_CHANNELS);
  const kernelHeight = word(job, KERNEL_HEIGHT);
  const kernelWidth = word(job, KERNEL_WIDTH);
  const groups = word(job, GROUPS);
  const pixels = word(job, OUT_HEIGHT) * word(job, OUT_WIDTH);
  const inPerGroup = channels / groups;
  const outPerGroup = outChannels / groups;
  const taps = inPerGroup * kernelHeight * kernelWidth;
  const dyImage = <usize>word(job, DY) + ((<usize>image * outChannels * pixels) << 2);
  const dxImage = <usize>word(job, DX) + ((<usize>image * channels * planeFloats) << 2);
  for (let group = 0; group < groups; group++) {
    const dy = dyImage + ((<usize>group * outPerGroup * pixels) << 2);
    const filter = <usize>word(job, FILTER) + ((<usize>group * outPerGroup * taps) << 2);
    let tap = 0;
    for (let c = 0; c < inPerGroup; c++) {
      const plane = dxImage + ((<usize>(group * inPerGroup + c) * planeFloats) << 2);
      for (let kh = 0; kh < kernelHeight; kh++) {
        for (let kw = 0; kw < kernelWidth; kw++) {
          tapValues(filter + (<usize>tap << 2), <usize>taps << 2, dy, pixels, outPerGroup, values);
          addTap(job, values, plane, kh, kw);
          tap++;
        }
      }
    }
  }
}

/**
 * values[q] = sum over o < depth of weights[o * weightStride] * dy[o * pixels + q], o ascending.
 * Blocks of 32 pixels keep 8 independent sums in flight, as many as the GEMM's micro-kernel: fewer
 * would wait on the latency of each addition.
 */
function tapValues(weights: usize, weightStride: usize, dy: usize, pixels: i32, depth: i32, values: usize): void {
  const rowBytes = <usize>pixels << 2;
  let q = 0;
  for (; q + 32 <= pixels; q += 32) {
    let s0 = f32x4.splat(0);
    let s1 = f32x4.splat(0);
    let s2 = f32x4.splat(0);
    let s3 = f32x4.splat(0);
    let s4 = f32x4.splat(0);
    let s5 = f32x4.splat(0);
    let s6 = f32x4.splat(0);
    let s7 = f32x4.splat(0);
    let from = dy + (<usize>q << 2);
    let weight = weights;
    for (let o = 0; o < depth; o++) {
      const w = v128.load32_splat(weight);
      s0 = f32x4.add(s0, f32x4.mul(w, v128.load(from)));
      s1 = f32x4.add(s1, f32x4.mul(w, v128.load(from, 16)));
      s2 = f32x4.add(s2, f32x4.mul(w, v128.load(from, 32)));
      s3 = f32x4.add(s3, f32x4.mul(w, v128.load(from, 48)));
      s4 = f32x4.add(s4, f32x4.mul(w, v128.load(from, 64)));
      s5 = f32x4.add(s5, f32x4.mul(w, v128.load(from, 80)));
      s6 = f32x4.add(s6, f32x4.mul(w, v128.load(from, 96)));
      s7 = f32x4.add(s7, f32x4.mul(w, v128.load(from, 112)));
      from += rowBytes;
      weight += weightStride;
    }
    const to = values + (<usize>q << 2);
    v128.store(to, s0);
    v128.store(to, s1, 16);
    v128.store(to, s2, 32);
    v128.store(to, s3, 48);
    v128.store(to, s4, 64);
    v128.store(to, s5, 80);
    v128.store(to, s6, 96);
    v128.store(to, s7, 112);
  }
  for (; q + 4 <= pixels; q += 4) {
    let sum = f32x4.splat(0);
    for (let o = 0; o < depth; o++) {
      sum = f32x4.add(sum, f32x4.mul(v128.load32_splat(weights + <usize>o * weightStride), v128.load(dy + <usize>o * rowBytes + (<usize>q << 2))));
    }
    v128.store(values + (<usize>q << 2), sum);
  }
  for (; q < pixels; q++) {
    let sum: f32 = 0;
    for (let o = 0; o < depth; o++) sum += load<f32>(weights + <usize>o * weightStride) * load<f32>(dy + <usize>o * rowBytes + (<usize>q << 2));
    store<f32>(values + (<usize>q << 2), sum);
  }
}

/** Adds the P values of one tap (kh, kw) of one image into its dx plane (one input channel). */
function addTap(job: usize, source: usize, plane: usize, kh: i32, kw: i32): void {
  const height = word(job, HEIGHT);
  const width = word(job, WIDTH);
  const strideY = word(job, STRIDE_Y);
  const strideX = word(job, STRIDE_X);
  const padTop = word(job, PAD_TOP);
  const outHeight = word(job, OUT_HEIGHT);
  const outWidth = word(job, OUT_WIDTH);
  const offsetX = kw * word(job, DILATION_X) - word(job, PAD_LEFT);
  // With stride 1, ix = j + offsetX lies in [0, width) for j in [jFirst, jLast).
  const jFirst = min(max(0, -offsetX), outWidth);
  const jLast = max(min(outWidth, width - offsetX), jFirst);
  const offsetY = kh * word(job, DILATION_Y) - padTop;
  for (let i = 0; i < outHeight; i++) {
    const inY = i * strideY + offsetY;
    if (inY < 0 || inY >= height) {
      source += <usize>outWidth << 2;
      continue;
    }
    const row = plane + ((<usize>inY * width) << 2);
    if (strideX == 1) {
      const to = row + (<isize>offsetX << 2);
      let j = jFirst;
      for (; j + 4 <= jLast; j += 4) {
        const at = to + (<usize>j << 2);
        v128.store(at, f32x4.add(v128.load(at), v128.load(source + (<usize>j << 2))));
      }
      for (; j < jLast; j++) {
        const at = to + (<usize>j << 2);
        store<f32>(at, load<f32>(at) + load<f32>(source + (<usize>j << 2)));
      }
    } else {
      for (let j = 0; j < outWidth; j++) {
        const inX = j * strideX + offsetX;
        if (inX >= 0 && inX < width) {
          const at = row + (<usize>inX << 2);
          store<f32>(at, load<f32>(at) + load<f32>(source + (<usize>j << 2)));
        }
      }
    }
    source += <usize>outWidth << 2;
  }
}
