/**
 * Named errors thrown at the boundary of @lowbit/autograd. Bad options of ops, quantizers and
 * parameters reuse @lowbit/tensor's `ArgumentError` (op, field, value, allowed, hint) so every
 * package reports a bad option the same way; the errors below are the ones only differentiation
 * has. Each message names the op or variable involved, the offending value and a way out.
 */
import { formatShape } from '@lowbit/tensor';

/**
 * `backward` cannot start: the output is not a scalar and no gradient was given, or nothing in
 * the computation requires a gradient, or a gradient rule broke its contract (wrong count).
 */
export class BackwardError extends Error {
  override readonly name = 'BackwardError';
}

/**
 * A gradient of the wrong shape: the one passed to `backward({ gradient })`, or one returned by a
 * gradient rule for an input.
 */
export class GradientShapeError extends Error {
  override readonly name = 'GradientShapeError';
  constructor(
    message: string,
    readonly expected: readonly number[],
    readonly actual: readonly number[],
  ) {
    super(message);
  }
}

/**
 * An op without a gradient rule was applied to a variable that requires a gradient. Thrown in the
 * forward pass (where the op is called), not deep inside `backward`, so the stack points at the
 * call that needs the rule.
 */
export class MissingGradientError extends Error {
  override readonly name = 'MissingGradientError';
  constructor(readonly op: string) {
    super(
      `${op}: no gradient rule for op ${JSON.stringify(op)}, and an input requires a gradient. ` +
        'Add a rule to GRADIENTS (src/gradients/, catalog ops), register one with registerGradient(op, rule), ' +
        'wrap the computation in customGradient(forward, backward), or detach the inputs / run it under noGrad.',
    );
  }
}

/** "gradient [2,3] for x [3]" style message fragment. */
export function describeShapes(actual: readonly number[], expected: readonly number[]): string {
  return `got ${formatShape(actual)}, expected ${formatShape(expected)}`;
}
