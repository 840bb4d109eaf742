/**
 * Reverse-mode differentiation. From the output, the graph of variables that require a gradient
 * is put in topological order (an iterative depth-first search, so deep graphs do not overflow
 * the call stack); then, from the output back, each operation turns the gradient of its output
 * into gradients of its inputs, and gradients reaching one variable along several paths are added.
 * `backward` adds the result into the `grad` of the leaves (as PyTorch does: call `zeroGrad`
 * between steps); `gradients` returns them without touching `grad`.
 */
import { Tensor, add, formatShape, full } from '@lowbit/tensor';
import { BackwardError, GradientShapeError, describeShapes } from './errors.js';
import { noGrad } from './mode.js';
import type { Variable } from './variable.js';

export interface BackwardOptions {
  /**
   * The gradient of the output (shaped like it): what the output is multiplied with. Required
   * unless the output holds a single value (a loss), where it defaults to 1.
   */
  gradient?: Tensor | number;
}

/** Variables reachable from `root` through variables that require a gradient, inputs first. */
function topologicalOrder(root: Variable): Variable[] {
  const order: Variable[] = [];
  const visited = new Set<Variable>();
  const stack: [Variable, boolean][] = [[root, false]];
  while (stack.length > 0) {
    const [variable, expanded] = stack.pop()!;
    if (expanded) {
      order.push(variable);
      continue;
    }
    if (visited.has(variable)) continue;
    visited.add(variable);
    stack.push([variable, true]);
    for (const input of variable.creator?.inputs ?? []) {
      if (input.requiresGrad && !visited.has(input)) stack.push([input, false]);
    }
  }
  return order;
}

function seedGradient(output: Variable, options: BackwardOptions | undefined, op: string): Tensor {
  const label = output.name === undefined ? 'the output' : `the output ${JSON.stringify(output.name)}`;
  if (!output.requiresGrad) {
    throw new BackwardError(
      `${op}: ${label} does not require a gradient: no input of its computation requires one (make them with parameter(...) ` +
        'or variable(x, { requiresGrad: true })), or it was computed under noGrad or detached',
    );
  }
  const given = options?.gradient;
  if (given === undefined) {
    if (output.size !== 1) {
      throw new BackwardError(
        `${op}: ${label} has shape ${formatShape(output.shape)} (${output.size} values); without { gradient } backward needs a single value ` +
          `such as a loss. Reduce it first (sum, mean) or pass { gradient } shaped ${formatShape(output.shape)}`,
      );
    }
    return full(output.shape, 1, { backend: output.value.backend });
  }
  if (typeof given === 'number') {
    if (output.size !== 1) {
      throw new BackwardError(`${op}: a number gradient (${given}) needs a single-value output, but ${label} has shape ${formatShape(output.shape)}; pass a tensor`);
    }
    return full(output.shape, given, { backend: output.value.backend });
  }
  if (!(given instanceof Tensor) || given.dtype !== 'float32') {
    throw new BackwardError(`${op}: { gradient } must be a float32 Tensor shaped like ${label} ${formatShape(output.shape)}`);
  }
  if (!sameShape(given.shape, output.shape)) {
    throw new GradientShapeError(
      `${op}: the gradient has shape ${formatShape(given.shape)} but ${label} has shape ${formatShape(output.shape)}; they must be equal (no broadcasting)`,
      output.shape,
      given.shape,
    );
  }
  return given;
}

/** All gradients from `output` back, keyed by variable. */
function propagate(output: Variable, seed: Tensor): Map<Variable, Tensor> {
  const gradients = new Map<Variable, Tensor>([[output, seed]]);
  const order = topologicalOrder(output);
  noGrad(() => {
    for (let index = order.length - 1; index >= 0; index--) {
      const variable = order[index];
      const creator = variable.creator;
      const gradient = gradients.get(variable);
      if (creator === null || gradient === undefined) continue;
      const results = creator.backward(gradient);
      if (!Array.isArray(results) || results.length !== creator.inputs.length) {
        throw new BackwardError(
          `backward: the gradient rule of ${creator.op} returned ${Array.isArray(results) ? results.length : typeof results} gradient(s) for ${creator.inputs.length} input(s); return one per input (null where none flows)`,
        );
      }
      creator.inputs.forEach((input, i) => {
        const result = results[i] as Tensor | null | undefined;
        if (!input.requiresGrad || result === null || result === undefined) return;
        if (!(result instanceof Tensor) || !sameShape(result.shape, input.shape)) {
          const shape = result instanceof Tensor ? result.shape : [];
          throw new GradientShapeError(
            `backward: the gradient rule of ${creator.op} returned a gradient for input ${i} that does not fit: ${result instanceof Tensor ? describeShapes(shape, input.shape) : `got ${String(result)}, expected a Tensor of shape ${formatShape(input.shape)}`}`,
            input.shape,
            shape,
          );
        }
        const previous = gradients.get(input);
        gradients.set(input, previous === undefined ? result : add(previous, result));
      });
    }
  });
  return gradients;
}

/**
 * Computes the gradient of `output` with respect to every leaf that requires one and adds it to
 * the leaf's `grad`. A single-value output (a loss) needs no options; any other output needs
 * `{ gradient }` of its shape.
 */
export function backward(output: Variable, options?: BackwardOptions): void {
  const gradients = propagate(output, seedGradient(output, options, 'backward'));
  for (const [variable, gradient] of gradients) {
    if (variable.creator !== null || !variable.requiresGrad) continue;
    variable.grad = variable.grad === null ? gradient : noGrad(() => add(variable.grad as Tensor, gradient));
  }
}

/**
 * The gradients of `output` with respect to `inputs` (any variables of its graph, leaves or not),
 * without touching `grad`. An input the output does not depend on gets zeros.
 */
export function gradients(output: Variable, inputs: readonly Variable[], options?: BackwardOptions): Tensor[] {
  const computed = propagate(output, seedGradient(output, options, 'gradients'));
  return inputs.map((input) => computed.get(input) ?? full(input.shape, 0, { backend: input.value.backend }));
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
