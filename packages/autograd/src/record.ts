/**
 * Recording ops on the graph. Every differentiable op goes through `applyOp`: it runs the forward
 * computation on tensors and, when an input requires a gradient (and recording is on), returns a
 * Variable whose creator calls the op's gradient rule with the tensors saved now. Rules come from
 * GRADIENTS (catalog ops) or `registerGradient` (ops of other packages); `customGradient` wraps a
 * forward function and its backward function into a differentiable function in one go.
 */
import { ArgumentError, Tensor, opKind, scalar } from '@lowbit/tensor';
import { GRADIENTS } from './gradients/index.js';
import type { ForwardContext, GradientEntry } from './gradients/types.js';
import { MissingGradientError } from './errors.js';
import { isGradientEnabled } from './mode.js';
import { Variable } from './variable.js';

/** What differentiable ops accept: a Variable, or a Tensor (treated as a constant). */
export type Input = Variable | Tensor;

const registered = new Map<string, GradientEntry>();

/**
 * Registers the gradient rule of an op that is not in @lowbit/tensor's catalog (catalog ops have
 * theirs in GRADIENTS and cannot be replaced). Names are global: one rule per name.
 */
export function registerGradient(op: string, entry: GradientEntry): void {
  if (typeof op !== 'string' || op.length === 0) throw new ArgumentError('registerGradient', 'op', op, 'a non-empty op name');
  if (opKind(op) !== undefined) {
    throw new ArgumentError('registerGradient', 'op', op, 'a name outside the tensor catalog', 'catalog ops have their rule in GRADIENTS (src/gradients/)');
  }
  if (registered.has(op)) throw new ArgumentError('registerGradient', 'op', op, 'a name without a registered rule', 'each op has one rule');
  if (entry === null || typeof entry !== 'object' || (entry.kind !== 'rule' && entry.kind !== 'non-differentiable')) {
    throw new ArgumentError('registerGradient', 'entry', entry, "rule((dy, forward) => [...]) or nonDifferentiable('reason')");
  }
  registered.set(op, entry);
}

/** The gradient entry of an op: GRADIENTS for catalog ops, else a registered one. */
export function gradientEntry(op: string): GradientEntry | undefined {
  return opKind(op) !== undefined ? GRADIENTS[op as keyof typeof GRADIENTS] : registered.get(op);
}

/** A Variable from an op argument (a Tensor becomes a constant). */
export function toVariable(op: string, value: unknown, field: string): Variable {
  if (value instanceof Variable) return value;
  if (value instanceof Tensor) return new Variable(value);
  throw new ArgumentError(op, field, value, 'a Variable or a Tensor', 'wrap values with variable(...) or tensor(...)');
}

/** Like toVariable, and a number becomes a float32 scalar on the backend of `like`. */
export function toOperand(op: string, value: unknown, field: string, like: unknown): Variable {
  if (typeof value === 'number') {
    const backend = like instanceof Variable ? like.value.backend : like instanceof Tensor ? like.backend : undefined;
    return new Variable(scalar(value, { backend }));
  }
  if (value instanceof Variable || value instanceof Tensor) return toVariable(op, value, field);
  throw new ArgumentError(op, field, value, 'a Variable, a Tensor or a number');
}

function tracking(inputs: readonly Variable[]): boolean {
  return isGradientEnabled() && inputs.some((input) => input.requiresGrad);
}

/**
 * Runs `forward` on the inputs' tensors and records it under `op`. The attributes (the op's
 * options) reach the gradient rule unchanged. Throws MissingGradientError before computing
 * anything when a tracked input meets an op without a rule.
 */
export function applyOp<Attributes>(op: string, inputs: readonly Variable[], forward: (...tensors: Tensor[]) => Tensor, attributes: Attributes): Variable {
  const track = tracking(inputs);
  const entry = track ? gradientEntry(op) : undefined;
  if (track && entry === undefined) throw new MissingGradientError(op);
  const tensors = inputs.map((input) => input.value);
  const output = forward(...tensors);
  if (entry === undefined || entry.kind === 'non-differentiable' || output.dtype !== 'float32') return new Variable(output);
  const context: ForwardContext<Attributes> = { inputs: tensors, output, attributes, needsGradient: inputs.map((input) => input.requiresGrad) };
  return new Variable(output, {}, { op, inputs, backward: (dy) => entry.gradient(dy, context) });
}

/** What a custom forward function may return: the value, or the value and data for backward. */
export type CustomForwardResult<Saved> = Tensor | { value: Tensor; saved: Saved };

export interface CustomBackwardContext<Saved> extends ForwardContext<undefined> {
  /** What forward returned as `saved` (undefined if it returned a bare tensor). */
  readonly saved: Saved;
}

export interface CustomGradientOptions {
  /** Op name in the graph and in messages. Default 'customGradient'. */
  name?: string;
}

/**
 * A differentiable function from a forward function on tensors and its backward function
 * (TensorFlow.js's customGrad, for fused ops): `backward(dy, { inputs, output, saved })` returns
 * the gradient of each input (an array in input order, null where none flows; a single tensor
 * when there is one input). The forward function is not traced: only `backward` defines the
 * gradient, so it can be a fused, numerically stable formula.
 */
export function customGradient<Saved = undefined>(
  forward: (...inputs: Tensor[]) => CustomForwardResult<Saved>,
  backward: (dy: Tensor, context: CustomBackwardContext<Saved>) => Tensor | null | readonly (Tensor | null)[],
  options: CustomGradientOptions = {},
): (...inputs: Input[]) => Variable {
  if (typeof forward !== 'function') throw new ArgumentError('customGradient', 'forward', forward, 'a function (...tensors) => tensor or { value, saved }');
  if (typeof backward !== 'function') throw new ArgumentError('customGradient', 'backward', backward, 'a function (dy, { inputs, output, saved }) => gradients');
  const name = options.name ?? 'customGradient';
  return (...args: Input[]): Variable => {
    const inputs = args.map((arg, i) => toVariable(name, arg, `inputs[${i}]`));
    const tensors = inputs.map((input) => input.value);
    const result = forward(...tensors);
    const { value, saved } = result instanceof Tensor ? { value: result, saved: undefined as Saved } : result;
    if (!(value instanceof Tensor)) throw new ArgumentError(name, 'forward result', value, 'a Tensor or { value: Tensor, saved }');
    const needsGradient = inputs.map((input) => input.requiresGrad);
    const context: CustomBackwardContext<Saved> = { inputs: tensors, output: value, attributes: undefined, needsGradient, saved };
    return recordOperation(name, inputs, value, (dy) => backward(dy, context));
  };
}

/**
 * The result of an op computed by other means (a quantizer, a custom gradient): a constant
 * unless an input is tracked, else a Variable whose creator calls `backward` (which may return a
 * single tensor when there is one input).
 */
export function recordOperation(
  op: string,
  inputs: readonly Variable[],
  output: Tensor,
  backward: (dy: Tensor) => Tensor | null | readonly (Tensor | null)[],
): Variable {
  if (!tracking(inputs) || output.dtype !== 'float32') return new Variable(output);
  return new Variable(output, {}, {
    op,
    inputs,
    backward: (dy) => {
      const gradients = backward(dy);
      return gradients instanceof Tensor || gradients === null ? [gradients] : gradients;
    },
  });
}
