/**
 * Depth split of the GEMM (gemm.ts) for products whose C is too small to share between threads
 * but whose depth is long: the weight gradient of a convolution (dFilter [OC, taps] = dY ·
 * im2col^T, depth batch x pixels) or a thin matmul. Splitting C there would make every thread
 * pack the whole of the other operand; splitting the depth does not repeat any packing.
 *
 * The units of work are chunks of depth, each a whole number of KC blocks, chosen by the host from
 * m, n and k only (src/kernels/gemm.ts). Chunk 0 is computed into C as an ordinary GEMM (with the
 * job's accumulate flag); chunk i > 0 into its own partial sum, partials + (i - 1) * m * n floats.
 * The thread that finishes the last chunk adds the partials into C in ascending chunk order:
 *
 *   C = ((C0 + P1) + P2) + ...      C0 = chunk 0's result (C_old + its sum when accumulating)
 *
 * The chunks and the order of the additions do not depend on the thread count or on which thread
 * took which chunk, so the results are identical for every thread count.
 */
import { DESCRIPTOR_BYTES, JOB_ACCUMULATE, JOB_CHUNKS_DONE, JOB_DEPTH_CHUNK, JOB_K, JOB_M, JOB_N, JOB_PARTIALS, gemmRange } from './gemm';
import { KIND_DENSE, OPERAND_3, OPERAND_4, OPERAND_BASE, OPERAND_KIND, OPERAND_TRANSPOSED } from './operands';
import { claim } from './schedule';

@inline function word(address: usize, index: i32): i32 {
  return load<i32>(address + (<usize>index << 2));
}

@inline function setWord(address: usize, index: i32, value: i32): void {
  store<i32>(address + (<usize>index << 2), value);
}

/**
 * Thread entry of a depth-split GEMM job: a, b, c are this thread's copies of the descriptors,
 * `partial` room for one more descriptor (the DENSE partial sum of the chunk being computed).
 */
export function depthSplitTask(job: usize, a: usize, b: usize, c: usize, partial: usize, scratch: usize): void {
  const m = word(job, JOB_M);
  const n = word(job, JOB_N);
  const k = word(job, JOB_K);
  const accumulate = word(job, JOB_ACCUMULATE) != 0;
  const chunk = word(job, JOB_DEPTH_CHUNK);
  const partials = <usize>word(job, JOB_PARTIALS);
  const chunks = (k + chunk - 1) / chunk;
  const partialBytes = (<usize>m * n) << 2;
  memory.fill(partial, 0, DESCRIPTOR_BYTES);
  setWord(partial, OPERAND_KIND, KIND_DENSE);
  setWord(partial, OPERAND_TRANSPOSED, 0);
  setWord(partial, OPERAND_3, n);
  for (let unit = claim(job, chunks); unit >= 0; unit = claim(job, chunks)) {
    const depthStart = unit * chunk;
    const depthEnd = min(k, depthStart + chunk);
    if (unit == 0) {
      gemmRange(a, b, c, depthStart, depthEnd, 0, m, 0, n, accumulate, scratch);
    } else {
      setWord(partial, OPERAND_BASE, <i32>(partials + <usize>(unit - 1) * partialBytes));
      gemmRange(a, b, partial, depthStart, depthEnd, 0, m, 0, n, false, scratch);
    }
    // Sequentially consistent: the thread that sees chunks - 1 here also sees every partial.
    if (atomic.add<i32>(job + (<usize>JOB_CHUNKS_DONE << 2), 1) == chunks - 1) addPartials(c, partials, chunks - 1, m, n);
  }
}

/** C[row, column] += partial 0, then partial 1, ... (each DENSE [m, n]), in that order per element. */
function addPartials(c: usize, partials: usize, partialCount: i32, m: i32, n: i32): void {
  const base = <usize>word(c, OPERAND_BASE);
  const stride = word(c, OPERAND_3);
  const dense = word(c, OPERAND_KIND) == KIND_DENSE;
  const imageStride = dense ? 0 : word(c, OPERAND_4);
  const partialBytes = (<usize>m * n) << 2;
  for (let row = 0; row < m; row++) {
    // A row of C in contiguous pieces: the whole row when DENSE, one image's pixels when IMAGES.
    let column = 0;
    let image = 0;
    while (column < n) {
      const length = dense ? n : min(n - column, stride);
      const to = base + ((<usize>image * imageStride + <usize>row * stride) << 2);
      addPiece(to, partials + ((<usize>row * n + column) << 2), partialBytes, partialCount, length);
      column += length;
      image++;
    }
  }
}

/** to[q] += from[q] + i * step for i = 0 .. count - 1 in turn, q < length. */
function addPiece(to: usize, from: usize, step: usize, count: i32, length: i32): void {
  let q = 0;
  for (; q + 4 <= length; q += 4) {
    const at = <usize>q << 2;
    let sum = v128.load(to + at);
    for (let i = 0; i < count; i++) sum = f32x4.add(sum, v128.load(from + at + <usize>i * step));
    v128.store(to + at, sum);
  }
  for (; q < length; q++) {
    const at = <usize>q << 2;
    let sum = load<f32>(to + at);
    for (let i = 0; i < count; i++) sum += load<f32>(from + at + <usize>i * step);
    store<f32>(to + at, sum);
  }
}
