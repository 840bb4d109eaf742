/**
 * GEMM: C (m x n) = A (m x k) · B (k x n), or C += A · B, in float32 with SIMD128.
 *
 * BLIS-style blocking (shared/wasm-notes.md): B is packed in blocks of KC x NC into panels of 8
 * columns, A in blocks of MC x KC into panels of 4 rows, and a 4x8 micro-kernel (micro-kernel.ts)
 * keeps its tile of C in 8 v128 accumulators for the whole depth of a block. V8 gives wasm 15
 * usable xmm registers: 8 accumulators + 2 B vectors + 1 A splat fit; larger tiles spill and
 * halve the speed. Tiles of 1 or 2 rows (the last of m = 5, 6) run 2 x 16 over two panels.
 *
 * Operands are descriptors (operands.ts), so the same driver multiplies dense matrices (either
 * transposed), the never-materialised im2col matrix of a convolution and NCHW tensors read as
 * [channels, batch * pixels]. C is DENSE (row stride ldc) or IMAGES (output-shaped).
 *
 * Numerics: each element of C is a sum over k in ascending order, rounded to float32 at every
 * step (mul then add; no FMA), with one extra rounding per KC block (C += block sum). Threads
 * split the work by rows or columns of C, or (depth-split.ts: products with a small C and a long
 * depth, chosen by the host from m, n and k only) by chunks of depth: each chunk of a whole number
 * of KC blocks is summed on its own, then C (+)= the chunk sums in ascending chunk order, one
 * more rounding per chunk. Neither the chunks nor the order of any addition depends on the thread
 * count or on which thread computed what, so results are identical for every thread count.
 */
import { depthSplitTask } from './depth-split';
import { microKernel, microKernelTwoRows } from './micro-kernel';
import { OPERAND_BASE, OPERAND_WORDS } from './operands';
import { packA, packB } from './pack';
import { claim } from './schedule';

export const MR: i32 = 4;
export const NR: i32 = 8;
export const KC: i32 = 256;
export const MC: i32 = 96;
export const NC: i32 = 1024;

export const DESCRIPTOR_BYTES: usize = <usize>OPERAND_WORDS << 2;
const TMP_FLOATS: i32 = max(8 * KC, max(NC + NR, MC + MR));
/** Per-thread scratch layout (bytes): four operand descriptors, packed A, packed B, run buffer, tile. */
const SCRATCH_DESCRIPTORS: usize = 0;
const SCRATCH_PACKED_A: usize = 384;
const SCRATCH_PACKED_B: usize = SCRATCH_PACKED_A + ((<usize>MC * KC) << 2);
const SCRATCH_TMP: usize = SCRATCH_PACKED_B + ((<usize>KC * NC) << 2);
const SCRATCH_TILE: usize = SCRATCH_TMP + (<usize>TMP_FLOATS << 2);
const SCRATCH_BYTES: usize = SCRATCH_TILE + 128 + 64;

/** Bytes of scratch memory each thread needs for a GEMM (the host allocates parts x this). */
export function gemmScratchBytes(): i32 {
  return <i32>SCRATCH_BYTES;
}

// Job layout (i32 words): the host writes it (src/gemm.ts).
export const JOB_M = 0;
export const JOB_N = 1;
export const JOB_K = 2;
export const JOB_ACCUMULATE = 3;
/** 0: units are blocks of columns, 1: blocks of rows. */
export const JOB_SPLIT_ROWS = 4;
export const JOB_BATCH_COUNT = 5;
/** Address of batchCount x 3 i32 byte offsets added to the bases of A, B and C. */
export const JOB_BATCH_OFFSETS = 6;
export const JOB_SCRATCH = 7;
export const JOB_SCRATCH_STRIDE = 8;
/** Columns (a multiple of 8) or rows (a multiple of 4) per unit of work. */
export const JOB_UNIT = 9;
/** Depth per chunk (a multiple of KC) when units are chunks of depth (depth-split.ts), else 0. */
export const JOB_DEPTH_CHUNK = 10;
/** Address of the partial sums of chunks 1.. (chunks - 1) x m x n floats. */
export const JOB_PARTIALS = 11;
/** Chunks finished (the host zeroes it): the thread that finishes the last one adds the partials. */
export const JOB_CHUNKS_DONE = 12;
export const JOB_A = 16;
export const JOB_B = JOB_A + OPERAND_WORDS;
export const JOB_C = JOB_B + OPERAND_WORDS;
export const JOB_WORDS = JOB_C + OPERAND_WORDS;

@inline function word(address: usize, index: i32): i32 {
  return load<i32>(address + (<usize>index << 2));
}

/**
 * C[rowStart..rowEnd, colStart..colEnd] (+)= A[.., depthStart..depthEnd] · B[depthStart..depthEnd, ..],
 * single-threaded, with the descriptors at a, b, c and the scratch of one thread.
 */
export function gemmRange(a: usize, b: usize, c: usize, depthStart: i32, depthEnd: i32, rowStart: i32, rowEnd: i32, colStart: i32, colEnd: i32, accumulate: bool, scratch: usize): void {
  const packedA = scratch + SCRATCH_PACKED_A;
  const packedB = scratch + SCRATCH_PACKED_B;
  const tmp = scratch + SCRATCH_TMP;
  const tile = scratch + SCRATCH_TILE;
  if (depthEnd == depthStart) {
    // An empty sum: C = 0 (or unchanged with accumulate). Depth-0 tiles store their zeros.
    if (accumulate) return;
    for (let column = colStart; column < colEnd; column += NR) {
      for (let row = rowStart; row < rowEnd; row += MR) {
        microKernel(0, packedA, packedB, c, row, column, min(MR, rowEnd - row), min(NR, colEnd - column), false, tile);
      }
    }
    return;
  }
  for (let jc = colStart; jc < colEnd; jc += NC) {
    const nc = min(NC, colEnd - jc);
    for (let pc = depthStart; pc < depthEnd; pc += KC) {
      const kc = min(KC, depthEnd - pc);
      packB(b, pc, kc, jc, nc, packedB, tmp);
      const add = accumulate || pc > depthStart;
      for (let ic = rowStart; ic < rowEnd; ic += MC) {
        const mc = min(MC, rowEnd - ic);
        packA(a, ic, mc, pc, kc, packedA, tmp);
        for (let jr = 0; jr < nc; jr += NR) {
          const columns = min(NR, nc - jr);
          const bPanel = packedB + ((<usize>jr * kc) << 2);
          const even = (jr & NR) == 0;
          for (let ir = 0; ir < mc; ir += MR) {
            const rows = min(MR, mc - ir);
            const aPanel = packedA + ((<usize>ir * kc) << 2);
            if (rows > 2) microKernel(kc, aPanel, bPanel, c, ic + ir, jc + jr, rows, columns, add, tile);
            // A tile of 1 or 2 rows takes this panel and the next one (if any) on even panels.
            else if (even) microKernelTwoRows(kc, aPanel, bPanel, c, ic + ir, jc + jr, rows, columns, max(0, min(NR, nc - jr - NR)), add, tile);
          }
        }
      }
    }
  }
}

/** The part `part` of `parts` of units 0..count-1 (contiguous, sizes differ by at most one). */
@inline export function partStart(count: i32, part: i32, parts: i32): i32 {
  return <i32>((<i64>count * part) / parts);
}

/**
 * Copies the job's three descriptors into this thread's scratch, shifted by a batch's offsets;
 * the scratch has room for a fourth after them (depth-split.ts).
 */
function localDescriptors(job: usize, scratch: usize, batch: i32): usize {
  const local = scratch + SCRATCH_DESCRIPTORS;
  memory.copy(local, job + (<usize>JOB_A << 2), DESCRIPTOR_BYTES * 3);
  if (batch >= 0) {
    const offsets = <usize>word(job, JOB_BATCH_OFFSETS) + <usize>batch * 12;
    for (let operand = 0; operand < 3; operand++) {
      const baseAddress = local + <usize>operand * DESCRIPTOR_BYTES + (<usize>OPERAND_BASE << 2);
      store<i32>(baseAddress, load<i32>(baseAddress) + load<i32>(offsets + (<usize>operand << 2)));
    }
  }
  return local;
}

/**
 * Thread entry of a GEMM job: takes units until none is left (schedule.ts). Batched jobs make
 * each batch a unit; a single product, blocks of columns (or rows) of C, or chunks of depth
 * (depth-split.ts) when the host gave a depth chunk. `part` picks the scratch.
 */
export function gemmTask(job: usize, part: i32, parts: i32): void {
  const m = word(job, JOB_M);
  const n = word(job, JOB_N);
  const k = word(job, JOB_K);
  const accumulate = word(job, JOB_ACCUMULATE) != 0;
  const batches = word(job, JOB_BATCH_COUNT);
  const scratch = <usize>word(job, JOB_SCRATCH) + <usize>part * <usize>word(job, JOB_SCRATCH_STRIDE);
  if (batches > 1) {
    for (let batch = claim(job, batches); batch >= 0; batch = claim(job, batches)) {
      const local = localDescriptors(job, scratch, batch);
      gemmRange(local, local + DESCRIPTOR_BYTES, local + DESCRIPTOR_BYTES * 2, 0, k, 0, m, 0, n, accumulate, scratch);
    }
    return;
  }
  const local = localDescriptors(job, scratch, -1);
  const a = local;
  const b = local + DESCRIPTOR_BYTES;
  const c = local + DESCRIPTOR_BYTES * 2;
  if (word(job, JOB_DEPTH_CHUNK) > 0) {
    depthSplitTask(job, a, b, c, local + DESCRIPTOR_BYTES * 3, scratch);
    return;
  }
  const size = word(job, JOB_UNIT);
  const rows = word(job, JOB_SPLIT_ROWS) != 0;
  const units = ((rows ? m : n) + size - 1) / size;
  for (let unit = claim(job, units); unit >= 0; unit = claim(job, units)) {
    const start = unit * size;
    if (rows) gemmRange(a, b, c, 0, k, start, min(m, start + size), 0, n, accumulate, scratch);
    else gemmRange(a, b, c, 0, k, 0, m, start, min(n, start + size), accumulate, scratch);
  }
}
