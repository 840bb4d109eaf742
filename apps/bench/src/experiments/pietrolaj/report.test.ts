import { describe, expect, it } from 'vitest';
import { tensorRoleOf } from './calibration.js';
import { deltaPercentagePoints, deltaTable, rangeSummary, roleRangeTotals, smallPercent, type DeltaRow } from './report.js';

const side = (elements: number, overflowed: number, flushedToZero: number) => ({ elements, overflowed, flushedToZero, nan: 0, maxAbs: 1 });

describe('pietrolaj report', () => {
  it.each([
    ['weights', 'forward', 'weights'],
    ['weights', 'backward', 'weightGradients'],
    ['inputs', 'forward', 'activations'],
    ['inputs', 'backward', undefined],
    ['outputs', 'forward', undefined],
    ['outputs', 'backward', 'errors'],
  ] as const)('maps the %s point %s side to %s', (pointRole, pointSide, role) => {
    expect(tensorRoleOf(pointRole, pointSide)).toBe(role);
  });

  it('sums overflow and flush counts by role over every epoch and point', () => {
    const epochs = [
      {
        quantization: [
          { name: 'fc1.weights', layer: 'fc1', type: 'Linear', role: 'weights', steps: 2, forward: side(100, 1, 2), backward: side(100, 0, 10) },
          { name: 'fc1.outputs', layer: 'fc1', type: 'Linear', role: 'outputs', steps: 2, backward: side(50, 5, 0) },
        ],
      },
      { quantization: [{ name: 'fc1.weights', layer: 'fc1', type: 'Linear', role: 'weights', steps: 2, forward: side(100, 1, 0), backward: side(100, 0, 10) }] },
      {},
    ];
    const totals = roleRangeTotals(epochs);
    expect(totals.weights).toEqual({ elements: 200, overflowed: 2, flushedToZero: 2, nan: 0, overflowFraction: 0.01, flushedFraction: 0.01 });
    expect(totals.weightGradients.flushedFraction).toBe(0.1);
    expect(totals.errors.overflowFraction).toBe(0.1);
    expect(totals.activations).toEqual({ elements: 0, overflowed: 0, flushedToZero: 0, nan: 0, overflowFraction: 0, flushedFraction: 0 });
    expect(rangeSummary(totals, 'flushedFraction')).toBe('W 1.00 % · G 10.00 %');
    expect(rangeSummary(roleRangeTotals([]), 'overflowFraction')).toBe('0');
    expect(rangeSummary(undefined, 'overflowFraction')).toBe('');
  });

  it.each([
    [0.0251, '2.51 %'],
    [0.0001, '0.01 %'],
    [0.000042, '0.0042 %'],
    [1.2e-7, '0.000012 %'],
    [0, '0.00 %'],
  ])('writes the fraction %s as %s', (fraction, text) => {
    expect(smallPercent(fraction)).toBe(text);
  });

  it('gives deltas in percentage points against the float32 row', () => {
    expect(deltaPercentagePoints(0.975, 0.98)).toBeCloseTo(-0.5, 10);
    const formats = (name: string) => ({ weights: name, activations: name, errors: name, weightGradients: name, scaling: 'none', rounding: 'nearest-even' });
    const rows: DeltaRow[] = [
      { variant: 'float32', formats: formats('float32'), testAccuracy: 0.98, skippedSteps: 0, wallSeconds: 10 },
      { variant: 'e4m3', formats: formats('float8_e4m3_saturate'), testAccuracy: 0.9712, skippedSteps: 3, range: roleRangeTotals([]), wallSeconds: 12.25 },
      { variant: 'e5m2', formats: formats('float8_e5m2_saturate'), testAccuracy: 0.9825, skippedSteps: 0, range: roleRangeTotals([]), wallSeconds: 11 },
    ];
    const lines = deltaTable(rows).split('\n');
    expect(lines[0]).toMatch(/^variant\s+formats \(W · A · E · G\)\s+scaling\s+rounding\s+test accuracy\s+vs float32\s+skipped steps\s+overflowed\s+flushed to zero\s+wall time$/);
    expect(lines).toHaveLength(5);
    expect(lines[3]).toMatch(/^e4m3\s+float8_e4m3_saturate\s+none\s+nearest-even\s+97\.12 %\s+-0\.88 pp\s+3\s+0\s+0\s+12\.3 s$/);
    expect(lines[4]).toContain('+0.25 pp');
    expect(deltaTable(rows.slice(1))).toContain('no float32 run');
  });
});
