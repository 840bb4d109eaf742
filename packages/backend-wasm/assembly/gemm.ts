/**
 * GEMM: C (m x n) = A (m x k) · B (k x n), or C += A · B, in float32 with SIMD128.
 *
 * BLIS-style blocking (shared/wasm-notes.md): B is packed in blocks of KC x NC into panels of 8
 * columns, A in blocks of MC x KC into panels of 4 rows, and a 4x8 micro-kernel keeps its tile of
 * C in 8 v128 accumulators for the whole depth of a block. V8 gives wasm 15 usable xmm registers:
 * 8 accumulators + 2 B vectors + 1 A splat fit; larger tiles spill and halve the speed.
 *
 * Operands are descriptors (operands.ts), so the same driver multiplies dense matrices (either
 * transposed), the never-materialised im2col matrix of a convolution and NCHW tensors read as
 * [channels, batch * pixels]. C is DENSE (row stride ldc) or IMAGES (output-shaped).
 *
 * Numerics: each element of C is a sum over k in ascending order, rounded to float32 at every
 * step (mul then add; no FMA), with one extra rounding per KC block (C += block sum). This does
 * not depend on how the work is split between threads (rows or columns, never depth), so results
 * are identical for every thread count.
 */
import { KIND_DENSE, OPERAND_3, OPERAND_4, OPERAND_BASE, OPERAND_KIND, OPERAND_WORDS } from './operands';
import { packA, packB } from './pack';
import { claim } from './schedule';

export const MR: i32 = 4;
export const NR: i32 = 8;
export const KC: i32 = 256;
export const MC: i32 = 96;
export const NC: i32 = 1024;

const DESCRIPTOR_BYTES: usize = <usize>OPERAND_WORDS << 2;
const TMP_FLOATS: i32 = max(8 * KC, max(NC + NR, MC + MR));
/** Per-thread scratch layout (bytes): three operand descriptors, packed A, packed B, run buffer, tile. */
const SCRATCH_DESCRIPTORS: usize = 0;
const SCRATCH_PACKED_A: usize = 256;
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
export const JOB_A = 16;
export const JOB_B = JOB_A + OPERAND_WORDS;
export const JOB_C = JOB_B + OPERAND_WORDS;
export const JOB_WORDS = JOB_C + OPERAND_WORDS;

@inline function word(address: usize, index: i32): i32 {
  return load<i32>(address + (<usize>index << 2));
}

/** Address of C's element (row, column). */
@inline function addressOf(c: usize, row: i32, column: i32): usize {
  const base = <usize>word(c, OPERAND_BASE);
  const stride = word(c, OPERAND_3);
  if (word(c, OPERAND_KIND) == KIND_DENSE) return base + ((<usize>row * stride + column) << 2);
  const image = column / stride;
  return base + ((<usize>image * word(c, OPERAND_4) + <usize>row * stride + (column - image * stride)) << 2);
}

/**
 * One 4x8 tile over `depth`: a and b are packed panels. A full tile whose 8 columns are adjacent
 * in memory is stored with vector stores; an edge tile goes through `tile` and is written element
 * by element (only its valid rows x columns).
 */
function microKernel(depth: i32, a: usize, b: usize, c: usize, row: i32, column: i32, rows: i32, columns: i32, accumulate: bool, tile: usize): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0);
  let c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0);
  let c31 = f32x4.splat(0);
  for (let p = 0; p < depth; p++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    let av = v128.load32_splat(a);
    c00 = f32x4.add(c00, f32x4.mul(av, b0));
    c01 = f32x4.add(c01, f32x4.mul(av, b1));
    av = v128.load32_splat(a, 4);
    c10 = f32x4.add(c10, f32x4.mul(av, b0));
    c11 = f32x4.add(c11, f32x4.mul(av, b1));
    av = v128.load32_splat(a, 8);
    c20 = f32x4.add(c20, f32x4.mul(av, b0));
    c21 = f32x4.add(c21, f32x4.mul(av, b1));
    av = v128.load32_splat(a, 12);
    c30 = f32x4.add(c30, f32x4.mul(av, b0));
    c31 = f32x4.add(c31, f32x4.mul(av, b1));
    a += 16;
    b += 32;
  }
  const stride = word(c, OPERAND_3);
  const contiguous = word(c, OPERAND_KIND) == KIND_DENSE || (column % stride) + NR <= stride;
  if (rows == MR && columns == NR && contiguous) {
    const rowBytes = <usize>stride << 2;
    const t0 = addressOf(c, row, column);
    const t1 = t0 + rowBytes;
    const t2 = t1 + rowBytes;
    const t3 = t2 + rowBytes;
    if (accumulate) {
      c00 = f32x4.add(v128.load(t0), c00);
      c01 = f32x4.add(v128.load(t0, 16), c01);
      c10 = f32x4.add(v128.load(t1), c10);
      c11 = f32x4.add(v128.load(t1, 16), c11);
      c20 = f32x4.add(v128.load(t2), c20);
      c21 = f32x4.add(v128.load(t2, 16), c21);
      c30 = f32x4.add(v128.load(t3), c30);
      c31 = f32x4.add(v128.load(t3, 16), c31);
    }
    v128.store(t0, c00);
    v128.store(t0, c01, 16);
    v128.store(t1, c10);
    v128.store(t1, c11, 16);
    v128.store(t2, c20);
    v128.store(t2, c21, 16);
    v128.store(t3, c30);
    v128.store(t3, c31, 16);
    return;
  }
  v128.store(tile, c00);
  v128.store(tile, c01, 16);
  v128.store(tile, c10, 32);
  v128.store(tile, c11, 48);
  v128.store(tile, c20, 64);
  v128.store(tile, c21, 80);
  v128.store(tile, c30, 96);
  v128.store(tile, c31, 112);
  for (let r = 0; r < rows; r++) {
    for (let q = 0; q < columns; q++) {
      const target = addressOf(c, row + r, column + q);
      const value = load<f32>(tile + ((<usize>r * NR + q) << 2));
      store<f32>(target, accumulate ? load<f32>(target) + value : value);
    }
  }
}

/**
 * C[rowStart..rowEnd, colStart..colEnd] (+)= A · B over the full depth, single-threaded, with the
 * descriptors at a, b, c and the scratch of one thread.
 */
export function gemmRange(a: usize, b: usize, c: usize, depth: i32, rowStart: i32, rowEnd: i32, colStart: i32, colEnd: i32, accumulate: bool, scratch: usize): void {
  const packedA = scratch + SCRATCH_PACKED_A;
  const packedB = scratch + SCRATCH_PACKED_B;
  const tmp = scratch + SCRATCH_TMP;
  const tile = scratch + SCRATCH_TILE;
  if (depth == 0) {
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
    for (let pc = 0; pc < depth; pc += KC) {
      const kc = min(KC, depth - pc);
      packB(b, pc, kc, jc, nc, packedB, tmp);
      const add = accumulate || pc > 0;
      for (let ic = rowStart; ic < rowEnd; ic += MC) {
        const mc = min(MC, rowEnd - ic);
        packA(a, ic, mc, pc, kc, packedA, tmp);
        for (let jr = 0; jr < nc; jr += NR) {
          const columns = min(NR, nc - jr);
          const bPanel = packedB + ((<usize>jr * kc) << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            microKernel(kc, packedA + ((<usize>ir * kc) << 2), bPanel, c, ic + ir, jc + jr, min(MR, mc - ir), columns, add, tile);
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

/** Copies the job's three descriptors into this thread's scratch, shifted by a batch's offsets. */
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
 * each batch a unit; a single product, blocks of columns (or rows) of C. `part` picks the scratch.
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
      gemmRange(local, local + DESCRIPTOR_BYTES, local + DESCRIPTOR_BYTES * 2, k, 0, m, 0, n, accumulate, scratch);
    }
    return;
  }
  const local = localDescriptors(job, scratch, -1);
  const a = local;
  const b = local + DESCRIPTOR_BYTES;
  const c = local + DESCRIPTOR_BYTES * 2;
  const size = word(job, JOB_UNIT);
  const rows = word(job, JOB_SPLIT_ROWS) != 0;
  const units = ((rows ? m : n) + size - 1) / size;
  for (let unit = claim(job, units); unit >= 0; unit = claim(job, units)) {
    const start = unit * size;
    if (rows) gemmRange(a, b, c, k, start, min(m, start + size), 0, n, accumulate, scratch);
    else gemmRange(a, b, c, k, 0, m, start, min(n, start + size), accumulate, scratch);
  }
}
