/**
 * The SIMD path of pooling (assembly/pool.ts) for windows two columns wide at horizontal stride 2
 * (2x2 stride 2, and k x 2 windows at any vertical stride): 4 adjacent windows of one output row
 * per step, all inside the input horizontally (their rows may be clipped by vertical padding:
 * `cells` is then the first real row). 8 consecutive values of an input row are the left cells
 * (even lanes) and the right cells (odd lanes) of the 4 windows; rows are visited in the
 * reference's window order (kh, then kw), so the first maximum and the float64 sums are the
 * reference's.
 */

/** Lanes where `value` replaces `best`: a larger number, or a NaN over a number (not over an earlier NaN). */
@inline export function replaces(value: v128, best: v128): v128 {
  return v128.andnot(f32x4.eq(best, best), f32x4.le(value, best));
}

/** `value` where it replaces `best`, else `best`. */
@inline function better(best: v128, value: v128): v128 {
  return v128.bitselect(value, best, replaces(value, best));
}

/** Max of the 4 windows whose first real row starts at `cells` (`rows` real rows, `rowBytes` apart). */
@inline export function maxForwardPairs(cells: usize, rowBytes: usize, rows: i32, output: usize): void {
  let first = v128.load(cells);
  let second = v128.load(cells, 16);
  // The window's first cell is its first candidate, whatever its value (-Infinity and NaN too).
  let best = better(v128.shuffle<f32>(first, second, 0, 2, 4, 6), v128.shuffle<f32>(first, second, 1, 3, 5, 7));
  for (let row = 1; row < rows; row++) {
    cells += rowBytes;
    first = v128.load(cells);
    second = v128.load(cells, 16);
    best = better(better(best, v128.shuffle<f32>(first, second, 0, 2, 4, 6)), v128.shuffle<f32>(first, second, 1, 3, 5, 7));
  }
  v128.store(output, best);
}

/**
 * Gradient of 4 non-overlapping windows: dy + 0 for the first maximum (the reference's float64
 * 0 + dy, rounded: -0 becomes +0, NaN stays NaN), +0 for the other cells. `target` is the
 * gradient cell of `cells` (x and the gradient share their layout).
 */
@inline export function maxBackwardPairs(cells: usize, rowBytes: usize, rows: i32, dy: usize, target: usize): void {
  let first = v128.load(cells);
  let second = v128.load(cells, 16);
  let best = v128.shuffle<f32>(first, second, 0, 2, 4, 6);
  let right = v128.shuffle<f32>(first, second, 1, 3, 5, 7);
  let take = replaces(right, best);
  best = v128.bitselect(right, best, take);
  // The winning cell of each window: 2 * row + column.
  let winner = v128.and(take, i32x4.splat(1));
  for (let row = 1; row < rows; row++) {
    first = v128.load(cells + <usize>row * rowBytes);
    second = v128.load(cells + <usize>row * rowBytes, 16);
    const left = v128.shuffle<f32>(first, second, 0, 2, 4, 6);
    right = v128.shuffle<f32>(first, second, 1, 3, 5, 7);
    take = replaces(left, best);
    best = v128.bitselect(left, best, take);
    winner = v128.bitselect(i32x4.splat(2 * row), winner, take);
    take = replaces(right, best);
    best = v128.bitselect(right, best, take);
    winner = v128.bitselect(i32x4.splat(2 * row + 1), winner, take);
  }
  const gradient = f32x4.add(v128.load(dy), f32x4.splat(0));
  for (let row = 0; row < rows; row++) {
    // Masks are all ones or all zeros: the gradient's bits, or +0.
    const left = v128.and(gradient, i32x4.eq(winner, i32x4.splat(2 * row)));
    const right = v128.and(gradient, i32x4.eq(winner, i32x4.splat(2 * row + 1)));
    const at = target + <usize>row * rowBytes;
    v128.store(at, v128.shuffle<f32>(left, right, 0, 4, 1, 5));
    v128.store(at, v128.shuffle<f32>(left, right, 2, 6, 3, 7), 16);
  }
}

/** The high two float32 lanes as float64. */
@inline function promoteHigh(values: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(values, values, 2, 3, 2, 3));
}

/** Two float64x2 halves rounded once to float32, in lane order. */
@inline function demoteHalves(low: v128, high: v128): v128 {
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(low), f32x4.demote_f64x2_zero(high), 0, 1, 4, 5);
}

/** Average of the 4 windows: float64 sums from 0 (so -0 cells add up to +0, like the reference) in window order, divided by the count, rounded once. */
@inline export function averageForwardPairs(cells: usize, rowBytes: usize, rows: i32, output: usize): void {
  let low = f64x2.splat(0);
  let high = f64x2.splat(0);
  for (let row = 0; row < rows; row++) {
    const first = v128.load(cells);
    const second = v128.load(cells, 16);
    const left = v128.shuffle<f32>(first, second, 0, 2, 4, 6);
    const right = v128.shuffle<f32>(first, second, 1, 3, 5, 7);
    low = f64x2.add(f64x2.add(low, f64x2.promote_low_f32x4(left)), f64x2.promote_low_f32x4(right));
    high = f64x2.add(f64x2.add(high, promoteHigh(left)), promoteHigh(right));
    cells += rowBytes;
  }
  const count = f64x2.splat(<f64>(2 * rows));
  v128.store(output, demoteHalves(f64x2.div(low, count), f64x2.div(high, count)));
}

/** Gradient of 4 non-overlapping windows: every cell gets the reference's float64 0 + dy / count, rounded. */
@inline export function averageBackwardPairs(rowBytes: usize, rows: i32, dy: usize, target: usize): void {
  const gradients = v128.load(dy);
  const count = f64x2.splat(<f64>(2 * rows));
  const zero = f64x2.splat(0);
  const low = f64x2.add(zero, f64x2.div(f64x2.promote_low_f32x4(gradients), count));
  const high = f64x2.add(zero, f64x2.div(promoteHigh(gradients), count));
  const shares = demoteHalves(low, high);
  const left = v128.shuffle<f32>(shares, shares, 0, 0, 1, 1);
  const right = v128.shuffle<f32>(shares, shares, 2, 2, 3, 3);
  for (let row = 0; row < rows; row++) {
    const at = target + <usize>row * rowBytes;
    v128.store(at, left);
    v128.store(at, right, 16);
  }
}
