/**
 * The kernel contract: one entry per op of the catalog, keyed by the op's name. Every backend
 * provides a `Kernels` object; a missing kernel is a compile error.
 *
 * Kernels are pure numeric work. The op functions (src/ops) have already validated the inputs and
 * inferred the output shape, which they pass in `attributes`; a kernel never re-checks shapes and
 * never throws for user input. Inputs and outputs are `KernelTensor`s: a shape, a dtype and the
 * backend's own storage handle (the reference backend stores typed arrays; the wasm backend keeps
 * data in wasm memory).
 *
 * Rules every backend follows (the reference backend, src/reference, is the executable version):
 * - A handle holds the values contiguously in row-major order and does not depend on the shape:
 *   reshape wraps the same handle in a new shape. Kernels never modify their inputs.
 * - A kernel is never called for an empty output (the op returns an empty tensor itself); inputs
 *   may still be empty (a sum over a zero-length axis, concat with an empty piece, matmul with
 *   k = 0, pad of an empty tensor).
 * - Arithmetic ops take and give float32. Movement kernels (transpose, slice, concat, pad) and
 *   `where` (when a and b are both int32) keep the dtype and copy bits exactly.
 * - Elementwise results are the float64 function of the float32 operands rounded once to float32
 *   (exact for + - * / sqrt); transcendental functions may be within a few ulps.
 */
import type { ElementFormat, Rounding, TensorFormat } from '@lowbit/formats';

export type DType = 'float32' | 'int32';
export type TypedArrayFor<D extends DType> = D extends 'int32' ? Int32Array : Float32Array;

export interface KernelTensor<Handle = unknown> {
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly handle: Handle;
}

type K<Handle, Inputs extends unknown[], Attributes> = (...args: [...inputs: Inputs, attributes: Attributes]) => KernelTensor<Handle>;
type T<Handle> = KernelTensor<Handle>;

/** Attributes of every elementwise op: the broadcast output shape. */
export interface ElementwiseAttributes {
  outShape: readonly number[];
}

export interface ReduceAttributes {
  /** Sorted, unique, non-negative axes to reduce. */
  axes: readonly number[];
  keepDims: boolean;
  outShape: readonly number[];
}

export interface TransposeAttributes {
  permutation: readonly number[];
  outShape: readonly number[];
}

export interface SliceAttributes {
  /**
   * Per axis: begin = first index read, step (non-zero, may be negative); outShape = number of
   * elements taken. Output index j along an axis reads input index begin + j * step.
   */
  begin: readonly number[];
  step: readonly number[];
  outShape: readonly number[];
}

export interface ConcatAttributes {
  axis: number;
  outShape: readonly number[];
}

export interface PadAttributes {
  /** Per axis [before, after], non-negative. */
  paddings: readonly (readonly [number, number])[];
  value: number;
  outShape: readonly number[];
}

export interface MatmulAttributes {
  transposeA: boolean;
  transposeB: boolean;
  /** Batch dimensions broadcast like elementwise ops; [...batch, m, n]. */
  outShape: readonly number[];
}

/** 2-D convolution, NCHW activations, OIHW filters (I = inChannels / groups). */
export interface Conv2dAttributes {
  stride: readonly [number, number];
  /** [top, bottom, left, right] zero padding. */
  padding: readonly [number, number, number, number];
  dilation: readonly [number, number];
  groups: number;
  /** Shape of x: [batch, inChannels, inHeight, inWidth]. */
  inShape: readonly [number, number, number, number];
  /** Shape of the filter: [outChannels, inChannels / groups, kernelHeight, kernelWidth]. */
  filterShape: readonly [number, number, number, number];
  /** Shape of y: [batch, outChannels, outHeight, outWidth]. */
  outShape: readonly [number, number, number, number];
}

export interface Pool2dAttributes {
  kernelSize: readonly [number, number];
  stride: readonly [number, number];
  /** [top, bottom, left, right]; padded cells never win a max and do not count in an average. */
  padding: readonly [number, number, number, number];
  inShape: readonly [number, number, number, number];
  outShape: readonly [number, number, number, number];
}

export interface QuantizeAttributes {
  format: ElementFormat | TensorFormat;
  rounding: Rounding;
  seed: number;
  offset: number;
  randomBits: number;
}

export const UNARY_OPS = ['neg', 'abs', 'sign', 'exp', 'log', 'sqrt', 'square', 'reciprocal', 'relu', 'sigmoid', 'tanh'] as const;
export const BINARY_OPS = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'pow'] as const;
export const COMPARISON_OPS = ['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'] as const;
export const REDUCE_OPS = ['sum', 'mean', 'max', 'argmax'] as const;

export type UnaryOp = (typeof UNARY_OPS)[number];
export type BinaryOp = (typeof BINARY_OPS)[number];
export type ComparisonOp = (typeof COMPARISON_OPS)[number];
export type ReduceOp = (typeof REDUCE_OPS)[number];

/**
 * The handle type as seen where backends of different storage meet (the registry, Tensor): kernel
 * parameters are contravariant, so `Backend<WasmHandle>` would not be assignable to
 * `Backend<unknown>`. Backend code names its own handle type (`Kernels<ReferenceHandle>`).
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyHandle = any;

export type Kernels<H = AnyHandle> = {
  [Op in UnaryOp]: K<H, [x: T<H>], ElementwiseAttributes>;
} & {
  [Op in BinaryOp]: K<H, [a: T<H>, b: T<H>], ElementwiseAttributes>;
} & {
  /** Comparisons give float32 1 or 0. */
  [Op in ComparisonOp]: K<H, [a: T<H>, b: T<H>], ElementwiseAttributes>;
} & {
  /**
   * sum/mean/max give float32; argmax gives int32: the row-major index within the reduced axes
   * (the flat index when all axes are reduced) of the first maximum, a NaN counting as maximum.
   * max propagates NaN. Over zero elements: sum 0, mean NaN, max -Infinity (argmax never sees
   * an empty reduction: the op rejects it). `axes` may be empty (a copy).
   */
  [Op in ReduceOp]: K<H, [x: T<H>], ReduceAttributes>;
} & {
  /**
   * condition != 0 ? a : b, all three broadcast to outShape (NaN != 0 selects a). The condition
   * is float32 or int32; a and b have one dtype (float32 or int32), which the result keeps.
   */
  where: K<H, [condition: T<H>, a: T<H>, b: T<H>], ElementwiseAttributes>;
  /** x clamped to [min, max] (min <= max); NaN stays NaN. */
  clip: K<H, [x: T<H>], ElementwiseAttributes & { min: number; max: number }>;
  /**
   * float32 -> int32 truncates toward zero, saturates to the int32 range, NaN -> 0 (wasm's
   * i32.trunc_sat_f32_s); int32 -> float32 rounds to nearest even; same dtype copies.
   */
  cast: K<H, [x: T<H>], { dtype: DType }>;
  transpose: K<H, [x: T<H>], TransposeAttributes>;
  slice: K<H, [x: T<H>], SliceAttributes>;
  concat: K<H, [inputs: readonly T<H>[]], ConcatAttributes>;
  pad: K<H, [x: T<H>], PadAttributes>;
  matmul: K<H, [a: T<H>, b: T<H>], MatmulAttributes>;
  conv2d: K<H, [x: T<H>, filter: T<H>], Conv2dAttributes>;
  /** Gradient of conv2d with respect to x, from dy (shaped like y). Returns inShape. */
  conv2dBackwardData: K<H, [dy: T<H>, filter: T<H>], Conv2dAttributes>;
  /** Gradient of conv2d with respect to the filter, from x and dy. Returns filterShape. */
  conv2dBackwardFilter: K<H, [x: T<H>, dy: T<H>], Conv2dAttributes>;
  maxPool2d: K<H, [x: T<H>], Pool2dAttributes>;
  /** Routes dy to the (first) maximum of each window of x. Returns inShape. */
  maxPool2dBackward: K<H, [dy: T<H>, x: T<H>], Pool2dAttributes>;
  avgPool2d: K<H, [x: T<H>], Pool2dAttributes>;
  avgPool2dBackward: K<H, [dy: T<H>], Pool2dAttributes>;
  /** Must equal format.quantize bit for bit, stochastic rounding included. */
  quantize: K<H, [x: T<H>], QuantizeAttributes>;
};

export type KernelName = keyof Kernels;

/** A backend: storage plus kernels. */
export interface Backend<H = AnyHandle> {
  readonly name: string;
  readonly kernels: Kernels<H>;
  /** Copies values into backend storage. */
  upload(values: Float32Array | Int32Array, shape: readonly number[], dtype: DType): KernelTensor<H>;
  /** Copies values out of backend storage (a fresh array the caller owns). */
  download(tensor: KernelTensor<H>): Float32Array | Int32Array;
  /** Releases storage early (optional; storage is otherwise garbage collected). */
  dispose?(tensor: KernelTensor<H>): void;
}
