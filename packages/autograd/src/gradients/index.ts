/**
 * GRADIENTS: the one table of gradient rules, keyed by the op names of @lowbit/tensor's catalog.
 * Every name of OPS has an entry (a missing one is a compile error below, and the gradient-check
 * test fails for an entry without a case): a rule, or an explicit non-differentiable marker.
 */
import type { OpName } from '@lowbit/tensor';
import { binaryGradients, comparisonGradients, selectionGradients, unaryGradients } from './elementwise.js';
import { convGradients, matmulGradients, poolGradients, quantizeGradients } from './linear.js';
import { movementGradients, shapeGradients, stackGradients } from './movement.js';
import { compositeReduceGradients, reduceGradients } from './reduce.js';
import type { GradientEntry } from './types.js';

export const GRADIENTS: Readonly<Record<OpName, GradientEntry>> = Object.freeze({
  ...unaryGradients,
  ...binaryGradients,
  ...comparisonGradients,
  ...selectionGradients,
  ...reduceGradients,
  ...movementGradients,
  ...shapeGradients,
  ...matmulGradients,
  ...convGradients,
  ...poolGradients,
  ...quantizeGradients,
  ...compositeReduceGradients,
  ...stackGradients,
} satisfies Record<OpName, GradientEntry>);

export type { ForwardContext, GradientEntry, GradientRule, NonDifferentiable } from './types.js';
export { rule, nonDifferentiable, ifNeeded } from './types.js';
export { reduceToShape } from './helpers.js';
