/**
 * Running the conformance suite against a backend, without depending on a test framework.
 *
 * - `conformanceChecks(backend)` returns plain `{ name, op, check() }` objects (check throws on
 *   failure), one per case plus one named "catalog: every op has a case";
 * - `runConformance(backend, { describe, it })` registers them with the test framework given
 *   (vitest, jest, node:test...), one describe block per op.
 */
import { tensor as makeTensor } from '../creation.js';
import type { Backend } from '../kernels/contract.js';
import { OPS, type OpName } from '../ops/catalog.js';
import { ConformanceError } from './assert.js';
import { caseName, type CaseContext, type ConformanceCase } from './case.js';
import { conformanceCases } from './cases/index.js';
import { SeededRandom, seedFromName } from './random.js';

export interface ConformanceCheck {
  name: string;
  /** The op, or 'catalog' for the coverage check. */
  op: OpName | 'catalog';
  check(): void;
}

export interface ConformanceOptions {
  /** Cases to run instead of the built-in ones (e.g. the built-in ones plus a backend's own). */
  cases?: readonly ConformanceCase[];
  /** Run only the cases of these ops (the coverage check is then left out). */
  only?: readonly OpName[];
}

/** The ops of the catalog that no case covers. */
export function opsWithoutCases(cases: readonly ConformanceCase[] = conformanceCases): OpName[] {
  const covered = new Set(cases.map((c) => c.op));
  return OPS.filter((op) => !covered.has(op));
}

/** A CaseContext whose tensors live on `backend`, seeded by the case's full name. */
export function caseContext(backend: Backend, name: string): CaseContext {
  const random = new SeededRandom(seedFromName(name));
  const options = { backend };
  return {
    backend,
    random,
    tensor: (values, shape, dtype) => makeTensor(values, shape, { ...options, dtype }),
    uniform: (shape, low = -1, high = 1) => makeTensor(random.values(sizeOf(shape), low, high), shape, options),
    integers: (shape, low = -4, high = 4) =>
      makeTensor(Float32Array.from({ length: sizeOf(shape) }, () => random.integer(low, high)), shape, options),
  };
}

function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function conformanceChecks(backend: Backend, options: ConformanceOptions = {}): ConformanceCheck[] {
  const cases = options.cases ?? conformanceCases;
  const only = options.only === undefined ? undefined : new Set<string>(options.only);
  const names = new Set<string>();
  const checks: ConformanceCheck[] = [];
  for (const testCase of cases) {
    if (only && !only.has(testCase.op)) continue;
    const name = caseName(testCase);
    if (names.has(name)) throw new ConformanceError(`duplicate conformance case name "${name}"`);
    names.add(name);
    checks.push({ name, op: testCase.op, check: () => testCase.check(caseContext(backend, name)) });
  }
  if (!only) {
    checks.push({
      name: 'catalog: every op has a case',
      op: 'catalog',
      check: () => {
        const missing = opsWithoutCases(cases);
        if (missing.length > 0) {
          throw new ConformanceError(`ops without conformance cases: ${missing.join(', ')}; add cases in src/testing/cases/`);
        }
      },
    });
  }
  return checks;
}

/** The subset of a test framework the runner needs. */
export interface TestFramework {
  describe(name: string, body: () => void): void;
  it(name: string, body: () => void): void;
}

/** Registers the suite: describe(`conformance: <backend>`) > describe(op) > it(case). */
export function runConformance(backend: Backend, framework: TestFramework, options: ConformanceOptions = {}): void {
  const checks = conformanceChecks(backend, options);
  const byOp = new Map<string, ConformanceCheck[]>();
  for (const check of checks) byOp.set(check.op, [...(byOp.get(check.op) ?? []), check]);
  framework.describe(`conformance: ${backend.name}`, () => {
    for (const [op, opChecks] of byOp) {
      framework.describe(op, () => {
        for (const check of opChecks) framework.it(check.name.slice(op.length + 2) || check.name, () => check.check());
      });
    }
  });
}
