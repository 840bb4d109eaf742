/**
 * Creation helpers. New tensors go to `options.backend` or the current backend (getBackend()).
 * Random tensors draw from @lowbit/formats' counter-based generator: element i of a tensor made
 * with (seed, offset) depends only on (seed, offset + i), never on the backend or the shape.
 */
import { fillRandomUint32 } from '@lowbit/formats';
import { getBackend } from './backend.js';
import { ArgumentError, ShapeError, formatShape } from './errors.js';
import type { Backend, DType } from './kernels/contract.js';
import { checkShape, sizeOf } from './shape/util.js';
import { Tensor, type NestedNumbers } from './tensor.js';

export interface CreationOptions<D extends DType = DType> {
  /** Default 'float32' (an Int32Array of values gives 'int32'). */
  dtype?: D;
  /** A backend name or object; default: the current backend. */
  backend?: string | Backend;
}

const DTYPES: readonly DType[] = ['float32', 'int32'];

function backendOf(options: CreationOptions | undefined): Backend {
  const backend = options?.backend;
  return backend === undefined ? getBackend() : typeof backend === 'string' ? getBackend(backend) : backend;
}

function dtypeOf(op: string, options: CreationOptions | undefined, fallback: DType = 'float32'): DType {
  const dtype = options?.dtype ?? fallback;
  if (!DTYPES.includes(dtype)) throw new ArgumentError(op, 'dtype', dtype, "'float32' or 'int32'");
  return dtype;
}

/** Uploads values (already of the right array type, owned by us) as a tensor. */
export function fromValues<D extends DType>(values: Float32Array | Int32Array, shape: readonly number[], dtype: D, backend: Backend): Tensor<D> {
  return new Tensor<D>(backend.upload(values, shape, dtype), backend);
}

/**
 * A tensor from a number, nested arrays or a flat array / typed array. `shape` is inferred from
 * nested arrays; flat values take `shape` (default: one axis). Values are copied.
 */
export function tensor(values: Int32Array, shape?: readonly number[], options?: CreationOptions<'int32'>): Tensor<'int32'>;
export function tensor<D extends DType = 'float32'>(values: number | NestedNumbers | ArrayLike<number>, shape?: readonly number[], options?: CreationOptions<D>): Tensor<D>;
export function tensor(values: number | NestedNumbers | ArrayLike<number>, shape?: readonly number[], options?: CreationOptions): Tensor {
  const op = 'tensor';
  const dtype = dtypeOf(op, options, values instanceof Int32Array ? 'int32' : 'float32');
  let flat: ArrayLike<number>;
  let inferred: number[];
  if (typeof values === 'number') {
    flat = [values];
    inferred = [];
  } else if (ArrayBuffer.isView(values)) {
    flat = values as unknown as ArrayLike<number>;
    inferred = [flat.length];
  } else if (Array.isArray(values)) {
    inferred = nestedShape(values);
    flat = values.flat(Infinity) as number[];
  } else {
    throw new ArgumentError(op, 'values', values, 'a number, nested arrays of numbers or a typed array');
  }
  const finalShape = shape === undefined ? inferred : checkShape(op, shape);
  if (sizeOf(finalShape) !== flat.length) {
    throw new ShapeError(
      `${op}: ${flat.length} values cannot fill shape ${formatShape(finalShape)} (size ${sizeOf(finalShape)})` +
        (shape !== undefined && Array.isArray(values) && inferred.length > 1 ? `; the nested values have shape ${formatShape(inferred)}` : ''),
      [inferred, finalShape],
    );
  }
  return fromValues(toTyped(op, flat, dtype), finalShape, dtype, backendOf(options));
}

/** A rank-0 tensor. */
export function scalar<D extends DType = 'float32'>(value: number, options?: CreationOptions<D>): Tensor<D> {
  if (typeof value !== 'number') throw new ArgumentError('scalar', 'value', value, 'a number');
  return tensor(value, [], options);
}

/** Every element `value`. */
export function full<D extends DType = 'float32'>(shape: readonly number[], value: number, options?: CreationOptions<D>): Tensor<D> {
  const dtype = dtypeOf('full', options);
  const size = sizeOf(checkShape('full', shape));
  const values = toTyped('full', [value], dtype);
  const filled = dtype === 'int32' ? new Int32Array(size).fill(values[0]) : new Float32Array(size).fill(values[0]);
  return fromValues(filled, shape, dtype as D, backendOf(options));
}

export function zeros<D extends DType = 'float32'>(shape: readonly number[], options?: CreationOptions<D>): Tensor<D> {
  return full(shape, 0, options);
}

export function ones<D extends DType = 'float32'>(shape: readonly number[], options?: CreationOptions<D>): Tensor<D> {
  return full(shape, 1, options);
}

/**
 * start, start + step, ... up to but excluding stop (NumPy's arange). `arange(n)` is 0..n-1.
 * Element i is start + i * step computed in float64, then rounded once.
 */
export function arange<D extends DType = 'float32'>(start: number, stop?: number, step = 1, options?: CreationOptions<D>): Tensor<D> {
  const op = 'arange';
  if (stop === undefined) [start, stop] = [0, start];
  for (const [field, value] of [['start', start], ['stop', stop], ['step', step]] as const) {
    if (!Number.isFinite(value)) throw new ArgumentError(op, field, value, 'a finite number');
  }
  if (step === 0) throw new ArgumentError(op, 'step', step, 'a non-zero number');
  const count = Math.max(0, Math.ceil((stop - start) / step));
  const dtype = dtypeOf(op, options);
  const values = dtype === 'int32' ? new Int32Array(count) : new Float32Array(count);
  for (let i = 0; i < count; i++) values[i] = start + i * step;
  if (dtype === 'int32' && !values.every((v, i) => v === start + i * step)) {
    throw new ArgumentError(op, 'dtype', dtype, "'float32' for non-integer start or step");
  }
  return fromValues(values, [count], dtype as D, backendOf(options));
}

/** An n x m identity-like matrix (ones on the main diagonal). m defaults to n. */
export function eye<D extends DType = 'float32'>(n: number, m: number = n, options?: CreationOptions<D>): Tensor<D> {
  const [rows, columns] = checkShape('eye', [n, m], 'size');
  const dtype = dtypeOf('eye', options);
  const values = dtype === 'int32' ? new Int32Array(rows * columns) : new Float32Array(rows * columns);
  for (let i = 0; i < Math.min(rows, columns); i++) values[i * columns + i] = 1;
  return fromValues(values, [rows, columns], dtype as D, backendOf(options));
}

export interface RandomOptions {
  /** Key of the generator (non-negative safe integer). Default 0. */
  seed?: number;
  /** Counter of element 0 (so consecutive draws can share a seed). Default 0. */
  offset?: number;
  backend?: string | Backend;
}

function randomWords(op: string, count: number, options: RandomOptions | undefined): Uint32Array {
  const seed = options?.seed ?? 0;
  const offset = options?.offset ?? 0;
  if (!Number.isSafeInteger(seed) || seed < 0) throw new ArgumentError(op, 'seed', seed, 'a non-negative safe integer');
  if (!Number.isSafeInteger(offset) || offset < 0) throw new ArgumentError(op, 'offset', offset, 'a non-negative safe integer');
  return fillRandomUint32(seed, offset, new Uint32Array(count));
}

/**
 * Uniform float32 values in [low, high): element i is low + (high - low) u with u the top 24 bits
 * of word (seed, offset + i) over 2^24 (every float32 in [0, 1) with spacing 2^-24).
 */
export function randomUniform(shape: readonly number[], options?: RandomOptions & { low?: number; high?: number }): Tensor<'float32'> {
  const op = 'randomUniform';
  const low = options?.low ?? 0;
  const high = options?.high ?? 1;
  if (!Number.isFinite(low) || !Number.isFinite(high) || !(low <= high)) {
    throw new ArgumentError(op, 'low/high', [low, high], 'finite numbers with low <= high');
  }
  const size = sizeOf(checkShape(op, shape));
  const words = randomWords(op, size, options);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) values[i] = low + (high - low) * ((words[i] >>> 8) * 2 ** -24);
  return fromValues(values, shape, 'float32', backendOf(options));
}

/**
 * Normal float32 values (Box-Muller): element i uses words (seed, offset + 2i) and
 * (seed, offset + 2i + 1): z = sqrt(-2 ln u1) cos(2 pi u2), u1 in (0, 1], u2 in [0, 1).
 */
export function randomNormal(shape: readonly number[], options?: RandomOptions & { mean?: number; stddev?: number }): Tensor<'float32'> {
  const op = 'randomNormal';
  const mean = options?.mean ?? 0;
  const stddev = options?.stddev ?? 1;
  if (!Number.isFinite(mean)) throw new ArgumentError(op, 'mean', mean, 'a finite number');
  if (!Number.isFinite(stddev) || stddev < 0) throw new ArgumentError(op, 'stddev', stddev, 'a finite non-negative number');
  const size = sizeOf(checkShape(op, shape));
  const words = randomWords(op, 2 * size, options);
  const values = new Float32Array(size);
  for (let i = 0; i < size; i++) {
    const u1 = 1 - words[2 * i] * 2 ** -32;
    const u2 = words[2 * i + 1] * 2 ** -32;
    values[i] = mean + stddev * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
  }
  return fromValues(values, shape, 'float32', backendOf(options));
}

function nestedShape(values: NestedNumbers): number[] {
  const shape: number[] = [];
  let level: unknown = values;
  while (Array.isArray(level)) {
    shape.push(level.length);
    level = level[0];
  }
  const check = (node: unknown, axis: number, path: string): void => {
    if (axis === shape.length) {
      if (typeof node !== 'number') throw new ArgumentError('tensor', `values${path}`, node, 'a number');
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[axis]) {
      throw new ShapeError(
        `tensor: nested values are not rectangular: values${path} has ${Array.isArray(node) ? `length ${node.length}` : 'no array'} but the first row at this depth has length ${shape[axis]} (shape so far ${formatShape(shape)})`,
        [shape],
      );
    }
    node.forEach((child, i) => check(child, axis + 1, `${path}[${i}]`));
  };
  check(values, 0, '');
  return shape;
}

function toTyped(op: string, values: ArrayLike<number>, dtype: DType): Float32Array | Int32Array {
  // Typed arrays hold numbers by construction, so they skip the checked loop below (~10x the
  // cost of a native copy, which an optimizer writing millions of weights would pay every step).
  // An array of the right type goes as it is: every backend's upload copies it.
  if (dtype === 'float32' && ArrayBuffer.isView(values) && !(values instanceof DataView || values instanceof BigInt64Array || values instanceof BigUint64Array)) {
    return values instanceof Float32Array ? values : new Float32Array(values as unknown as ArrayLike<number>);
  }
  if (dtype === 'int32' && values instanceof Int32Array) return values;
  if (dtype === 'float32') {
    const out = new Float32Array(values.length);
    for (let i = 0; i < values.length; i++) {
      if (typeof values[i] !== 'number') throw new ArgumentError(op, `values[${i}]`, values[i], 'a number');
      out[i] = values[i];
    }
    return out;
  }
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (!Number.isInteger(value) || value < -(2 ** 31) || value >= 2 ** 31) {
      throw new ArgumentError(op, `values[${i}]`, value, "an integer in the int32 range for dtype 'int32'");
    }
    out[i] = value;
  }
  return out;
}
