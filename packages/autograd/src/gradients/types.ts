/**
 * The shape of a gradient rule. A rule gets the gradient of the op's output and what the forward
 * pass saw (input tensors, output tensor, the op's options) and returns one gradient per input, in
 * input order, each shaped like its input, or null where no gradient flows (an integer input, a
 * condition, an input the output does not depend on smoothly).
 *
 * Rules work on plain Tensors with the ops of @lowbit/tensor, so they run on whatever backend the
 * tensors live on. They are first-order: a rule is not itself recorded, so there are no gradients
 * of gradients (the micrograd/tinygrad trade-off: the whole engine stays small).
 */
import type { Tensor } from '@lowbit/tensor';

/** What the forward pass of one op saw. */
export interface ForwardContext<Attributes = unknown> {
  /** The input tensors, in the op's argument order (numbers became scalar tensors). */
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  /** The op's options as given (axis, permutation, padding, ...). */
  readonly attributes: Attributes;
  /**
   * Which inputs require a gradient. A rule may return null for the others instead of computing
   * them (the data gradient of a first layer is a whole GEMM nobody reads).
   */
  readonly needsGradient: readonly boolean[];
}

export interface GradientRule<Attributes = unknown> {
  readonly kind: 'rule';
  /** Declared as a method so rules with specific attribute types fit one table. */
  gradient(dy: Tensor, forward: ForwardContext<Attributes>): readonly (Tensor | null)[];
}

/**
 * An op whose output carries no gradient (comparisons give 0/1, argmax gives integer indices).
 * Its output is a constant even when an input requires a gradient, as in PyTorch.
 */
export interface NonDifferentiable {
  readonly kind: 'non-differentiable';
  readonly reason: string;
}

export type GradientEntry = GradientRule | NonDifferentiable;

export function rule<Attributes = unknown>(gradient: (dy: Tensor, forward: ForwardContext<Attributes>) => readonly (Tensor | null)[]): GradientRule<Attributes> {
  return { kind: 'rule', gradient };
}

/** `compute()` when input `index` requires a gradient, else null (without computing it). */
export function ifNeeded(forward: ForwardContext<unknown>, index: number, compute: () => Tensor): Tensor | null {
  return forward.needsGradient[index] ? compute() : null;
}

export function nonDifferentiable(reason: string): NonDifferentiable {
  return { kind: 'non-differentiable', reason };
}
