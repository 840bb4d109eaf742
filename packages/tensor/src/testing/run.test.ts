import { describe, expect, it } from 'vitest';
import type { Backend, Kernels } from '../kernels/contract.js';
import { referenceBackend } from '../reference/index.js';
import { ConformanceError, expectTensor, gamma } from './assert.js';
import { defineCases, type ConformanceCase } from './case.js';
import { conformanceCases } from './cases/index.js';
import { conformanceChecks, opsWithoutCases, runConformance } from './run.js';
import { tensor } from '../creation.js';

/** The reference backend with one kernel replaced. */
function withKernel(name: keyof Kernels, kernel: unknown): Backend {
  return { ...referenceBackend, name: `broken-${name}`, kernels: { ...referenceBackend.kernels, [name]: kernel } };
}

function failures(backend: Backend, only: ConformanceCase['op'][]): string[] {
  return conformanceChecks(backend, { only }).flatMap((check) => {
    try {
      check.check();
      return [];
    } catch (error) {
      return [`${check.name}: ${(error as Error).message.split('\n')[0]}`];
    }
  });
}

describe('the conformance runner', () => {
  it('registers one describe per op and one it per case', () => {
    const log: string[] = [];
    const cases = defineCases('add', { one: () => {}, two: () => {} });
    runConformance(referenceBackend, { describe: (name, body) => (log.push(`describe ${name}`), body()), it: (name) => log.push(`it ${name}`) }, { cases });
    expect(log).toEqual(['describe conformance: reference', 'describe add', 'it one', 'it two', 'describe catalog', 'it every op has a case']);
  });

  it('the coverage check lists ops without cases', () => {
    const cases = defineCases('add', { one: () => {} });
    const coverage = conformanceChecks(referenceBackend, { cases }).at(-1)!;
    expect(coverage.name).toBe('catalog: every op has a case');
    expect(() => coverage.check()).toThrow(/^ops without conformance cases: neg, abs, sign, .*; add cases in src\/testing\/cases\/$/);
    expect(opsWithoutCases(cases)).not.toContain('add');
  });

  it('rejects duplicate case names', () => {
    const cases = [...defineCases('add', { same: () => {} }), ...defineCases('add', { same: () => {} })];
    expect(() => conformanceChecks(referenceBackend, { cases })).toThrow('duplicate conformance case name "add: same"');
  });

  it('cases are seeded by name: the same case sees the same numbers', () => {
    const seen: number[][] = [];
    const cases = defineCases('add', { random: (c) => void seen.push(c.uniform([3]).toArray()) });
    for (let run = 0; run < 2; run++) conformanceChecks(referenceBackend, { cases, only: ['add'] })[0].check();
    expect(seen[0]).toEqual(seen[1]);
  });
});

describe('the suite catches broken backends', () => {
  it('an add that is off by one ulp', () => {
    const add = referenceBackend.kernels.add;
    const sloppy: Kernels['add'] = (a, b, attributes) => {
      const out = add(a, b, attributes);
      const values = out.handle as Float32Array;
      values[0] = values[0] * (1 + 2 ** -23);
      return out;
    };
    expect(failures(withKernel('add', sloppy), ['add']).length).toBeGreaterThan(3);
  });

  it('a broadcast that ignores size-1 axes on the left operand', () => {
    const sub = referenceBackend.kernels.sub;
    const wrong: Kernels['sub'] = (a, b, attributes) => sub(b, a, attributes);
    expect(failures(withKernel('sub', wrong), ['sub']).length).toBeGreaterThan(0);
  });

  it('a sum that accumulates in float16-like precision', () => {
    const sum = referenceBackend.kernels.sum;
    const coarse: Kernels['sum'] = (x, attributes) => {
      const out = sum(x, attributes);
      const values = out.handle as Float32Array;
      for (let i = 0; i < values.length; i++) values[i] = Math.round(values[i] * 1024) / 1024;
      return out;
    };
    expect(failures(withKernel('sum', coarse), ['sum']).length).toBeGreaterThan(0);
  });

  it('an argmax that picks the last maximum, a slice that ignores negative steps', () => {
    const argmax = referenceBackend.kernels.argmax;
    const last: Kernels['argmax'] = (x, attributes) => {
      const reversed = { ...x, handle: (x.handle as Float32Array).slice().reverse() };
      return argmax(reversed, attributes);
    };
    expect(failures(withKernel('argmax', last), ['argmax']).length).toBeGreaterThan(0);
    const slice = referenceBackend.kernels.slice;
    const forward: Kernels['slice'] = (x, attributes) => slice(x, { ...attributes, step: attributes.step.map(Math.abs) });
    expect(failures(withKernel('slice', forward), ['slice']).length).toBeGreaterThan(0);
  });
});

describe('tolerances', () => {
  it('gamma(n) bounds float32 summation in any order', () => {
    expect(gamma(1) / 2 ** -24).toBeCloseTo(1, 6);
    expect(gamma(1000)).toBeGreaterThan(1000 * 2 ** -24);
  });

  it('expectTensor reports the first mismatches, exact vs bitwise vs bounds', () => {
    const x = tensor([1, -0, NaN]);
    expectTensor(x, { shape: [3], values: [1, 0, NaN] });
    expect(() => expectTensor(x, { shape: [3], values: [1, 0, NaN] }, 'bitwise')).toThrow(
      'result: 1 of 3 values differ (shape [3], tolerance bitwise):\n  [1] got 0 (0x80000000), expected 0 (0x00000000)',
    );
    expect(() => expectTensor(x, { shape: [2], values: [1, 0] })).toThrow(ConformanceError);
    expectTensor(tensor([1.001]), { shape: [1], values: [1] }, { bounds: [0.002] });
    expect(() => expectTensor(tensor([1.01]), { shape: [1], values: [1] }, { relative: 1e-3 })).toThrow('error 1.000e-2 > allowed 1.000e-3');
  });

  it('every built-in case belongs to a catalog op', () => {
    expect(conformanceCases.length).toBeGreaterThan(100);
  });
});
