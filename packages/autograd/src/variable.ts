/**
 * Variable: a Tensor plus what reverse-mode differentiation needs: whether a gradient is wanted,
 * the accumulated gradient of a leaf, and the operation that produced it (null for leaves).
 * Parameter (./parameter.ts) is the trainable leaf.
 *
 * Tensors are immutable, so a Variable never changes value; a Parameter changes only through
 * `assign`, and the graph keeps the tensors an op saw when it ran.
 */
import { ArgumentError, Tensor, tensor, type NestedNumbers } from '@lowbit/tensor';
import { backward, type BackwardOptions } from './backward.js';

/** How a non-leaf variable was made: the op, its inputs and the local backward step. */
export interface Operation {
  /** Op name: a catalog name ('matmul'), a registered op or a custom gradient's name. */
  readonly op: string;
  readonly inputs: readonly Variable[];
  /**
   * Gradients with respect to each input (same order; null where none flows) given the gradient
   * of the output. Calls the op's gradient rule with the tensors saved at forward time.
   */
  backward(gradient: Tensor): readonly (Tensor | null)[];
}

export interface VariableOptions {
  /** Default false for `variable`, true for `parameter`. int32 tensors cannot require a gradient. */
  requiresGrad?: boolean;
  /** Shown in messages and by `toString`. */
  name?: string;
}

let nextId = 0;

export class Variable {
  /** Creation order, unique per process: handy as a stable key and in debugging output. */
  readonly id = nextId++;
  readonly requiresGrad: boolean;
  readonly name: string | undefined;
  /** Accumulated gradient of a leaf after `backward` (same shape as the value); null before. */
  grad: Tensor | null = null;
  /** The operation that produced this variable; null for a leaf (an input or a parameter). */
  readonly creator: Operation | null;
  protected current: Tensor;

  constructor(value: Tensor, options: VariableOptions = {}, creator: Operation | null = null) {
    if (!(value instanceof Tensor)) {
      throw new ArgumentError('variable', 'value', value, 'a Tensor', 'make one with tensor(values, shape) from @lowbit/tensor');
    }
    const requiresGrad = options.requiresGrad ?? creator !== null;
    if (typeof requiresGrad !== 'boolean') throw new ArgumentError('variable', 'requiresGrad', requiresGrad, 'true or false');
    if (requiresGrad && value.dtype !== 'float32') {
      throw new ArgumentError('variable', 'requiresGrad', requiresGrad, 'false for an int32 tensor', 'only float32 values have gradients');
    }
    this.current = value;
    this.requiresGrad = requiresGrad;
    this.name = options.name;
    this.creator = creator;
  }

  /** The tensor this variable holds. */
  get value(): Tensor {
    return this.current;
  }
  get shape(): readonly number[] {
    return this.current.shape;
  }
  get dtype(): Tensor['dtype'] {
    return this.current.dtype;
  }
  get size(): number {
    return this.current.size;
  }
  get rank(): number {
    return this.current.rank;
  }
  /** True for inputs and parameters (no creator). */
  get isLeaf(): boolean {
    return this.creator === null;
  }

  /** A copy of the values. */
  data(): Float32Array | Int32Array {
    return this.current.data();
  }
  toArray(): number[] {
    return this.current.toArray();
  }
  /** The first value, e.g. a loss. */
  item(): number {
    return this.current.item();
  }

  /** Reverse-mode differentiation from this variable; see `backward`. */
  backward(options?: BackwardOptions): void {
    backward(this, options);
  }

  /** The same value as a constant: no creator, no gradient. */
  detach(): Variable {
    return new Variable(this.current, { name: this.name });
  }

  /** Forgets the accumulated gradient (optimizers call this between steps). */
  zeroGrad(): void {
    this.grad = null;
  }

  toString(): string {
    const label = this.name === undefined ? '' : ` ${JSON.stringify(this.name)}`;
    const origin = this.creator === null ? (this.requiresGrad ? 'leaf, requires grad' : 'constant') : `from ${this.creator.op}`;
    return `Variable${label} (${origin}) ${this.current.toString()}`;
  }
}

/**
 * A leaf variable from a tensor (or numbers, nested arrays, a typed array: made with `tensor`).
 * `requiresGrad` defaults to false: inputs are constants unless asked otherwise.
 */
export function variable(value: Tensor | number | NestedNumbers | ArrayLike<number>, options?: VariableOptions): Variable {
  const asTensor = value instanceof Tensor ? value : tensor(value as number | NestedNumbers | ArrayLike<number>);
  return new Variable(asTensor, { requiresGrad: options?.requiresGrad ?? false, name: options?.name });
}

/** The value of `x` as a constant (no creator, no gradient). */
export function detach(x: Variable | Tensor): Variable {
  return x instanceof Variable ? x.detach() : new Variable(x);
}
