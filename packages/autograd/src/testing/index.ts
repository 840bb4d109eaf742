/**
 * @lowbit/autograd/testing: the finite-difference gradient check and the table of gradient cases
 * (one or more per op of the catalog). A backend package can rerun the whole table on itself:
 *
 *   for (const c of gradientCases) it(gradientCaseName(c), () => runGradientCase(c, myBackend));
 */
export { checkGradient, GradientCheckError, type CheckGradientOptions, type GradientCheckReport, type InputCheck } from './check.js';
export { defineGradientCases, gradientCaseContext, gradientCaseName, runGradientCase, type GradientCase, type GradientCaseContext } from './case.js';
export { gradientCases, opsWithoutGradientCases } from './cases/index.js';
