/** The registry of gradient cases: a new op needs cases here, or the coverage test fails. */
import { OPS, type OpName } from '@lowbit/tensor';
import type { GradientCase } from '../case.js';
import { elementwiseGradientCases } from './elementwise.js';
import { linearGradientCases } from './linear.js';
import { movementGradientCases } from './movement.js';
import { reduceGradientCases } from './reduce.js';

export const gradientCases: readonly GradientCase[] = [...elementwiseGradientCases, ...reduceGradientCases, ...movementGradientCases, ...linearGradientCases];

/** Ops of the catalog without a gradient case. */
export function opsWithoutGradientCases(cases: readonly GradientCase[] = gradientCases): OpName[] {
  const covered = new Set(cases.map((c) => c.op));
  return OPS.filter((op) => !covered.has(op));
}
