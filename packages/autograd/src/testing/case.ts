/**
 * Gradient cases: one table of cases per op family (./cases/), collected in ./cases/index.ts, run
 * by `runGradientCase`. A case belongs to one op of the catalog, builds seeded inputs on the
 * backend under test, and either checks the gradient of `run` against finite differences
 * ('gradient', the default) or checks that the op's result is a constant ('constant': comparisons,
 * argmax, an int32 cast). The test over the table fails for any op of OPS without a case, so no
 * gradient rule can go unchecked. Cases never import a test framework.
 */
import { getBackend, tensor, type Backend, type DType, type NestedNumbers, type OpName, type Tensor } from '@lowbit/tensor';
import { SeededRandom, seedFromName } from '@lowbit/tensor/testing';
import { Variable } from '../variable.js';
import { checkGradient, type CheckGradientOptions, type GradientCheckReport } from './check.js';

export interface GradientCaseContext {
  readonly backend: Backend;
  readonly random: SeededRandom;
  tensor(values: number | NestedNumbers | ArrayLike<number>, shape?: readonly number[], dtype?: DType): Tensor;
  /** Uniform values in [low, high) (default [-2, 2)). */
  uniform(shape: readonly number[], low?: number, high?: number): Tensor;
  /**
   * Shuffled, evenly spaced values in [low, high) (default [-2, 2)), none closer than a quarter
   * spacing to 0: no ties and no kinks within the check's steps (relu, abs, max, pooling).
   */
  distinct(shape: readonly number[], low?: number, high?: number): Tensor;
  /** Uniform values in [low, high) (default [0.5, 2)): a domain for log, sqrt, reciprocal, pow. */
  positive(shape: readonly number[], low?: number, high?: number): Tensor;
  /** int32 integers in [low, high] (class labels). */
  integers(shape: readonly number[], low: number, high: number): Tensor;
}

export interface GradientCase {
  readonly op: OpName;
  /** Unique within the op. */
  readonly name: string;
  /** Default 'gradient'. */
  readonly expect?: 'gradient' | 'constant';
  inputs(context: GradientCaseContext): Tensor[];
  run(...inputs: Variable[]): Variable;
  readonly options?: CheckGradientOptions;
}

/** Several cases of one op: `gradientCases('add', { 'same shape': { inputs, run } })`. */
export function defineGradientCases(op: OpName, cases: Record<string, Omit<GradientCase, 'op' | 'name'>>): GradientCase[] {
  return Object.entries(cases).map(([name, body]) => ({ op, name, ...body }));
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function gradientCaseContext(backend: Backend, name: string): GradientCaseContext {
  const random = new SeededRandom(seedFromName(name));
  const make = (values: ArrayLike<number>, shape: readonly number[], dtype?: DType) => tensor(values, shape, { backend, dtype });
  return {
    backend,
    random,
    tensor: (values, shape, dtype) => tensor(values, shape, { backend, dtype }),
    uniform: (shape, low = -2, high = 2) => make(random.values(sizeOf(shape), low, high), shape),
    distinct: (shape, low = -2, high = 2) => {
      const count = sizeOf(shape);
      const spacing = (high - low) / count;
      const values = Array.from({ length: count }, (_, i) => low + (i + 0.25) * spacing);
      for (let i = count - 1; i > 0; i--) {
        const j = random.integer(0, i);
        [values[i], values[j]] = [values[j], values[i]];
      }
      return make(values, shape);
    },
    positive: (shape, low = 0.5, high = 2) => make(random.values(sizeOf(shape), low, high), shape),
    integers: (shape, low, high) => make(Array.from({ length: sizeOf(shape) }, () => random.integer(low, high)), shape, 'int32'),
  };
}

/** Full name of a case, as tests report it. */
export function gradientCaseName(testCase: GradientCase): string {
  return `${testCase.op}: ${testCase.name}`;
}

/**
 * Runs one case on `backend` (default: the current backend). Throws GradientCheckError (or an
 * Error for a 'constant' case whose result requires a gradient).
 */
export function runGradientCase(testCase: GradientCase, backend: Backend = getBackend()): GradientCheckReport | undefined {
  const name = gradientCaseName(testCase);
  const inputs = testCase.inputs(gradientCaseContext(backend, name));
  if (testCase.expect === 'constant') {
    const tracked = inputs.map((t) => new Variable(t, { requiresGrad: t.dtype === 'float32' }));
    const output = testCase.run(...tracked);
    if (output.requiresGrad || output.creator !== null) throw new Error(`${name}: the result should be a constant but requires a gradient (op ${output.creator?.op})`);
    return undefined;
  }
  return checkGradient(testCase.run, inputs, { label: name, ...testCase.options });
}
