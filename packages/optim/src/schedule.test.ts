import { describe, expect, it } from 'vitest';
import { ArgumentError } from '@lowbit/tensor';
import {
  constantSchedule,
  cosineSchedule,
  exponentialSchedule,
  linearSchedule,
  scheduleValue,
  sequenceSchedule,
  stepSchedule,
  warmupSchedule,
  type Schedule,
} from './schedule.js';
import { bop } from './bop.js';
import { param, setGrad } from './helpers.testutil.js';

const table: [name: string, schedule: Schedule, expected: [step: number, value: number][]][] = [
  ['number', 0.1, [[0, 0.1], [1000, 0.1]]],
  ['constant', constantSchedule(3), [[0, 3], [7, 3]]],
  ['step every 10 by 0.5 (StepLR)', stepSchedule({ initial: 1, factor: 0.5, every: 10 }), [[0, 1], [9, 1], [10, 0.5], [25, 0.25]]],
  ['step at milestones (MultiStepLR)', stepSchedule({ initial: 1, factor: 0.1, milestones: [3, 5] }), [[2, 1], [3, 0.1], [4, 0.1], [5, 0.01], [99, 0.01]]],
  ['exponential, smooth', exponentialSchedule({ initial: 2, rate: 0.5, every: 2 }), [[0, 2], [1, 2 * Math.SQRT1_2], [2, 1], [4, 0.5]]],
  ['exponential, staircase', exponentialSchedule({ initial: 2, rate: 0.5, every: 2, staircase: true }), [[1, 2], [2, 1], [3, 1]]],
  ['linear', linearSchedule({ initial: 1, final: 0, steps: 4 }), [[0, 1], [1, 0.75], [4, 0], [9, 0]]],
  ['cosine', cosineSchedule({ initial: 1, final: 0.2, steps: 10 }), [[0, 1], [5, 0.6], [10, 0.2], [20, 0.2]]],
  ['warm-up then constant', warmupSchedule({ steps: 4, then: 0.8 }), [[0, 0], [1, 0.2], [3, 0.6], [4, 0.8], [100, 0.8]]],
  [
    'warm-up then cosine (the cosine starts when the warm-up ends)',
    warmupSchedule({ steps: 2, from: 0.5, then: cosineSchedule({ initial: 1, steps: 4 }) }),
    [[0, 0.5], [1, 0.75], [2, 1], [4, 0.5], [6, 0], [7, 0]],
  ],
  [
    'sequence of parts, then a function',
    sequenceSchedule({ parts: [{ schedule: 1, steps: 2 }, { schedule: linearSchedule({ initial: 1, final: 0, steps: 2 }), steps: 2 }], then: (step) => -step }),
    [[0, 1], [1, 1], [2, 1], [3, 0.5], [4, -0], [6, -2]],
  ],
  ['function', (step: number) => 1 / (1 + step), [[0, 1], [3, 0.25]]],
];

describe('schedules', () => {
  for (const [name, schedule, expected] of table) {
    it(name, () => {
      for (const [step, value] of expected) expect(scheduleValue(schedule, step), `step ${step}`).toBeCloseTo(value, 12);
    });
  }

  it('are plain data that survive JSON', () => {
    const schedule = warmupSchedule({ steps: 5, then: cosineSchedule({ initial: 0.1, steps: 100 }) });
    const copy = JSON.parse(JSON.stringify(schedule)) as Schedule;
    for (const step of [0, 3, 5, 50, 200]) expect(scheduleValue(copy, step)).toBe(scheduleValue(schedule, step));
  });

  it('drive Bop hyperparameters (gamma and tau) step by step', () => {
    const w = param([1], { name: 'w' });
    const optimizer = bop({ adaptivity: linearSchedule({ initial: 0.1, final: 0.05, steps: 2 }), threshold: stepSchedule({ initial: 1e-6, factor: 10, every: 1 }) }).create([w]);
    const seen: Record<string, number>[] = [];
    for (let i = 0; i < 3; i++) {
      setGrad(w, [0]);
      optimizer.step();
      seen.push(optimizer.statistics()!.hyperparameters);
    }
    [0.1, 0.075, 0.05].forEach((gamma, i) => expect(seen[i].adaptivity).toBeCloseTo(gamma, 12));
    [1e-6, 1e-5, 1e-4].forEach((tau, i) => expect(seen[i].threshold / tau).toBeCloseTo(1, 12));
  });

  it('reject bad options by name, value and hint', () => {
    expect(() => stepSchedule({ initial: 1, factor: 0.5 })).toThrow(/exactly one of every or milestones/);
    expect(() => stepSchedule({ initial: 1, factor: 0.5, milestones: [5, 3] })).toThrow(/milestones: \[5,3\]/);
    expect(() => exponentialSchedule({ initial: 1, rate: 0 })).toThrow(ArgumentError);
    expect(() => cosineSchedule({ initial: 1, steps: 0 })).toThrow(/cosineSchedule: invalid steps: 0/);
    expect(() => warmupSchedule({ steps: 3, then: 'cosine' as never })).toThrow(/warmupSchedule: invalid then: "cosine"/);
    expect(() => scheduleValue(() => NaN, 4)).toThrow(/value at step 4: NaN/);
  });
});
