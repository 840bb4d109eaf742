/**
 * The format of a conformance case. A case belongs to one op of the catalog, builds its inputs on
 * the backend under test through a `CaseContext`, runs the op (through the public op function, so
 * validation and shape inference are exercised too), computes the expected values with a simple
 * float64 formula of its own, and throws (`ConformanceError`, see ./assert.ts) on a mismatch.
 *
 * Cases are declared in tables, one file per op family under ./cases/ (elementwise, reduce,
 * movement, shape, composite, matmul, conv, pool, quantize), and collected in ./cases/index.ts.
 * A case file exports `const xxxCases: ConformanceCase[]`; `defineCases(op, [...])` is shorthand
 * for several cases of one op.
 *
 * Cases must not import a test framework: the runner (./run.ts) hands them out as plain
 * `{ name, check() }` objects or registers them with the `describe`/`it` it is given.
 */
import type { Backend, DType } from '../kernels/contract.js';
import type { OpName } from '../ops/catalog.js';
import type { NestedNumbers, Tensor } from '../tensor.js';
import type { SeededRandom } from './random.js';

export interface CaseContext {
  /** The backend under test. Tensors made through this context live on it. */
  readonly backend: Backend;
  /** Seeded from the case's full name: the same case always sees the same numbers. */
  readonly random: SeededRandom;
  /** A tensor on the backend under test (dtype float32 unless given or values is an Int32Array). */
  tensor(values: number | NestedNumbers | ArrayLike<number>, shape?: readonly number[], dtype?: DType): Tensor;
  /** Uniform float32 values in [low, high) (default [-1, 1)) from this case's random stream. */
  uniform(shape: readonly number[], low?: number, high?: number): Tensor<'float32'>;
  /**
   * Small integers in [low, high] as float32 (default [-4, 4]): sums and products of these are
   * exact in float32, so results can be compared exactly, and ties (max, argmax) really occur.
   */
  integers(shape: readonly number[], low?: number, high?: number): Tensor<'float32'>;
}

export interface ConformanceCase {
  /** The catalog op this case covers (the coverage check counts cases by this name). */
  readonly op: OpName;
  /** Unique within the op; the full name is `${op}: ${name}`. */
  readonly name: string;
  /** Runs on the backend under test; throws on mismatch. */
  check(context: CaseContext): void;
}

/** Several cases of one op: `defineCases('add', { 'same shape': (c) => ..., ... })`. */
export function defineCases(op: OpName, checks: Record<string, (context: CaseContext) => void>): ConformanceCase[] {
  return Object.entries(checks).map(([name, check]) => ({ op, name, check }));
}

/** The name a case is registered and reported under. */
export function caseName(testCase: ConformanceCase): string {
  return `${testCase.op}: ${testCase.name}`;
}
