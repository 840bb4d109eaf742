/**
 * Matrix operands of the GEMM as the packing routines see them.
 *
 * The GEMM (gemm.ts) multiplies logical matrices without caring where their values come from: an
 * operand descriptor says how to read a contiguous "run" of one stored row. Three kinds:
 *
 * - DENSE: a row-major matrix, run `major` starts at base + (major * ld + minor) * 4.
 * - IMAGES: an output-shaped NCHW tensor read as [channels, batch * pixels]: column q is pixel
 *   q % P of image q / P, so a run crosses from one image to the next every P columns. Used for y
 *   (written), and dy (read) of a convolution.
 * - IM2COL: the column matrix of a convolution, [taps, batch * pixels], never materialised: row
 *   t = (c * KH + kh) * KW + kw, column q = (n, i, j) holds x[n, c0 + c, i*SY - PT + kh*DY,
 *   j*SX - PL + kw*DX], 0 in the padding. A run is a gather with a contiguous fast path.
 *
 * Stored runs are the "major" index; `transposed` maps logical (row, column) to stored
 * (major, minor) = (row, column) when 0 and (column, row) when 1. All words are i32 at the
 * descriptor address (see OPERAND_* offsets); the host (src/gemm.ts) writes them.
 */

export const KIND_DENSE = 0;
export const KIND_IMAGES = 1;
export const KIND_IM2COL = 2;

// Word offsets (x4 bytes) inside an operand descriptor.
export const OPERAND_KIND = 0;
export const OPERAND_BASE = 1;
export const OPERAND_TRANSPOSED = 2;
/** DENSE: ld (floats). IMAGES: P (pixels per image; row stride). IM2COL: input channels C. */
export const OPERAND_3 = 3;
/** IMAGES: image stride (floats). IM2COL: input height H. */
export const OPERAND_4 = 4;
// IM2COL only: W, KH, KW, SY, SX, PT, PL, DY, DX, OH, OW, channel offset.
export const OPERAND_WORDS = 20;

/**
 * Copies `count` floats. V8 turns memory.copy/fill with a variable size into a call: for the short
 * runs of im2col (one output row of a small feature map) an inline loop is several times faster.
 */
@inline function copyFloats(dst: usize, src: usize, count: i32): void {
  if (count >= 32) {
    memory.copy(dst, src, <usize>count << 2);
    return;
  }
  let i = 0;
  for (; i + 4 <= count; i += 4) v128.store(dst + (<usize>i << 2), v128.load(src + (<usize>i << 2)));
  if (i == count) return;
  if (count >= 4) {
    // The last 4 values again: one vector instead of up to 3 scalar copies.
    const last = <usize>(count - 4) << 2;
    v128.store(dst + last, v128.load(src + last));
    return;
  }
  for (; i < count; i++) store<f32>(dst + (<usize>i << 2), load<f32>(src + (<usize>i << 2)));
}

@inline function zeroFloats(dst: usize, count: i32): void {
  if (count >= 32) {
    memory.fill(dst, 0, <usize>count << 2);
    return;
  }
  let i = 0;
  for (; i + 4 <= count; i += 4) v128.store(dst + (<usize>i << 2), i32x4.splat(0));
  if (i == count) return;
  if (count >= 4) {
    v128.store(dst + (<usize>(count - 4) << 2), i32x4.splat(0));
    return;
  }
  for (; i < count; i++) store<f32>(dst + (<usize>i << 2), 0);
}

@inline function word(descriptor: usize, index: i32): i32 {
  return load<i32>(descriptor + (<usize>index << 2));
}

/** Copies stored run `major`, values minor .. minor + count - 1, to dst (contiguous floats). */
export function readRun(descriptor: usize, major: i32, minor: i32, count: i32, dst: usize): void {
  const kind = word(descriptor, OPERAND_KIND);
  const base = <usize>word(descriptor, OPERAND_BASE);
  if (kind == KIND_DENSE) {
    const ld = word(descriptor, OPERAND_3);
    copyFloats(dst, base + ((<usize>major * ld + minor) << 2), count);
  } else if (kind == KIND_IMAGES) {
    readImagesRun(base, word(descriptor, OPERAND_3), word(descriptor, OPERAND_4), major, minor, count, dst);
  } else {
    readIm2colRun(descriptor, base, major, minor, count, dst);
  }
}

/** Row `channel` of an output-shaped tensor, columns minor.., crossing images every P columns. */
function readImagesRun(base: usize, pixels: i32, imageStride: i32, channel: i32, minor: i32, count: i32, dst: usize): void {
  let image = minor / pixels;
  let pixel = minor - image * pixels;
  while (count > 0) {
    const take = min(count, pixels - pixel);
    copyFloats(dst, base + ((<usize>image * imageStride + <usize>channel * pixels + pixel) << 2), take);
    dst += <usize>take << 2;
    count -= take;
    pixel = 0;
    image++;
  }
}

/**
 * Tap `tap` of the column matrix for columns minor..minor+count-1. Walks output rows: each output
 * row segment reads one input row; with stride 1 the valid part is one contiguous copy and only
 * the padding ends are zero-filled. Small feature maps make many short segments (LeNet: 10 or 28
 * columns), so a whole output row uses bounds computed once per run, and the input row address
 * steps by a constant instead of being recomputed.
 */
function readIm2colRun(d: usize, base: usize, tap: i32, minor: i32, count: i32, dst: usize): void {
  const channels = word(d, 3);
  const height = word(d, 4);
  const width = word(d, 5);
  const kernelHeight = word(d, 6);
  const kernelWidth = word(d, 7);
  const strideY = word(d, 8);
  const strideX = word(d, 9);
  const padTop = word(d, 10);
  const padLeft = word(d, 11);
  const dilationY = word(d, 12);
  const dilationX = word(d, 13);
  const outHeight = word(d, 14);
  const outWidth = word(d, 15);
  const channelOffset = word(d, 16);
  const window = kernelHeight * kernelWidth;
  const c = tap / window;
  const rest = tap - c * window;
  const kh = rest / kernelWidth;
  const kw = rest - kh * kernelWidth;
  const pixels = outHeight * outWidth;
  let image = minor / pixels;
  let pixel = minor - image * pixels;
  let i = pixel / outWidth;
  let j = pixel - i * outWidth;
  const offsetX = kw * dilationX - padLeft;
  // Stride 1: ix = j + offsetX lies in [0, width) for j in [jFirst, jLast) (a whole output row).
  const jFirst = min(max(0, -offsetX), outWidth);
  const jLast = max(min(outWidth, width - offsetX), jFirst);
  const imageBytes = (<usize>channels * height * width) << 2;
  const rowStepBytes = (<usize>strideY * width) << 2;
  // The input row output row i reads: inY = i * strideY + offsetY, at plane + inY * width floats.
  const offsetY = kh * dilationY - padTop;
  const plane = base + ((<usize>(channelOffset + c) * height * width) << 2);
  let inY = i * strideY + offsetY;
  let row = plane + <usize>image * imageBytes + (<usize>(<isize>inY * width) << 2);
  while (count > 0) {
    if (strideX == 1 && j == 0 && count >= outWidth) {
      // Whole output rows up to the end of the image: the same bounds in every row.
      const rows = min(count / outWidth, outHeight - i);
      const copied = jLast - jFirst;
      const rowBytes = <usize>outWidth << 2;
      const source = <usize>(<isize>(jFirst + offsetX) << 2);
      for (let r = 0; r < rows; r++) {
        if (inY < 0 || inY >= height) {
          zeroFloats(dst, outWidth);
        } else {
          if (jFirst > 0) zeroFloats(dst, jFirst);
          copyFloats(dst + (<usize>jFirst << 2), row + source, copied);
          if (jLast < outWidth) zeroFloats(dst + (<usize>jLast << 2), outWidth - jLast);
        }
        dst += rowBytes;
        inY += strideY;
        row += rowStepBytes;
      }
      count -= rows * outWidth;
      i += rows;
      if (i == outHeight) {
        i = 0;
        image++;
        inY = offsetY;
        row = plane + <usize>image * imageBytes + (<usize>(<isize>inY * width) << 2);
      }
      continue;
    }
    const take = min(count, outWidth - j);
    if (inY < 0 || inY >= height) {
      zeroFloats(dst, take);
    } else if (strideX == 1) {
      // ix = j + offsetX must lie in [0, width): j in [first, last).
      const first = min(max(j, -offsetX), j + take);
      const last = max(min(j + take, width - offsetX), first);
      if (first > j) zeroFloats(dst, first - j);
      if (last > first) copyFloats(dst + (<usize>(first - j) << 2), row + (<usize>(first + offsetX) << 2), last - first);
      if (j + take > last) zeroFloats(dst + (<usize>(last - j) << 2), j + take - last);
    } else {
      for (let t = 0; t < take; t++) {
        const inX = (j + t) * strideX + offsetX;
        store<f32>(dst + (<usize>t << 2), inX >= 0 && inX < width ? load<f32>(row + (<usize>inX << 2)) : 0);
      }
    }
    dst += <usize>take << 2;
    count -= take;
    j = 0;
    i++;
    inY += strideY;
    row += rowStepBytes;
    if (i == outHeight) {
      i = 0;
      image++;
      inY = offsetY;
      row = plane + <usize>image * imageBytes + (<usize>(<isize>inY * width) << 2);
    }
  }
}

/** Logical (row, column) of the operand read as runs: is a logical row one stored run? */
export function rowsAreRuns(descriptor: usize): bool {
  return word(descriptor, OPERAND_TRANSPOSED) == 0;
}
