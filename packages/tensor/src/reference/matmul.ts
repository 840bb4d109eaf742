/**
 * Matrix multiplication of the reference backend: a blocked GEMM with packed panels and a 3x4
 * register tile, and the batched `matmul` kernel built on it. conv.ts reuses the GEMM.
 *
 * Numerics (a property the tests check bit for bit): every element of C is the dot product
 * accumulated in float64 in ascending k order and rounded once to float32. Products of two
 * float32 values are exact in float64 and JS never fuses multiply-add, so the result equals the
 * naive loop `let s = 0; for (p) s += a[i][p] * b[p][j]; c[i][j] = fround(s)` exactly, whatever
 * the blocking. With `accumulate`, C becomes fround(C + that float64 sum).
 *
 * Speed: plain JS does its arithmetic in float64 and cannot use SIMD, so the levers are loads
 * per multiply-add and cache misses. Panels are packed once into Float64Arrays (no float32 ->
 * float64 conversion in the hot loop) in the exact order the micro-kernel reads them; its twelve
 * sums stay in registers, so each step loads 7 values for 12 multiply-adds. A block of B panels
 * (512 KiB) is reused by every A panel while it sits in L2. There is deliberately no blocking of
 * k: it would force a float32 rounding of partial sums, and scalar JS is slow enough that panels
 * streaming from L2 keep up. Measured on the development VM (`pnpm bench`, scripts/bench-kernels.ts):
 * 3.5-5x the naive triple loop, like the prototype in shared/wasm-notes.md.
 */
import type { MatmulAttributes } from '../kernels/contract.js';
import { broadcastStrides, float32Of, sizeOfShape, stridedOffsets, wrap, type ReferenceTensor } from './storage.js';

/** Rows of an A panel and columns of a B panel: the register tile is TILE_ROWS x TILE_COLUMNS. */
export const TILE_ROWS = 3;
export const TILE_COLUMNS = 4;

/** Float64 values of packed B that should stay in L2 while every A panel passes over them. */
const B_BLOCK_VALUES = 64 * 1024;

/** A strided matrix inside a Float32Array: element (row, column) is at offset + row*rowStride + column*columnStride. */
export interface MatrixView {
  readonly values: Float32Array;
  readonly offset: number;
  readonly rowStride: number;
  readonly columnStride: number;
}

/**
 * A (rows x depth) matrix packed into panels of TILE_ROWS rows. Panel q holds, for p = 0..depth-1,
 * the TILE_ROWS values (q*TILE_ROWS + r, p) one after another; rows past the end are zero.
 */
export interface PackedRows {
  readonly rows: number;
  readonly depth: number;
  readonly panels: Float64Array;
}

/**
 * A (depth x columns) matrix packed into panels of TILE_COLUMNS columns. Panel q holds, for
 * p = 0..depth-1, the TILE_COLUMNS values (p, q*TILE_COLUMNS + c); columns past the end are zero.
 */
export interface PackedColumns {
  readonly columns: number;
  readonly depth: number;
  readonly panels: Float64Array;
}

/** A growing buffer, so that repeated GEMMs (conv over image chunks) reuse one allocation. */
export class PanelBuffer {
  private buffer = new Float64Array(0);
  take(length: number): Float64Array {
    if (this.buffer.length < length) this.buffer = new Float64Array(length);
    return this.buffer;
  }
}

/** A row-major matrix (rowStride = columns) as a view; pass transposed = true to read it transposed. */
export function matrixView(values: Float32Array, offset: number, rows: number, columns: number, transposed = false): MatrixView {
  // Transposed: element (row, column) of the view is element (column, row) of the stored matrix,
  // whose row length is the view's row count.
  return transposed
    ? { values, offset, rowStride: 1, columnStride: rows }
    : { values, offset, rowStride: columns, columnStride: 1 };
}

/** Packs the A operand. Transposition is just a different view: packing absorbs it. */
export function packRows(rows: number, depth: number, source: MatrixView, buffer?: PanelBuffer): PackedRows {
  const panelCount = Math.ceil(rows / TILE_ROWS);
  const length = panelCount * TILE_ROWS * depth;
  const panels = buffer ? buffer.take(length) : new Float64Array(length);
  const { values, offset, rowStride, columnStride } = source;
  let target = 0;
  for (let panelRow = 0; panelRow < rows; panelRow += TILE_ROWS) {
    const validRows = Math.min(TILE_ROWS, rows - panelRow);
    for (let p = 0; p < depth; p++) {
      const start = offset + panelRow * rowStride + p * columnStride;
      for (let r = 0; r < TILE_ROWS; r++) panels[target++] = r < validRows ? values[start + r * rowStride] : 0;
    }
  }
  return { rows, depth, panels };
}

/** Packs the B operand (see PackedColumns). */
export function packColumns(depth: number, columns: number, source: MatrixView, buffer?: PanelBuffer): PackedColumns {
  const panelCount = Math.ceil(columns / TILE_COLUMNS);
  const length = panelCount * TILE_COLUMNS * depth;
  const panels = buffer ? buffer.take(length) : new Float64Array(length);
  const { values, offset, rowStride, columnStride } = source;
  let target = 0;
  for (let panelColumn = 0; panelColumn < columns; panelColumn += TILE_COLUMNS) {
    const validColumns = Math.min(TILE_COLUMNS, columns - panelColumn);
    for (let p = 0; p < depth; p++) {
      const start = offset + p * rowStride + panelColumn * columnStride;
      for (let c = 0; c < TILE_COLUMNS; c++) panels[target++] = c < validColumns ? values[start + c * columnStride] : 0;
    }
  }
  return { columns, depth, panels };
}

/**
 * C = A B (or C += A B with `accumulate`) for packed A (rows x depth) and B (depth x columns);
 * C is row-major at `outputOffset` with row stride `columns`.
 */
export function multiplyPacked(a: PackedRows, b: PackedColumns, output: Float32Array, outputOffset: number, accumulate: boolean): void {
  const { rows, depth } = a;
  const { columns } = b;
  // How many B columns stay cache-resident while all A panels stream over them.
  const blockColumns = Math.max(TILE_COLUMNS, Math.floor(B_BLOCK_VALUES / Math.max(depth, 1) / TILE_COLUMNS) * TILE_COLUMNS);
  for (let blockStart = 0; blockStart < columns; blockStart += blockColumns) {
    const blockEnd = Math.min(columns, blockStart + blockColumns);
    for (let row = 0; row < rows; row += TILE_ROWS) {
      const validRows = Math.min(TILE_ROWS, rows - row);
      for (let column = blockStart; column < blockEnd; column += TILE_COLUMNS) {
        microKernel(
          depth,
          a.panels,
          row * depth,
          b.panels,
          column * depth,
          output,
          outputOffset + row * columns + column,
          columns,
          validRows,
          Math.min(TILE_COLUMNS, columns - column),
          accumulate,
        );
      }
    }
  }
}

/** Scratch for storing a tile: the 12 accumulators leave the registers through it. */
const tile = new Float64Array(TILE_ROWS * TILE_COLUMNS);

/**
 * One 3x4 tile of C over the full depth. The twelve sums live in locals (registers) for the whole
 * loop, so each step loads 7 values for 12 multiply-adds. Padded panel rows/columns are zero and
 * computed like the others; only `validRows` x `validColumns` are written.
 */
function microKernel(
  depth: number,
  aPanels: Float64Array,
  aStart: number,
  bPanels: Float64Array,
  bStart: number,
  output: Float32Array,
  outputStart: number,
  outputRowStride: number,
  validRows: number,
  validColumns: number,
  accumulate: boolean,
): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let ai = aStart;
  let bi = bStart;
  for (let p = 0; p < depth; p++) {
    const a0 = aPanels[ai], a1 = aPanels[ai + 1], a2 = aPanels[ai + 2];
    const b0 = bPanels[bi], b1 = bPanels[bi + 1], b2 = bPanels[bi + 2], b3 = bPanels[bi + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    ai += TILE_ROWS;
    bi += TILE_COLUMNS;
  }
  tile[0] = c00; tile[1] = c01; tile[2] = c02; tile[3] = c03;
  tile[4] = c10; tile[5] = c11; tile[6] = c12; tile[7] = c13;
  tile[8] = c20; tile[9] = c21; tile[10] = c22; tile[11] = c23;
  for (let r = 0; r < validRows; r++) {
    const rowStart = outputStart + r * outputRowStride;
    for (let c = 0; c < validColumns; c++) {
      // One rounding to float32 per element (two with accumulate: the sum, then the store).
      output[rowStart + c] = accumulate ? output[rowStart + c] + tile[r * TILE_COLUMNS + c] : tile[r * TILE_COLUMNS + c];
    }
  }
}

/** C (rows x columns, row-major at outputOffset) = A B, or += with accumulate. Packs both operands. */
export function gemm(
  rows: number,
  columns: number,
  depth: number,
  a: MatrixView,
  b: MatrixView,
  output: Float32Array,
  outputOffset = 0,
  accumulate = false,
): void {
  multiplyPacked(packRows(rows, depth, a), packColumns(depth, columns, b), output, outputOffset, accumulate);
}

/**
 * Batched matmul: a is [...batchA, m, k] ([..., k, m] with transposeA), b is [...batchB, k, n]
 * ([..., n, k] with transposeB); batch dimensions broadcast to outShape [...batch, m, n].
 * A packed operand is reused while consecutive batches read the same matrix (a broadcast operand,
 * e.g. one weight matrix for a batch of inputs, is packed once).
 */
function matmul(a: ReferenceTensor, b: ReferenceTensor, attributes: MatmulAttributes): ReferenceTensor {
  const { transposeA, transposeB, outShape } = attributes;
  const rank = outShape.length;
  const rows = outShape[rank - 2];
  const columns = outShape[rank - 1];
  const depth = transposeA ? a.shape[a.shape.length - 2] : a.shape[a.shape.length - 1];
  const output = new Float32Array(sizeOfShape(outShape));
  if (output.length === 0) return wrap(output, outShape);

  const batchShape = outShape.slice(0, -2);
  const aOffsets = batchOffsets(a.shape, batchShape, rows * depth);
  const bOffsets = batchOffsets(b.shape, batchShape, depth * columns);
  const aValues = float32Of(a);
  const bValues = float32Of(b);
  const aBuffer = new PanelBuffer();
  const bBuffer = new PanelBuffer();
  let packedA: PackedRows | undefined;
  let packedB: PackedColumns | undefined;
  for (let batch = 0; batch < aOffsets.length; batch++) {
    if (packedA === undefined || aOffsets[batch] !== aOffsets[batch - 1]) {
      packedA = packRows(rows, depth, matrixView(aValues, aOffsets[batch], rows, depth, transposeA), aBuffer);
    }
    if (packedB === undefined || bOffsets[batch] !== bOffsets[batch - 1]) {
      packedB = packColumns(depth, columns, matrixView(bValues, bOffsets[batch], depth, columns, transposeB), bBuffer);
    }
    multiplyPacked(packedA, packedB, output, batch * rows * columns, false);
  }
  return wrap(output, outShape);
}

/** Offset of the operand's matrix for every batch position of the (broadcast) output. */
function batchOffsets(shape: readonly number[], batchShape: readonly number[], matrixSize: number): Int32Array {
  const strides = broadcastStrides(shape.slice(0, -2), batchShape).map((stride) => stride * matrixSize);
  return stridedOffsets(batchShape, strides);
}

export const matmulKernels = { matmul };
