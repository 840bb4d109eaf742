/**
 * @lowbit/tensor/testing: the backend conformance suite. A backend package runs it from its own
 * tests:
 *
 *   import { describe, it } from 'vitest';
 *   import { runConformance } from '@lowbit/tensor/testing';
 *   runConformance(myBackend, { describe, it });
 *
 * No test framework is imported here; `conformanceChecks(backend)` gives the same cases as plain
 * `{ name, check() }` objects for any other runner.
 */
export { runConformance, conformanceChecks, opsWithoutCases, caseContext } from './run.js';
export type { ConformanceCheck, ConformanceOptions, TestFramework } from './run.js';
export { defineCases, caseName } from './case.js';
export type { CaseContext, ConformanceCase } from './case.js';
export { conformanceCases } from './cases/index.js';
export {
  expectTensor,
  expectShape,
  expectThrows,
  gamma,
  ConformanceError,
  FLOAT32_UNIT_ROUNDOFF,
  TRANSCENDENTAL_TOLERANCE,
} from './assert.js';
export type { Expected, Tolerance } from './assert.js';
export { SeededRandom, seedFromName } from './random.js';
export * as nd from './nd.js';
// Benchmark workloads (plain functions, no runner): other backends measure the very same work.
export { gemmWorkload, randomTensor, release } from '../reference/matmul.workloads.js';
export type { RateUnit, Workload } from '../reference/matmul.workloads.js';
export { RESNET18_CIFAR_LAYERS, CONV_PASSES, convAttributes, convFlops, convWorkload } from '../reference/conv.workloads.js';
export type { ConvLayer, ConvPass } from '../reference/conv.workloads.js';
export { spreadValues } from '../reference/quantize.workloads.js';
