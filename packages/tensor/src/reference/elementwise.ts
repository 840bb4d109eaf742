/**
 * Elementwise kernels of the reference backend: unary, binary, comparisons, where, clip, cast.
 *
 * Semantics (the specification other backends are checked against): each result is the float64
 * function of the float32 operands, rounded once to float32. For add, sub, mul, div, sqrt and
 * square this IS the correctly rounded float32 operation (float64 has more than 2 x 24 + 2 bits,
 * so rounding twice cannot differ from rounding once); exp, log, tanh, sigmoid and pow are within
 * about 1 ulp (the conformance suite allows 4).
 *
 * Broadcasting has two fast paths (same shape; one operand a single value) and one general path
 * that gathers each operand through precomputed strided offsets (stride 0 along broadcast axes).
 */
import type { BinaryOp, ComparisonOp, ElementwiseAttributes, UnaryOp } from '../kernels/contract.js';
import { allocate, broadcastStrides, float32Of, sizeOfShape, stridedOffsets, wrap, type ReferenceHandle, type ReferenceTensor } from './storage.js';

type Unary = (x: number) => number;
type Binary = (a: number, b: number) => number;

const unaryFunctions: Record<UnaryOp, Unary> = {
  neg: (x) => -x,
  abs: Math.abs,
  sign: Math.sign,
  exp: Math.exp,
  log: Math.log,
  sqrt: Math.sqrt,
  square: (x) => x * x,
  reciprocal: (x) => 1 / x,
  // `x < 0 ? 0 : x` keeps NaN (a NaN activation must not be hidden) and -0.
  relu: (x) => (x < 0 ? 0 : x),
  sigmoid: (x) => 1 / (1 + Math.exp(-x)),
  tanh: Math.tanh,
};

const binaryFunctions: Record<BinaryOp, Binary> = {
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  maximum: Math.max,
  minimum: Math.min,
  pow: Math.pow,
};

const comparisonFunctions: Record<ComparisonOp, Binary> = {
  equal: (a, b) => (a === b ? 1 : 0),
  notEqual: (a, b) => (a !== b ? 1 : 0),
  less: (a, b) => (a < b ? 1 : 0),
  lessEqual: (a, b) => (a <= b ? 1 : 0),
  greater: (a, b) => (a > b ? 1 : 0),
  greaterEqual: (a, b) => (a >= b ? 1 : 0),
};

function mapUnary(f: Unary): (x: ReferenceTensor, attributes: ElementwiseAttributes) => ReferenceTensor {
  return (x, { outShape }) => {
    const input = float32Of(x);
    const out = new Float32Array(input.length);
    for (let i = 0; i < input.length; i++) out[i] = f(input[i]);
    return wrap(out, outShape);
  };
}

/** For every output position, the offset of the operand value it reads (broadcast axes repeat). */
function gather(x: ReferenceTensor, outShape: readonly number[]): Int32Array {
  return stridedOffsets(outShape, broadcastStrides(x.shape, outShape));
}

function mapBinary(f: Binary): (a: ReferenceTensor, b: ReferenceTensor, attributes: ElementwiseAttributes) => ReferenceTensor {
  return (a, b, { outShape }) => {
    const left = float32Of(a);
    const right = float32Of(b);
    const size = sizeOfShape(outShape);
    const out = new Float32Array(size);
    if (left.length === size && right.length === size) {
      for (let i = 0; i < size; i++) out[i] = f(left[i], right[i]);
    } else if (right.length === 1 && left.length === size) {
      const value = right[0];
      for (let i = 0; i < size; i++) out[i] = f(left[i], value);
    } else if (left.length === 1 && right.length === size) {
      const value = left[0];
      for (let i = 0; i < size; i++) out[i] = f(value, right[i]);
    } else {
      const leftOffsets = gather(a, outShape);
      const rightOffsets = gather(b, outShape);
      for (let i = 0; i < size; i++) out[i] = f(left[leftOffsets[i]], right[rightOffsets[i]]);
    }
    return wrap(out, outShape);
  };
}

function where(condition: ReferenceTensor, a: ReferenceTensor, b: ReferenceTensor, { outShape }: ElementwiseAttributes): ReferenceTensor {
  const size = sizeOfShape(outShape);
  const test = condition.handle;
  const left = a.handle;
  const right = b.handle;
  const out = allocate(a.dtype, size);
  // No fast paths: where is not hot, and one gather loop is the clearest specification.
  const testOffsets = gather(condition, outShape);
  const leftOffsets = gather(a, outShape);
  const rightOffsets = gather(b, outShape);
  for (let i = 0; i < size; i++) out[i] = test[testOffsets[i]] !== 0 ? left[leftOffsets[i]] : right[rightOffsets[i]];
  return wrap(out, outShape, a.dtype);
}

function clip(x: ReferenceTensor, { outShape, min, max }: ElementwiseAttributes & { min: number; max: number }): ReferenceTensor {
  const input = float32Of(x);
  const out = new Float32Array(input.length);
  // Comparisons rather than Math.min/max: NaN fails both tests and passes through unchanged.
  for (let i = 0; i < input.length; i++) {
    const value = input[i];
    out[i] = value < min ? min : value > max ? max : value;
  }
  return wrap(out, outShape);
}

const INT32_MAX = 2147483647;
const INT32_MIN = -2147483648;

function cast(x: ReferenceTensor, { dtype }: { dtype: 'float32' | 'int32' }): ReferenceTensor {
  const input: ReferenceHandle = x.handle;
  const out = allocate(dtype, input.length);
  if (dtype === 'int32' && x.dtype === 'float32') {
    // Truncate toward zero, saturate, NaN -> 0: wasm's i32.trunc_sat_f32_s, not JS's modular ToInt32.
    for (let i = 0; i < input.length; i++) {
      const value = input[i];
      out[i] = Number.isNaN(value) ? 0 : value >= INT32_MAX ? INT32_MAX : value <= INT32_MIN ? INT32_MIN : Math.trunc(value);
    }
  } else {
    // int32 -> float32 rounds to nearest even on store; same dtype is a copy.
    out.set(input);
  }
  return wrap(out, x.shape, dtype);
}

function objectFrom<K extends string, V>(table: Record<K, V>, map: (value: V) => unknown) {
  return Object.fromEntries(Object.entries(table).map(([name, value]) => [name, map(value as V)]));
}

export const elementwiseKernels = {
  ...(objectFrom(unaryFunctions, mapUnary) as Record<UnaryOp, ReturnType<typeof mapUnary>>),
  ...(objectFrom(binaryFunctions, mapBinary) as Record<BinaryOp, ReturnType<typeof mapBinary>>),
  ...(objectFrom(comparisonFunctions, mapBinary) as Record<ComparisonOp, ReturnType<typeof mapBinary>>),
  where,
  clip,
  cast,
};
