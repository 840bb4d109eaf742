/** The `profile` command's output: the split of a step's time, the kernel table, and the same as JSON. */
import { resolve } from 'node:path';
import { writeFileAtomically } from '../results/write.js';
import type { Environment } from '../results/types.js';
import { formatPercent, formatTable } from '../table.js';
import type { KernelTiming } from './kernel-timer.js';
import type { ProfileResult } from './run-profile.js';

/** 'shape': one row per kernel and shapes (matmul/convolution inputs, other kernels' outputs); 'kernel': one per kernel name. */
export type ProfileGrouping = 'kernel' | 'shape';

/** One table row, per timed step. */
export interface ProfileRow {
  kernel: string;
  kind: KernelTiming['kind'];
  /** The shapes; by kernel: the one shape, or how many there were ("(3 shapes)"). */
  shapes: string;
  callsPerStep: number;
  millisecondsPerStep: number;
  fractionOfStep: number;
}

export interface ProfileSummary {
  stepMilliseconds: number;
  examplesPerSecond: number;
  kernelMilliseconds: number;
  transferMilliseconds: number;
  /** JavaScript between kernels: autograd, allocation, optimizer loops, the profiler's own bookkeeping. */
  outsideMilliseconds: number;
  phases: { forward: number; backward: number; optimizer: number };
}

export function summarizeProfile(result: ProfileResult): ProfileSummary {
  const perStep = (milliseconds: number) => milliseconds / result.steps;
  const sumOf = (kind: KernelTiming['kind']) => result.timings.filter((timing) => timing.kind === kind).reduce((sum, timing) => sum + timing.milliseconds, 0);
  const stepMilliseconds = perStep(result.totalMilliseconds);
  const kernelMilliseconds = perStep(sumOf('kernel'));
  const transferMilliseconds = perStep(sumOf('transfer'));
  const { forward, backward, optimizer } = result.phaseMilliseconds;
  return {
    stepMilliseconds,
    examplesPerSecond: stepMilliseconds > 0 ? (1000 * result.batch) / stepMilliseconds : 0,
    kernelMilliseconds,
    transferMilliseconds,
    outsideMilliseconds: Math.max(0, stepMilliseconds - kernelMilliseconds - transferMilliseconds),
    phases: { forward: perStep(forward), backward: perStep(backward), optimizer: perStep(optimizer) },
  };
}

export function profileRows(result: ProfileResult, by: ProfileGrouping): ProfileRow[] {
  const groups = new Map<string, { kernel: string; kind: KernelTiming['kind']; shapes: string[]; calls: number; milliseconds: number }>();
  for (const timing of result.timings) {
    const key = by === 'kernel' ? timing.kernel : `${timing.kernel}\u0000${timing.shapes}`;
    const group = groups.get(key) ?? { kernel: timing.kernel, kind: timing.kind, shapes: [], calls: 0, milliseconds: 0 };
    group.shapes.push(timing.shapes);
    group.calls += timing.calls;
    group.milliseconds += timing.milliseconds;
    groups.set(key, group);
  }
  return [...groups.values()]
    .map((group) => ({
      kernel: group.kernel,
      kind: group.kind,
      shapes: group.shapes.length === 1 ? group.shapes[0] : `(${group.shapes.length} shapes)`,
      callsPerStep: group.calls / result.steps,
      millisecondsPerStep: group.milliseconds / result.steps,
      fractionOfStep: result.totalMilliseconds > 0 ? group.milliseconds / result.totalMilliseconds : 0,
    }))
    .sort((a, b) => b.millisecondsPerStep - a.millisecondsPerStep);
}

const milliseconds = (value: number) => value.toFixed(value < 10 ? 3 : 2);
// Every step makes the same calls, so calls per step is a whole number unless steps differ (a data-dependent model).
const calls = (value: number) => String(Number(value.toFixed(2)));

export function formatProfile(result: ProfileResult, options: { by: ProfileGrouping; top: number }): string {
  const summary = summarizeProfile(result);
  const share = (value: number) => formatPercent(summary.stepMilliseconds > 0 ? value / summary.stepMilliseconds : 0, 1);
  const header = `${result.model} ${result.precision}, batch ${result.batch}, ${result.backend} (${result.threads} thread${result.threads === 1 ? '' : 's'}), seed ${result.seed}: ${result.steps} timed step${result.steps === 1 ? '' : 's'} after ${result.warmup} warm-up`;
  const parts: [string, number][] = [
    [`step (${Math.round(summary.examplesPerSecond)} examples/s)`, summary.stepMilliseconds],
    ['  inside kernels', summary.kernelMilliseconds],
    ['  uploads and downloads', summary.transferMilliseconds],
    ['  outside kernels: JavaScript (autograd, allocation, optimizer)', summary.outsideMilliseconds],
    ['forward (zeroGrad, forward, loss)', summary.phases.forward],
    ['backward', summary.phases.backward],
    ['optimizer step (and reading the loss)', summary.phases.optimizer],
  ];
  const split = formatTable(['part of a step', 'ms/step', '% of step'], parts.map(([label, value]) => [label, milliseconds(value), share(value)]));
  const rows = profileRows(result, options.by);
  const shown = rows.slice(0, options.top);
  const table = formatTable(
    ['kernel', 'shapes', 'calls/step', 'ms/step', '% of step'],
    shown.map((row) => [row.kernel, row.shapes, calls(row.callsPerStep), milliseconds(row.millisecondsPerStep), formatPercent(row.fractionOfStep, 1)]),
  );
  const hidden = rows.slice(options.top);
  const hiddenMilliseconds = hidden.reduce((sum, row) => sum + row.millisecondsPerStep, 0);
  const rest = hidden.length === 0 ? '' : `\n${hidden.length} more row${hidden.length === 1 ? '' : 's'} (raise --top to see them): ${milliseconds(hiddenMilliseconds)} ms/step, ${share(hiddenMilliseconds)}`;
  return `${header}\n\n${split}\n\n${table}${rest}\n`;
}

/** The JSON of `--out`: the run, the split and every row (not only --top's). Not a results file: `report` does not read it. */
export function profileDocument(result: ProfileResult, by: ProfileGrouping, environment: Environment) {
  const { model, precision, batch, steps, warmup, seed, backend, threads } = result;
  return { profile: { model, precision, batch, steps, warmup, seed, backend, threads, by }, environment, ...summarizeProfile(result), rows: profileRows(result, by) };
}

export function writeProfile(path: string, document: ReturnType<typeof profileDocument>): string {
  const absolute = resolve(path);
  writeFileAtomically(absolute, JSON.stringify(document, null, 2) + '\n');
  return absolute;
}
