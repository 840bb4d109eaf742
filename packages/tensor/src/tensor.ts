/**
 * The immutable Tensor: a shape, a dtype and values in the storage of one backend. Values are
 * contiguous and row-major; no op ever writes into an existing tensor, so storage can be shared
 * (reshape does) and a tensor can be handed to any number of ops safely.
 */
import { getBackend } from './backend.js';
import { ShapeError, formatShape } from './errors.js';
import type { Backend, DType, KernelTensor, TypedArrayFor } from './kernels/contract.js';
import { inferReshape } from './shape/reshape.js';
import { sizeOf } from './shape/util.js';

/** Nested arrays of numbers, e.g. [[1, 2], [3, 4]]. */
export type NestedNumbers = readonly (number | NestedNumbers)[];

export class Tensor<D extends DType = DType> {
  readonly shape: readonly number[];
  readonly dtype: D;
  /** Number of elements (product of the shape; 1 for a scalar). */
  readonly size: number;
  /** Number of axes. */
  readonly rank: number;

  /** Prefer the creation helpers (tensor, zeros, ...) and the ops; this wraps backend storage. */
  constructor(
    /** What the kernels of `backend` receive. */
    readonly kernelTensor: KernelTensor,
    /** The backend whose storage holds the values; ops on this tensor run there. */
    readonly backend: Backend,
  ) {
    this.shape = Object.freeze([...kernelTensor.shape]);
    this.dtype = kernelTensor.dtype as D;
    this.size = sizeOf(this.shape);
    this.rank = this.shape.length;
  }

  /** A copy of the values (row-major) that the caller owns. */
  data(): TypedArrayFor<D> {
    return this.backend.download(this.kernelTensor) as TypedArrayFor<D>;
  }

  /** The values as a flat array of numbers. */
  toArray(): number[] {
    return Array.from(this.data());
  }

  /** The values as nested arrays shaped like the tensor; a scalar gives a number. */
  toNested(): number | NestedNumbers {
    const values = this.data();
    if (this.rank === 0) return values[0];
    const build = (axis: number, offset: number, stride: number): NestedNumbers => {
      const dimension = this.shape[axis];
      const inner = stride / Math.max(dimension, 1);
      if (axis === this.rank - 1) return Array.from(values.subarray(offset, offset + dimension));
      return Array.from({ length: dimension }, (_, i) => build(axis + 1, offset + i * inner, inner));
    };
    return build(0, 0, this.size);
  }

  /** The first (or only) value: convenient for scalars such as a loss. */
  item(): number {
    if (this.size === 0) throw new ShapeError(`item: the tensor of shape ${formatShape(this.shape)} has no element`, [this.shape]);
    return this.data()[0];
  }

  /**
   * Same values with a new shape (one entry may be -1). Shares storage: no copy, no kernel. The
   * op `reshape(x, shape)` is the same operation.
   */
  reshape(shape: readonly number[]): Tensor<D> {
    return this.withShape(inferReshape('reshape', this.shape, shape));
  }

  /** @internal A tensor sharing this storage under a shape of the same size (checked by the caller). */
  withShape(shape: readonly number[]): Tensor<D> {
    return new Tensor<D>({ shape, dtype: this.dtype, handle: this.kernelTensor.handle }, this.backend);
  }

  /** This tensor on another backend (a copy; the same tensor when it is there already). */
  toBackend(backend: string | Backend): Tensor<D> {
    const target = typeof backend === 'string' ? getBackend(backend) : backend;
    if (target === this.backend) return this;
    return new Tensor<D>(target.upload(this.backend.download(this.kernelTensor), this.shape, this.dtype), target);
  }

  /**
   * Frees backend storage early, where the backend supports it. Tensors made by reshape share
   * storage with this one and become unusable too. Otherwise storage is garbage collected.
   */
  dispose(): void {
    this.backend.dispose?.(this.kernelTensor);
  }

  toString(): string {
    const values = this.size <= 16 ? ` ${JSON.stringify(this.toNested())}` : '';
    return `Tensor(${this.dtype} ${formatShape(this.shape)} on ${this.backend.name})${values}`;
  }
}
