/**
 * The GEMM's micro-kernels (gemm.ts): one tile of C, up to 4 rows x 8 columns, over the depth of
 * a packed block, and the store of the tile into C.
 *
 * Every element of the tile is the same chain of float32 operations whichever path computes or
 * stores it (sum_p a[r, p] * b[p, q] in ascending p, mul then add, then C_old + sum when
 * accumulating): the paths differ only in which values are written and how.
 *
 * - Tiles with 3 or 4 valid rows run the 4x8 kernel (8 v128 accumulators); tiles with 1 or 2 (the
 *   last tile of m = 6 or m = 5) a 2x16 kernel over two B panels, without the multiply-adds of
 *   rows that do not exist.
 * - The 8 columns of a tile are contiguous in C when C is DENSE, or IMAGES and the tile does not
 *   cross an image boundary: the valid rows are then stored with vector stores.
 * - Otherwise (fewer than 8 valid columns, or crossing images) the tile goes through `tile` and is
 *   written as contiguous pieces, each with one address per row (no division per element).
 */
import { NR } from './gemm';
import { KIND_DENSE, OPERAND_3, OPERAND_4, OPERAND_BASE, OPERAND_KIND } from './operands';

@inline function word(address: usize, index: i32): i32 {
  return load<i32>(address + (<usize>index << 2));
}

/**
 * One tile of C at (row, column), `rows` x `columns` valid, over `depth`: a and b are packed
 * panels (4 values of A and 8 of B per depth index).
 */
export function microKernel(depth: i32, a: usize, b: usize, c: usize, row: i32, column: i32, rows: i32, columns: i32, accumulate: bool, tile: usize): void {
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
  storeTile(c, row, column, rows, columns, accumulate, tile, c00, c01, c10, c11, c20, c21, c30, c31);
}

/**
 * Tiles of 1 or 2 valid rows: rows 0 and 1 of the packed A panel only, over two adjacent B panels
 * at once when `nextColumns` > 0 (the next panel, at b + depth * 32, valid columns), so that 8
 * sums are in flight as in the 4x8 kernel: 4 would wait on the latency of each addition.
 */
export function microKernelTwoRows(depth: i32, a: usize, b: usize, c: usize, row: i32, column: i32, rows: i32, columns: i32, nextColumns: i32, accumulate: bool, tile: usize): void {
  let c00 = f32x4.splat(0);
  let c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0);
  let c11 = f32x4.splat(0);
  const zero = f32x4.splat(0);
  if (nextColumns == 0) {
    for (let p = 0; p < depth; p++) {
      const b0 = v128.load(b);
      const b1 = v128.load(b, 16);
      let av = v128.load32_splat(a);
      c00 = f32x4.add(c00, f32x4.mul(av, b0));
      c01 = f32x4.add(c01, f32x4.mul(av, b1));
      av = v128.load32_splat(a, 4);
      c10 = f32x4.add(c10, f32x4.mul(av, b0));
      c11 = f32x4.add(c11, f32x4.mul(av, b1));
      a += 16;
      b += 32;
    }
    storeTile(c, row, column, rows, columns, accumulate, tile, c00, c01, c10, c11, zero, zero, zero, zero);
    return;
  }
  let c02 = f32x4.splat(0);
  let c03 = f32x4.splat(0);
  let c12 = f32x4.splat(0);
  let c13 = f32x4.splat(0);
  const next = <usize>depth << 5;
  for (let p = 0; p < depth; p++) {
    const b0 = v128.load(b);
    const b1 = v128.load(b, 16);
    const b2 = v128.load(b + next);
    const b3 = v128.load(b + next, 16);
    let av = v128.load32_splat(a);
    c00 = f32x4.add(c00, f32x4.mul(av, b0));
    c01 = f32x4.add(c01, f32x4.mul(av, b1));
    c02 = f32x4.add(c02, f32x4.mul(av, b2));
    c03 = f32x4.add(c03, f32x4.mul(av, b3));
    av = v128.load32_splat(a, 4);
    c10 = f32x4.add(c10, f32x4.mul(av, b0));
    c11 = f32x4.add(c11, f32x4.mul(av, b1));
    c12 = f32x4.add(c12, f32x4.mul(av, b2));
    c13 = f32x4.add(c13, f32x4.mul(av, b3));
    a += 16;
    b += 32;
  }
  storeTile(c, row, column, rows, columns, accumulate, tile, c00, c01, c10, c11, zero, zero, zero, zero);
  storeTile(c, row, column + NR, rows, nextColumns, accumulate, tile, c02, c03, c12, c13, zero, zero, zero, zero);
}

/** Stores (or adds) 8 values at `to` from two accumulators. */
@inline function storeRow(to: usize, low: v128, high: v128, accumulate: bool): void {
  if (accumulate) {
    low = f32x4.add(v128.load(to), low);
    high = f32x4.add(v128.load(to, 16), high);
  }
  v128.store(to, low);
  v128.store(to, high, 16);
}

/** Writes the valid `rows` x `columns` of a tile held in 8 accumulators (row r in cr0, cr1). */
@inline function storeTile(c: usize, row: i32, column: i32, rows: i32, columns: i32, accumulate: bool, tile: usize,
  c00: v128, c01: v128, c10: v128, c11: v128, c20: v128, c21: v128, c30: v128, c31: v128): void {
  const base = <usize>word(c, OPERAND_BASE);
  const stride = word(c, OPERAND_3);
  const dense = word(c, OPERAND_KIND) == KIND_DENSE;
  // IMAGES: column q is pixel q % P of image q / P; the row stride is P, the image stride word 4.
  const image = dense ? 0 : column / stride;
  const pixel = dense ? column : column - image * stride;
  const imageStride = dense ? 0 : word(c, OPERAND_4);
  const rowBytes = <usize>stride << 2;
  if (columns == NR && (dense || pixel + NR <= stride)) {
    const t0 = base + ((<usize>image * imageStride + <usize>row * stride + pixel) << 2);
    storeRow(t0, c00, c01, accumulate);
    if (rows > 1) storeRow(t0 + rowBytes, c10, c11, accumulate);
    if (rows > 2) storeRow(t0 + rowBytes * 2, c20, c21, accumulate);
    if (rows > 3) storeRow(t0 + rowBytes * 3, c30, c31, accumulate);
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
  storePieces(base, stride, imageStride, dense, image, pixel, row, rows, columns, accumulate, tile);
}

/**
 * The slow path of storeTile: the tile's columns in pieces that are contiguous in C (all of them
 * when DENSE, up to the next image boundary when IMAGES), each piece with one address per row.
 */
function storePieces(base: usize, stride: i32, imageStride: i32, dense: bool, image: i32, pixel: i32, row: i32, rows: i32, columns: i32, accumulate: bool, tile: usize): void {
  const rowBytes = <usize>stride << 2;
  let first = 0;
  while (first < columns) {
    const count = dense ? columns : min(columns - first, stride - pixel);
    let to = base + ((<usize>image * imageStride + <usize>row * stride + pixel) << 2);
    let from = tile + (<usize>first << 2);
    for (let r = 0; r < rows; r++) {
      for (let q = 0; q < count; q++) {
        const target = to + (<usize>q << 2);
        const value = load<f32>(from + (<usize>q << 2));
        store<f32>(target, accumulate ? load<f32>(target) + value : value);
      }
      to += rowBytes;
      from += <usize>NR << 2;
    }
    first += count;
    pixel = 0;
    image++;
  }
}
