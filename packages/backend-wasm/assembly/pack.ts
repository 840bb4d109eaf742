/**
 * Packing for the GEMM (gemm.ts): blocks of A into panels of MR = 4 rows ([depth][4]) and blocks
 * of B into panels of NR = 8 columns ([depth][8]), in the order the micro-kernel reads them. Values
 * come from operand descriptors as contiguous runs (operands.ts); when a run goes the other way
 * than the panel (A row-major, B transposed, the im2col matrix read transposed) 4x4 blocks are
 * transposed with shuffles. Rows and columns past the end are packed as zeros.
 */
import { MR, NR } from './gemm';
import { readRun, rowsAreRuns } from './operands';

/**
 * Packs rows [rowStart, rowStart + rows) x depth [depthStart, depthStart + depth) of A into
 * panels of 4 rows: panel q holds, for each p, the 4 values (q*4 + r, p); missing rows are 0.
 */
export function packA(descriptor: usize, rowStart: i32, rows: i32, depthStart: i32, depth: i32, dst: usize, tmp: usize): void {
  const panels = (rows + MR - 1) / MR;
  const depthBytes = <usize>depth << 2;
  if (rowsAreRuns(descriptor)) {
    // Each row is contiguous along depth: read 4 rows, then transpose 4 x depth into depth x 4.
    for (let panel = 0; panel < panels; panel++) {
      for (let r = 0; r < MR; r++) {
        const row = panel * MR + r;
        if (row < rows) readRun(descriptor, rowStart + row, depthStart, depth, tmp + <usize>r * depthBytes);
        else memory.fill(tmp + <usize>r * depthBytes, 0, depthBytes);
      }
      transpose4(tmp, depth, dst + <usize>panel * depthBytes * MR);
    }
  } else {
    // Stored transposed: for each depth index the rows are contiguous.
    const padded = panels * MR;
    memory.fill(tmp + (<usize>rows << 2), 0, <usize>(padded - rows) << 2);
    for (let p = 0; p < depth; p++) {
      readRun(descriptor, depthStart + p, rowStart, rows, tmp);
      for (let panel = 0; panel < panels; panel++) {
        v128.store(dst + ((<usize>panel * depth + p) << 4), v128.load(tmp + (<usize>panel << 4)));
      }
    }
  }
}

/**
 * Packs depth [depthStart, +depth) x columns [colStart, +cols) of B into panels of 8 columns:
 * panel q holds, for each p, the 8 values (p, q*8 + c); missing columns are 0.
 */
export function packB(descriptor: usize, depthStart: i32, depth: i32, colStart: i32, cols: i32, dst: usize, tmp: usize): void {
  const panels = (cols + NR - 1) / NR;
  const depthBytes = <usize>depth << 2;
  if (rowsAreRuns(descriptor)) {
    // Columns past the end read as zeros; readRun never writes there.
    const padded = panels * NR;
    memory.fill(tmp + (<usize>cols << 2), 0, <usize>(padded - cols) << 2);
    for (let p = 0; p < depth; p++) {
      readRun(descriptor, depthStart + p, colStart, cols, tmp);
      for (let panel = 0; panel < panels; panel++) {
        const to = dst + ((<usize>panel * depth + p) << 5);
        const from = tmp + (<usize>panel << 5);
        v128.store(to, v128.load(from));
        v128.store(to, v128.load(from, 16), 16);
      }
    }
  } else {
    // Each column is contiguous along depth: read 8 columns, transpose in two 4-column halves.
    for (let panel = 0; panel < panels; panel++) {
      for (let c = 0; c < NR; c++) {
        const column = panel * NR + c;
        if (column < cols) readRun(descriptor, colStart + column, depthStart, depth, tmp + <usize>c * depthBytes);
        else memory.fill(tmp + <usize>c * depthBytes, 0, depthBytes);
      }
      const to = dst + <usize>panel * depthBytes * NR;
      transposeHalf(tmp, depth, to, 0);
      transposeHalf(tmp + depthBytes * 4, depth, to, 1);
    }
  }
}

/** dst[p * 4 + r] = src[r * depth + p] for r < 4: four rows of length depth, interleaved. */
function transpose4(src: usize, depth: i32, dst: usize): void {
  const rowBytes = <usize>depth << 2;
  let p = 0;
  for (; p + 4 <= depth; p += 4) {
    const from = src + (<usize>p << 2);
    const r0 = v128.load(from);
    const r1 = v128.load(from + rowBytes);
    const r2 = v128.load(from + rowBytes * 2);
    const r3 = v128.load(from + rowBytes * 3);
    const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
    const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
    const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
    const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
    const to = dst + (<usize>p << 4);
    v128.store(to, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
    v128.store(to, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 16);
    v128.store(to, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 32);
    v128.store(to, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 48);
  }
  for (; p < depth; p++) {
    for (let r = 0; r < 4; r++) store<f32>(dst + ((<usize>p * 4 + r) << 2), load<f32>(src + <usize>r * rowBytes + (<usize>p << 2)));
  }
}

/** Like transpose4 into an 8-wide panel: dst[p * 8 + half * 4 + r] = src[r * depth + p]. */
function transposeHalf(src: usize, depth: i32, dst: usize, half: i32): void {
  const rowBytes = <usize>depth << 2;
  const base = dst + (<usize>half << 4);
  let p = 0;
  for (; p + 4 <= depth; p += 4) {
    const from = src + (<usize>p << 2);
    const r0 = v128.load(from);
    const r1 = v128.load(from + rowBytes);
    const r2 = v128.load(from + rowBytes * 2);
    const r3 = v128.load(from + rowBytes * 3);
    const t0 = v128.shuffle<f32>(r0, r1, 0, 4, 1, 5);
    const t1 = v128.shuffle<f32>(r0, r1, 2, 6, 3, 7);
    const t2 = v128.shuffle<f32>(r2, r3, 0, 4, 1, 5);
    const t3 = v128.shuffle<f32>(r2, r3, 2, 6, 3, 7);
    const to = base + (<usize>p << 5);
    v128.store(to, v128.shuffle<f32>(t0, t2, 0, 1, 4, 5));
    v128.store(to, v128.shuffle<f32>(t0, t2, 2, 3, 6, 7), 32);
    v128.store(to, v128.shuffle<f32>(t1, t3, 0, 1, 4, 5), 64);
    v128.store(to, v128.shuffle<f32>(t1, t3, 2, 3, 6, 7), 96);
  }
  for (; p < depth; p++) {
    for (let r = 0; r < 4; r++) store<f32>(base + ((<usize>p * 8 + r) << 2), load<f32>(src + <usize>r * rowBytes + (<usize>p << 2)));
  }
}

