/**
 * Elementwise kernels: unary ops, clip, binary arithmetic and comparisons with broadcasting.
 *
 * The host (src/kernels/elementwise.ts) merges axes so that the iteration is over `rows` rows of
 * `inner` values: the output is contiguous, operand k of row r starts at the odometer offset of r
 * (rank-1 outer axes with per-operand strides, 0 along broadcast axes) and steps by its inner
 * stride, 1 or 0 (a broadcast value). Inner strides (1, 1), (1, 0) and (0, 1) run as SIMD loops.
 *
 * Numerics follow the reference backend: + - * / sqrt and min/max are the IEEE float32 operations
 * (correctly rounded, so identical); exp, log, sigmoid and tanh are computed in float64 and rounded
 * once (AssemblyScript's Math is a port of musl: within 1 ulp). maximum/minimum propagate NaN and
 * order -0 below +0, like Math.max/min; relu keeps NaN and -0 (x < 0 ? 0 : x).
 */
import { claim } from './schedule';

export const NEG = 0;
export const ABS = 1;
export const SIGN = 2;
export const EXP = 3;
export const LOG = 4;
export const SQRT = 5;
export const SQUARE = 6;
export const RECIPROCAL = 7;
export const RELU = 8;
export const SIGMOID = 9;
export const TANH = 10;
export const CLIP = 11;
/** quantize into a binary format: x < 0 ? -scale : x >= 0 ? scale : NaN (low = -scale, high = scale). */
export const BINARIZE = 12;
export const ADD = 20;
export const SUB = 21;
export const MUL = 22;
export const DIV = 23;
export const MAXIMUM = 24;
export const MINIMUM = 25;
/** JavaScript's Math.pow (not C's: pow(±1, ±Inf) and pow(1, NaN) are NaN), in float64, rounded once. */
export const POW = 26;
export const EQUAL = 30;
export const NOT_EQUAL = 31;
export const LESS = 32;
export const LESS_EQUAL = 33;
export const GREATER = 34;
export const GREATER_EQUAL = 35;
/** condition != 0 ? a : b, bits copied (so int32 branches too); the condition is float32 or int32. */
export const WHERE_FLOAT = 40;
export const WHERE_INT = 41;

// Job layout (i32 words).
const OP = 0;
const RANK = 1;
const OUT = 2;
const A = 3;
const B = 4;
const LOW = 5;
const HIGH = 6;
/** where: the condition (a and b are the branches). */
const C = 7;
const SHAPE = 8;
const A_STRIDES = 16;
const B_STRIDES = 24;
const C_STRIDES = 32;
/** Values per unit of work (a multiple of 4). */
const UNIT_VALUES = 1 << 14;

@inline function word(job: usize, index: i32): i32 {
  return load<i32>(job + (<usize>index << 2));
}

@inline function scalarUnary(op: i32, x: f32, low: f32, high: f32): f32 {
  if (op == EXP) return <f32>Math.exp(<f64>x);
  if (op == LOG) return <f32>Math.log(<f64>x);
  if (op == SIGMOID) return <f32>(1.0 / (1.0 + Math.exp(-<f64>x)));
  if (op == TANH) return <f32>Math.tanh(<f64>x);
  if (op == SIGN) return x > 0 ? 1 : x < 0 ? -1 : x;
  if (op == CLIP) return x < low ? low : x > high ? high : x;
  return 0;
}

@inline function vectorUnary(op: i32, x: v128, low: v128, high: v128): v128 {
  if (op == NEG) return f32x4.neg(x);
  if (op == ABS) return f32x4.abs(x);
  if (op == SQRT) return f32x4.sqrt(x);
  if (op == SQUARE) return f32x4.mul(x, x);
  if (op == RECIPROCAL) return f32x4.div(f32x4.splat(1), x);
  if (op == RELU) return v128.bitselect(f32x4.splat(0), x, f32x4.lt(x, f32x4.splat(0)));
  if (op == CLIP) return v128.bitselect(low, v128.bitselect(high, x, f32x4.gt(x, high)), f32x4.lt(x, low));
  // NaN fails both tests: the canonical quiet NaN, as JavaScript stores it.
  if (op == BINARIZE) return v128.bitselect(low, v128.bitselect(high, i32x4.splat(0x7fc00000), f32x4.ge(x, f32x4.splat(0))), f32x4.lt(x, f32x4.splat(0)));
  if (op == SIGN) {
    // ±1 with x's sign where x is a non-zero number; x itself (±0, NaN) elsewhere.
    const one = v128.or(v128.and(x, i32x4.splat(0x80000000)), f32x4.splat(1));
    return v128.bitselect(one, x, v128.and(f32x4.ne(x, f32x4.splat(0)), f32x4.eq(x, x)));
  }
  return x;
}

@inline function vectorBinary(op: i32, a: v128, b: v128): v128 {
  if (op == ADD) return f32x4.add(a, b);
  if (op == SUB) return f32x4.sub(a, b);
  if (op == MUL) return f32x4.mul(a, b);
  if (op == DIV) return f32x4.div(a, b);
  if (op == MAXIMUM) return f32x4.max(a, b);
  if (op == MINIMUM) return f32x4.min(a, b);
  let mask: v128;
  if (op == EQUAL) mask = f32x4.eq(a, b);
  else if (op == NOT_EQUAL) mask = f32x4.ne(a, b);
  else if (op == LESS) mask = f32x4.lt(a, b);
  else if (op == LESS_EQUAL) mask = f32x4.le(a, b);
  else if (op == GREATER) mask = f32x4.gt(a, b);
  else mask = f32x4.ge(a, b);
  return v128.and(mask, f32x4.splat(1));
}

/** Scalar twin of vectorBinary (tails and strided rows): the same IEEE operations. */
@inline function scalarBinary(op: i32, a: f32, b: f32): f32 {
  if (op == POW) return jsPow(a, b);
  return f32x4.extract_lane(vectorBinary(op, f32x4.splat(a), f32x4.splat(b)), 0);
}

/**
 * Math.pow of the reference backend: musl's pow (AssemblyScript's Math.pow, < 1 ulp in float64)
 * rounded once to float32, with JavaScript's two departures from C. No SIMD: the table-driven
 * float64 pow has no vector form, and pow is not hot in training.
 */
function jsPow(a: f32, b: f32): f32 {
  const y = <f64>b;
  if (y != y || (Math.abs(<f64>a) == 1 && Math.abs(y) == Infinity)) return NaN;
  return <f32>Math.pow(<f64>a, y);
}

@inline function unaryRow(op: i32, out: usize, a: usize, count: i32, low: f32, high: f32): void {
  let i = 0;
  const vectorised = op != EXP && op != LOG && op != SIGMOID && op != TANH;
  if (vectorised) {
    const lowVector = f32x4.splat(low);
    const highVector = f32x4.splat(high);
    for (; i + 4 <= count; i += 4) {
      const offset = <usize>i << 2;
      v128.store(out + offset, vectorUnary(op, v128.load(a + offset), lowVector, highVector));
    }
    for (; i < count; i++) {
      const offset = <usize>i << 2;
      store<f32>(out + offset, f32x4.extract_lane(vectorUnary(op, f32x4.splat(load<f32>(a + offset)), lowVector, highVector), 0));
    }
  } else {
    for (; i < count; i++) store<f32>(out + (<usize>i << 2), scalarUnary(op, load<f32>(a + (<usize>i << 2)), low, high));
  }
}

@inline function binaryRow(op: i32, out: usize, a: usize, aStep: i32, b: usize, bStep: i32, count: i32): void {
  let i = 0;
  if (op == POW) {
    // No vector form (see jsPow): the scalar loop below.
  } else if (aStep == 1 && bStep == 1) {
    for (; i + 4 <= count; i += 4) {
      const offset = <usize>i << 2;
      v128.store(out + offset, vectorBinary(op, v128.load(a + offset), v128.load(b + offset)));
    }
  } else if (aStep == 1 && bStep == 0) {
    const right = v128.load32_splat(b);
    for (; i + 4 <= count; i += 4) {
      const offset = <usize>i << 2;
      v128.store(out + offset, vectorBinary(op, v128.load(a + offset), right));
    }
  } else if (aStep == 0 && bStep == 1) {
    const left = v128.load32_splat(a);
    for (; i + 4 <= count; i += 4) {
      const offset = <usize>i << 2;
      v128.store(out + offset, vectorBinary(op, left, v128.load(b + offset)));
    }
  }
  for (; i < count; i++) {
    const value = scalarBinary(op, load<f32>(a + ((<usize>i * aStep) << 2)), load<f32>(b + ((<usize>i * bStep) << 2)));
    store<f32>(out + (<usize>i << 2), value);
  }
}

/** A vector of 4 consecutive values (step 1) or one value repeated (step 0, a broadcast operand). */
@inline function lanesOf(address: usize, step: i32, offset: usize): v128 {
  return step != 0 ? v128.load(address + offset) : v128.load32_splat(address);
}

/** where: NaN != 0 selects a, -0 == 0 selects b (float32 condition), like the reference. */
@inline function whereRow(op: i32, out: usize, a: usize, aStep: i32, b: usize, bStep: i32, c: usize, cStep: i32, count: i32): void {
  let i = 0;
  if (aStep <= 1 && bStep <= 1 && cStep <= 1) {
    for (; i + 4 <= count; i += 4) {
      const offset = <usize>i << 2;
      const condition = lanesOf(c, cStep, offset);
      const mask = op == WHERE_INT ? i32x4.ne(condition, i32x4.splat(0)) : f32x4.ne(condition, f32x4.splat(0));
      v128.store(out + offset, v128.bitselect(lanesOf(a, aStep, offset), lanesOf(b, bStep, offset), mask));
    }
  }
  for (; i < count; i++) {
    const at = <usize>i << 2;
    const selected = op == WHERE_INT ? load<i32>(c + at * <usize>cStep) != 0 : load<f32>(c + at * <usize>cStep) != 0;
    store<i32>(out + at, selected ? load<i32>(a + at * <usize>aStep) : load<i32>(b + at * <usize>bStep));
  }
}

/** Rows [first, last) of the job: each row starts at its odometer offsets. */
@inline function rows(job: usize, op: i32, first: i32, last: i32, innerStart: i32, innerEnd: i32): void {
  const rank = word(job, RANK);
  const inner = word(job, SHAPE + rank - 1);
  const aStep = word(job, A_STRIDES + rank - 1);
  const bStep = word(job, B_STRIDES + rank - 1);
  const cStep = word(job, C_STRIDES + rank - 1);
  const low = reinterpret<f32>(word(job, LOW));
  const high = reinterpret<f32>(word(job, HIGH));
  const out = <usize>word(job, OUT);
  const a = <usize>word(job, A);
  const b = <usize>word(job, B);
  const c = <usize>word(job, C);
  for (let row = first; row < last; row++) {
    // Offsets of the row in each operand: the outer axes' indices times their strides.
    let rest = row;
    let aOffset = 0;
    let bOffset = 0;
    let cOffset = 0;
    for (let axis = rank - 2; axis >= 0; axis--) {
      const size = word(job, SHAPE + axis);
      const index = rest % size;
      rest /= size;
      aOffset += index * word(job, A_STRIDES + axis);
      bOffset += index * word(job, B_STRIDES + axis);
      cOffset += index * word(job, C_STRIDES + axis);
    }
    const target = out + ((<usize>row * inner + innerStart) << 2);
    const left = a + ((<usize>aOffset + innerStart * aStep) << 2);
    const right = b + ((<usize>bOffset + innerStart * bStep) << 2);
    const count = innerEnd - innerStart;
    if (op < ADD) unaryRow(op, target, left, count, low, high);
    else if (op < WHERE_FLOAT) binaryRow(op, target, left, aStep, right, bStep, count);
    else whereRow(op, target, left, aStep, right, bStep, c + ((<usize>cOffset + innerStart * cStep) << 2), cStep, count);
  }
}

/** Units: blocks of rows, or, with few long rows, blocks of UNIT_VALUES values of every row. */
@inline function runOp(job: usize, op: i32): void {
  const rank = word(job, RANK);
  const inner = word(job, SHAPE + rank - 1);
  let outer = 1;
  for (let axis = 0; axis < rank - 1; axis++) outer *= word(job, SHAPE + axis);
  if (inner >= UNIT_VALUES) {
    const blocks = (inner + UNIT_VALUES - 1) / UNIT_VALUES;
    const units = outer * blocks;
    for (let unit = claim(job, units); unit >= 0; unit = claim(job, units)) {
      const row = unit / blocks;
      const first = (unit - row * blocks) * UNIT_VALUES;
      rows(job, op, row, row + 1, first, min(inner, first + UNIT_VALUES));
    }
  } else {
    const perUnit = max(1, UNIT_VALUES / inner);
    const units = (outer + perUnit - 1) / perUnit;
    for (let unit = claim(job, units); unit >= 0; unit = claim(job, units)) {
      rows(job, op, unit * perUnit, min(outer, (unit + 1) * perUnit), 0, inner);
    }
  }
}

export function elementwiseTask(job: usize, part: i32, parts: i32): void {
  switch (word(job, OP)) {
    case NEG: runOp(job, NEG); break;
    case ABS: runOp(job, ABS); break;
    case SIGN: runOp(job, SIGN); break;
    case EXP: runOp(job, EXP); break;
    case LOG: runOp(job, LOG); break;
    case SQRT: runOp(job, SQRT); break;
    case SQUARE: runOp(job, SQUARE); break;
    case RECIPROCAL: runOp(job, RECIPROCAL); break;
    case RELU: runOp(job, RELU); break;
    case SIGMOID: runOp(job, SIGMOID); break;
    case TANH: runOp(job, TANH); break;
    case CLIP: runOp(job, CLIP); break;
    case BINARIZE: runOp(job, BINARIZE); break;
    case ADD: runOp(job, ADD); break;
    case SUB: runOp(job, SUB); break;
    case MUL: runOp(job, MUL); break;
    case DIV: runOp(job, DIV); break;
    case MAXIMUM: runOp(job, MAXIMUM); break;
    case MINIMUM: runOp(job, MINIMUM); break;
    case POW: runOp(job, POW); break;
    case WHERE_FLOAT: runOp(job, WHERE_FLOAT); break;
    case WHERE_INT: runOp(job, WHERE_INT); break;
    case EQUAL: runOp(job, EQUAL); break;
    case NOT_EQUAL: runOp(job, NOT_EQUAL); break;
    case LESS: runOp(job, LESS); break;
    case LESS_EQUAL: runOp(job, LESS_EQUAL); break;
    case GREATER: runOp(job, GREATER); break;
    default: runOp(job, GREATER_EQUAL);
  }
}
