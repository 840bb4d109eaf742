/**
 * Finding where NaN or Inf first appeared in a step whose loss or gradients are non-finite.
 *
 * Checking every activation of every step would cost a download per layer per step, so the hot
 * loop checks only the loss and the gradients. When that check fails, the step is replayed from
 * its volatile state (model-hooks.ts: same stream positions, so the same stochastic bits) with
 * every module hooked:
 *
 * - forward: the first module to *complete* with a non-finite output from a finite input
 *   (children complete before their containers, so the innermost module is named);
 * - backward: every module's output is wrapped in an identity op whose backward records whether
 *   the error arriving there is finite, in the order backward reaches them. The first non-finite
 *   error was made by the module reached just before (its `errors` rounding or its backward
 *   computation), or by the loss when it is the first one. A module whose own parameter gradients
 *   are non-finite from a finite error is named if that happened earlier (the weight-gradient
 *   path: its `weightGradients` rounding or the GEMM).
 *
 * The quantization points of the named module are reported with their NaN and overflow counts,
 * since an overflowing FP8 error (E5M2 with infinities) is the usual culprit.
 */
import { customGradient, type Variable } from '@lowbit/autograd';
import { Tensor } from '@lowbit/tensor';
import type { Module } from '@lowbit/nn';
import type { NonFiniteLocation } from './errors.js';
import { withForwardHooks } from './model-hooks.js';

/** NaN and infinite counts of an array. */
export function countNonFinite(values: ArrayLike<number>): { nan: number; infinite: number } {
  let nan = 0;
  let infinite = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v !== v) nan++;
    else if (v === Infinity || v === -Infinity) infinite++;
  }
  return { nan, infinite };
}

export function isFiniteArray(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

/** The first parameter (in model order) whose gradient holds NaN/Inf, or undefined. */
export function firstNonFiniteGradient(model: Module): string | undefined {
  for (const [name, parameter] of model.namedParameters()) {
    if (parameter.grad !== null && !isFiniteArray(parameter.grad.data() as Float32Array)) return name;
  }
  return undefined;
}

const counts = (values: ArrayLike<number>) => {
  const { nan, infinite } = countNonFinite(values);
  return `${nan} NaN, ${infinite} infinite of ${values.length} values`;
};

const label = (path: string, module: Module) => (path === '' ? module.type : `${module.type} ${JSON.stringify(path)}`);

/** A point of `module` and what its side reported in the step just replayed, for messages. */
function pointReport(module: Module, path: string, role: 'inputs' | 'outputs' | 'weights', side: 'forward' | 'backward'): { name: string; nan: number; overflowed: number } | undefined {
  const point = module.quantizationPointRoles().includes(role) ? module.quantizationPoint(role) : undefined;
  const record = point?.statistics()?.[side];
  if (point === undefined || record === undefined || (record.nan === 0 && record.overflowed === 0)) return undefined;
  return { name: `${path === '' ? module.type : path}.${role}`, nan: record.nan, overflowed: record.overflowed };
}

function describePoints(reports: ({ name: string; nan: number; overflowed: number } | undefined)[], tensorRole: string[]): { text: string; first?: { name: string; nan: number; overflowed: number } } {
  const found = reports.map((report, i) => (report === undefined ? undefined : `${tensorRole[i]} point "${report.name}" reported ${report.overflowed} overflowed and ${report.nan} NaN values`)).filter((text) => text !== undefined);
  return { text: found.length === 0 ? '' : `; ${found.join('; ')}`, first: reports.find((report) => report !== undefined) };
}

/**
 * Replays the step's forward and backward with hooks and returns where NaN/Inf first appeared.
 * The caller restores the model's volatile state before and after.
 */
export function locateNonFinite(model: Module, images: Tensor, labels: Tensor, loss: (output: Variable, labels: Tensor) => Variable, originalLoss: number): NonFiniteLocation {
  for (const [name, parameter] of model.namedParameters()) {
    const values = parameter.value.data() as Float32Array;
    if (!isFiniteArray(values)) {
      return { phase: 'parameter', parameter: name, ...countNonFinite(values), description: `parameter "${name}" already held non-finite values before this step (${counts(values)})` };
    }
  }
  const modules = new Map(model.namedModules());
  let forward: NonFiniteLocation | undefined;
  const reached: { path: string; finite: boolean; values: Float32Array }[] = [];
  const probe = (path: string) =>
    customGradient(
      (x: Tensor) => x,
      (dy: Tensor) => {
        const values = dy.data() as Float32Array;
        reached.push({ path, finite: isFiniteArray(values), values });
        return dy;
      },
      { name: 'nonFiniteProbe' },
    );
  model.zeroGrad();
  let lossVariable: Variable | undefined;
  withForwardHooks(
    model,
    (path, module, input, output) => {
      const outputValues = output.value.data() as Float32Array;
      if (forward === undefined && !isFiniteArray(outputValues)) {
        const inputValues = (input instanceof Tensor ? input : input.value).data() as Float32Array;
        if (isFiniteArray(inputValues)) {
          const points = describePoints([pointReport(module, path, 'inputs', 'forward'), pointReport(module, path, 'weights', 'forward'), pointReport(module, path, 'outputs', 'forward')], ['inputs', 'weights', 'outputs']);
          forward = {
            phase: 'forward',
            layer: path,
            type: module.type,
            quantizationPoint: points.first?.name,
            overflowed: points.first?.overflowed,
            ...countNonFinite(outputValues),
            description: `NaN/Inf first appeared in the forward pass, at the output of ${label(path, module)} from a finite input (${counts(outputValues)})${points.text}`,
          };
        }
      }
      return output.requiresGrad ? probe(path)(output) : output;
    },
    () => {
      const output = model.forward(images);
      // A non-finite loss needs only the forward replay; the loss function is not called twice
      // (it may count its calls or draw random numbers).
      if (Number.isFinite(originalLoss)) lossVariable = loss(output, labels);
    },
  );
  if (forward !== undefined) return forward;
  if (lossVariable === undefined) {
    return { phase: 'loss', description: `every module's output was finite; the loss function returned ${originalLoss} from them` };
  }
  const lossValue = lossVariable.item();
  lossVariable.backward();
  // Times in backward order: the probe of module k fires at k; its parameter gradients are made right after.
  const firstBad = reached.findIndex((entry) => !entry.finite);
  const candidates: { time: number; location: NonFiniteLocation }[] = [];
  if (firstBad >= 0) {
    const entry = reached[firstBad];
    if (firstBad === 0) {
      candidates.push({ time: -1, location: { phase: 'loss', ...countNonFinite(entry.values), description: `the gradient of the loss with respect to the model output is non-finite (${counts(entry.values)}) although the loss is ${lossValue}` } });
    } else {
      const culpritPath = reached[firstBad - 1].path;
      const culprit = modules.get(culpritPath)!;
      const points = describePoints([pointReport(culprit, culpritPath, 'outputs', 'backward'), pointReport(culprit, culpritPath, 'weights', 'backward')], ['errors', 'weight-gradient']);
      const target = modules.get(entry.path)!;
      candidates.push({
        time: firstBad - 0.5,
        location: {
          phase: 'backward',
          layer: culpritPath,
          type: culprit.type,
          quantizationPoint: points.first?.name,
          overflowed: points.first?.overflowed,
          ...countNonFinite(entry.values),
          description: `NaN/Inf first appeared in the backward pass of ${label(culpritPath, culprit)}: the error it received was finite, the error it passed back to ${label(entry.path, target)} is not (${counts(entry.values)})${points.text}`,
        },
      });
    }
  }
  reached.forEach((entry, time) => {
    if (!entry.finite || (firstBad >= 0 && time >= firstBad)) return;
    const module = modules.get(entry.path)!;
    for (const [name, parameter] of module.ownParameters()) {
      const grad = parameter.grad === null ? undefined : (parameter.grad.data() as Float32Array);
      if (grad === undefined || isFiniteArray(grad)) continue;
      const parameterName = entry.path === '' ? name : `${entry.path}.${name}`;
      // The errors point rounds the incoming error before the module's backward runs: if it
      // overflowed, that is where NaN/Inf came from, and the weight gradient is a consequence.
      const errors = pointReport(module, entry.path, 'outputs', 'backward');
      const gradients = pointReport(module, entry.path, 'weights', 'backward');
      const points = errors !== undefined ? describePoints([errors, gradients], ['errors', 'weight-gradient']) : describePoints([gradients], ['weight-gradient']);
      const description =
        errors !== undefined
          ? `NaN/Inf first appeared in the backward pass of ${label(entry.path, module)}: its errors point "${errors.name}" reported ${errors.overflowed} overflowed and ${errors.nan} NaN values, and the gradient of "${parameterName}" became non-finite (${counts(grad)})${points.text.replace(/^; errors point [^;]*/, '')}`
          : `NaN/Inf first appeared in the gradient of parameter "${parameterName}" of ${label(entry.path, module)}, computed from a finite error (${counts(grad)})${points.text}`;
      candidates.push({
        time: time + 0.25,
        location: { phase: 'backward', layer: entry.path, type: module.type, parameter: parameterName, quantizationPoint: points.first?.name, overflowed: points.first?.overflowed, ...countNonFinite(grad), description },
      });
      return;
    }
  });
  candidates.sort((a, b) => a.time - b.time);
  if (candidates.length > 0) return candidates[0].location;
  return { phase: 'unknown', description: 'replaying the step gave finite values everywhere (the first run saw NaN/Inf: a nondeterministic custom op or callback?)' };
}

/** Runs `locateNonFinite` without leaving gradients behind. */
export function locateNonFiniteQuietly(...args: Parameters<typeof locateNonFinite>): NonFiniteLocation {
  try {
    return locateNonFinite(...args);
  } finally {
    args[0].zeroGrad();
  }
}
