/**
 * Schedules for the learning rate and for Bop's adaptivity (gamma) and threshold (tau).
 *
 * A schedule is a number (constant), a plain-data spec made by the helpers below, or any function
 * of the step. Specs are data on purpose: an experiment records its exact configuration, and
 * `{ kind: 'cosine', initial: 0.1, final: 0, steps: 1000 }` can be written to JSON and read back,
 * while a function cannot. The step is the number of optimizer steps taken before this one (0 for
 * the first), as in Keras and Larq (`optimizer.iterations`); per-epoch schedules multiply by the
 * steps per epoch.
 */
import { ArgumentError } from '@lowbit/tensor';

export type ScheduleSpec =
  | { kind: 'constant'; value: number }
  | { kind: 'step'; initial: number; factor: number; every?: number; milestones?: readonly number[] }
  | { kind: 'exponential'; initial: number; rate: number; every: number; staircase: boolean }
  | { kind: 'linear'; initial: number; final: number; steps: number }
  | { kind: 'cosine'; initial: number; final: number; steps: number }
  | { kind: 'warmup'; steps: number; from: number; then: Schedule }
  | { kind: 'sequence'; parts: readonly { schedule: Schedule; steps: number }[]; then: Schedule };

export type Schedule = number | ScheduleSpec | ((step: number) => number);

function finite(op: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw new ArgumentError(op, field, value, 'a finite number');
  return value;
}

function positiveInteger(op: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1) throw new ArgumentError(op, field, value, 'an integer >= 1');
  return value;
}

/** The same value at every step. */
export function constantSchedule(value: number): ScheduleSpec {
  return { kind: 'constant', value: finite('constantSchedule', 'value', value) };
}

/**
 * Multiplies by `factor` every `every` steps (PyTorch StepLR), or at each of `milestones`
 * (MultiStepLR): initial · factor^(number of milestones <= step).
 */
export function stepSchedule(options: { initial: number; factor: number; every?: number; milestones?: readonly number[] }): ScheduleSpec {
  const op = 'stepSchedule';
  const initial = finite(op, 'initial', options?.initial);
  const factor = finite(op, 'factor', options.factor);
  if ((options.every === undefined) === (options.milestones === undefined)) {
    throw new ArgumentError(op, 'every', options.every, 'exactly one of every or milestones', 'every: 30 decays at 30, 60, ...; milestones: [30, 80] at those steps');
  }
  if (options.every !== undefined) return { kind: 'step', initial, factor, every: positiveInteger(op, 'every', options.every) };
  const milestones = options.milestones as readonly number[];
  if (!Array.isArray(milestones) || !milestones.every((m, i) => Number.isSafeInteger(m) && m >= 0 && (i === 0 || m > milestones[i - 1]))) {
    throw new ArgumentError(op, 'milestones', milestones, 'increasing non-negative integers');
  }
  return { kind: 'step', initial, factor, milestones: [...milestones] };
}

/** initial · rate^(step / every), or rate^floor(step / every) with `staircase` (Keras ExponentialDecay). */
export function exponentialSchedule(options: { initial: number; rate: number; every?: number; staircase?: boolean }): ScheduleSpec {
  const op = 'exponentialSchedule';
  const rate = finite(op, 'rate', options?.rate);
  if (rate <= 0) throw new ArgumentError(op, 'rate', rate, 'a number > 0', 'rate 0.96 with every 1000 decays by 4 % per 1000 steps');
  return {
    kind: 'exponential',
    initial: finite(op, 'initial', options.initial),
    rate,
    every: positiveInteger(op, 'every', options.every ?? 1),
    staircase: options.staircase ?? false,
  };
}

/** From `initial` at step 0 to `final` at step `steps`, then `final`. */
export function linearSchedule(options: { initial: number; final: number; steps: number }): ScheduleSpec {
  const op = 'linearSchedule';
  return { kind: 'linear', initial: finite(op, 'initial', options?.initial), final: finite(op, 'final', options.final), steps: positiveInteger(op, 'steps', options.steps) };
}

/** Half a cosine from `initial` to `final` (default 0) over `steps`, then `final` (SGDR without restarts). */
export function cosineSchedule(options: { initial: number; final?: number; steps: number }): ScheduleSpec {
  const op = 'cosineSchedule';
  return { kind: 'cosine', initial: finite(op, 'initial', options?.initial), final: finite(op, 'final', options.final ?? 0), steps: positiveInteger(op, 'steps', options.steps) };
}

/**
 * Linear warm-up from `from` (default 0) to the value `then` starts with, over `steps` steps; then
 * `then`, which sees its own step count starting at 0 when the warm-up ends (optax's join), so a
 * cosine decay after a warm-up is `warmupSchedule({ steps: 500, then: cosineSchedule(...) })`.
 */
export function warmupSchedule(options: { steps: number; from?: number; then: Schedule }): ScheduleSpec {
  const op = 'warmupSchedule';
  const steps = positiveInteger(op, 'steps', options?.steps);
  checkSchedule(op, 'then', options.then);
  return { kind: 'warmup', steps, from: finite(op, 'from', options.from ?? 0), then: options.then };
}

/** Runs each part for its `steps` (each seeing its own steps from 0), then `then`. */
export function sequenceSchedule(options: { parts: readonly { schedule: Schedule; steps: number }[]; then: Schedule }): ScheduleSpec {
  const op = 'sequenceSchedule';
  if (!Array.isArray(options?.parts)) throw new ArgumentError(op, 'parts', options?.parts, 'an array of { schedule, steps }');
  const parts = options.parts.map((part, i) => {
    checkSchedule(op, `parts[${i}].schedule`, part?.schedule);
    return { schedule: part.schedule, steps: positiveInteger(op, `parts[${i}].steps`, part.steps) };
  });
  checkSchedule(op, 'then', options.then);
  return { kind: 'sequence', parts, then: options.then };
}

const KINDS = new Set(['constant', 'step', 'exponential', 'linear', 'cosine', 'warmup', 'sequence']);

/** Checks that `schedule` is a number, a function or a spec of a known kind (at construction time). */
export function checkSchedule(op: string, field: string, schedule: unknown): Schedule {
  if (typeof schedule === 'number') return finite(op, field, schedule);
  if (typeof schedule === 'function') return schedule as (step: number) => number;
  if (schedule !== null && typeof schedule === 'object' && KINDS.has((schedule as { kind: string }).kind)) return schedule as ScheduleSpec;
  throw new ArgumentError(op, field, schedule, 'a number, a schedule spec (cosineSchedule(...), ...) or a function of the step');
}

/** The value of a schedule at `step` (the number of steps taken before). */
export function scheduleValue(schedule: Schedule, step: number): number {
  if (typeof schedule === 'number') return schedule;
  if (typeof schedule === 'function') {
    const value = schedule(step);
    if (typeof value !== 'number' || Number.isNaN(value)) {
      throw new ArgumentError('schedule', `value at step ${step}`, value, 'a number', 'the schedule function returned something else');
    }
    return value;
  }
  switch (schedule.kind) {
    case 'constant':
      return schedule.value;
    case 'step': {
      const count = schedule.every !== undefined ? Math.floor(step / schedule.every) : (schedule.milestones ?? []).filter((m) => m <= step).length;
      return schedule.initial * schedule.factor ** count;
    }
    case 'exponential': {
      const exponent = schedule.staircase ? Math.floor(step / schedule.every) : step / schedule.every;
      return schedule.initial * schedule.rate ** exponent;
    }
    case 'linear':
      return step >= schedule.steps ? schedule.final : schedule.initial + ((schedule.final - schedule.initial) * step) / schedule.steps;
    case 'cosine':
      return step >= schedule.steps
        ? schedule.final
        : schedule.final + ((schedule.initial - schedule.final) * (1 + Math.cos((Math.PI * step) / schedule.steps))) / 2;
    case 'warmup': {
      if (step >= schedule.steps) return scheduleValue(schedule.then, step - schedule.steps);
      const target = scheduleValue(schedule.then, 0);
      return schedule.from + ((target - schedule.from) * step) / schedule.steps;
    }
    case 'sequence': {
      let start = 0;
      for (const part of schedule.parts) {
        if (step < start + part.steps) return scheduleValue(part.schedule, step - start);
        start += part.steps;
      }
      return scheduleValue(schedule.then, step - start);
    }
  }
}

/** A JSON-safe description of a schedule for recorded configurations (functions become their source name). */
export function describeSchedule(schedule: Schedule): number | ScheduleSpec | string {
  return typeof schedule === 'function' ? `function ${schedule.name || '(anonymous)'}` : schedule;
}
