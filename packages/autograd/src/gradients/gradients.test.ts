/**
 * The gradient table, checked op by op: every op of @lowbit/tensor's catalog has an entry in
 * GRADIENTS and at least one case in @lowbit/autograd/testing, and every case passes the
 * finite-difference check (or, for non-differentiable ops, gives a constant).
 */
import { OPS } from '@lowbit/tensor';
import { describe, expect, it } from 'vitest';
import { gradientCaseName, gradientCases, opsWithoutGradientCases, runGradientCase } from '../testing/index.js';
import { GRADIENTS } from './index.js';

describe('GRADIENTS', () => {
  it('has exactly one entry per op of the catalog', () => {
    expect(Object.keys(GRADIENTS).sort()).toEqual([...OPS].sort());
  });

  it('every op of OPS has a gradient case (no rule can skip the check)', () => {
    expect(opsWithoutGradientCases()).toEqual([]);
  });

  it('non-differentiable entries have only constant cases; rules have a gradient case', () => {
    for (const op of OPS) {
      const cases = gradientCases.filter((c) => c.op === op);
      const kinds = new Set(cases.map((c) => c.expect ?? 'gradient'));
      if (GRADIENTS[op].kind === 'non-differentiable') expect([op, [...kinds]]).toEqual([op, ['constant']]);
      else expect([op, kinds.has('gradient')]).toEqual([op, true]);
    }
  });
});

describe('gradient check of every rule', () => {
  for (const op of OPS) {
    describe(op, () => {
      for (const testCase of gradientCases.filter((c) => c.op === op)) {
        it(gradientCaseName(testCase).slice(op.length + 2), () => {
          runGradientCase(testCase);
        });
      }
    });
  }
});
