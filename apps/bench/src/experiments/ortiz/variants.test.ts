import { describe, expect, it } from 'vitest';
import type { RunResult } from '../../results/types.js';
import { formatDelta, ortizTable } from './report.js';
import { E2M5_FORMAT, fixedNotation, ortizVariants, roleLabel, selectVariants, storageFormat, variantFormats, variantPlan } from './variants.js';

const SPLITS = { weights: 'fixed_w12_f10', outputs: 'fixed_w12_f6', errors: 'fixed_w12_f16' };
const variants = ortizVariants(SPLITS);

describe('ortiz variants', () => {
  it.each([
    { name: 'float32', weights: undefined, outputs: undefined, errors: undefined, weightGradients: undefined },
    { name: 'fixed12-sr', weights: 'fixed_w12_f10 SR', outputs: 'fixed_w12_f6 SR', errors: 'fixed_w12_f16 SR', weightGradients: undefined },
    { name: 'e6m5-nearest', weights: 'e6m5 RN', outputs: 'e6m5 RN', errors: 'e6m5 RN', weightGradients: undefined },
    { name: 'e5m6-sr', weights: 'e5m6 SR', outputs: 'e5m6 SR', errors: 'e5m6 SR', weightGradients: undefined },
    { name: 'fixed12-sr-scaled', weights: 'fixed_w12_f8+tensor-scale SR', outputs: 'fixed_w12_f8+tensor-scale SR', errors: 'fixed_w12_f8+tensor-scale SR', weightGradients: undefined },
    { name: 'pow2-7bit-nearest', weights: undefined, outputs: 'e6m0_finite RN', errors: 'e6m0_finite RN', weightGradients: 'e6m0_finite RN' },
    { name: 'fixed16-2.14-sr', weights: 'fixed_w16_f14 SR', outputs: 'fixed_w16_f14 SR', errors: 'fixed_w16_f14 SR', weightGradients: undefined },
    { name: 'fp16-sr', weights: 'float16 SR', outputs: 'float16 SR', errors: 'float16 SR', weightGradients: undefined },
    { name: 'fixed16-8.8-nearest', weights: 'fixed_w16_f8 RN', outputs: 'fixed_w16_f8 RN', errors: 'fixed_w16_f8 RN', weightGradients: undefined },
  ])('$name rounds each role as documented', ({ name, ...roles }) => {
    const variant = variants[name];
    for (const role of ['weights', 'outputs', 'errors', 'weightGradients'] as const) {
      expect(variant[role] === undefined ? undefined : roleLabel(variant[role])).toBe(roles[role]);
    }
  });

  it('turns a variant into a plan of the activation and gradient roles (weights are stored, not in the plan)', () => {
    expect(variantPlan(variants.float32)).toBeUndefined();
    const fixed = variantPlan(variants['fixed12-sr'])!.layers;
    expect(Object.keys(fixed).sort()).toEqual(['errors', 'outputs']);
    expect(fixed.outputs).toMatchObject({ rounding: 'stochastic' });
    expect((fixed.outputs as { format: { name: string } }).format.name).toBe('fixed_w12_f6');
    expect(variantPlan(variants['e5m6-sr-scaled'])!.layers.errors).toMatchObject({ scaling: { kind: 'tensor', rule: 'power-of-two' } });
    expect(Object.keys(variantPlan(variants['pow2-7bit-sr'])!.layers).sort()).toEqual(['errors', 'outputs', 'weightGradients']);
  });

  it('stores weights in the element format, or with local scaling in a per-tensor power-of-two scaled format', () => {
    expect(storageFormat({ format: 'fixed_w12_f10', rounding: 'stochastic' }).name).toBe('fixed_w12_f10');
    expect(storageFormat({ format: 'fixed_w12_f8', rounding: 'stochastic', localScaling: true }).name).toBe('scaled_fixed_w12_f8_tensor');
    expect(storageFormat({ format: 'e5m6', rounding: 'nearest-even', localScaling: true }).name).toBe('scaled_e5m6_tensor');
    expect(() => storageFormat({ format: 'mxfp8_e4m3', rounding: 'nearest-even' })).toThrow(/mxfp8_e4m3.*element format name/);
  });

  it('records the master copy: none for weights stored in place, the float32 weights otherwise', () => {
    expect(variantFormats(variants['e6m5-sr']).master).toBe('none (weights stored in place)');
    expect(variantFormats(variants['pow2-7bit-sr']).master).toMatch(/^float32/);
  });

  it('selects variants by name in the given order and names the known ones for a typo', () => {
    expect(selectVariants(['e5m6-sr', 'float32'], SPLITS).map((v) => v.name)).toEqual(['e5m6-sr', 'float32']);
    expect(() => selectVariants(['e5m7-sr'], SPLITS)).toThrow(/e5m7-sr.*float32, fixed12-sr/);
  });

  it('reconstructs E2M5 with the maximum of the group\'s code, 2^(2^2 - 1 - 2) (2 - 2^-5) = 3.9375, saturating', () => {
    expect(E2M5_FORMAT.bits).toBe(8);
    expect([...E2M5_FORMAT.quantize(Float32Array.of(100, -100, 0.5, 2 ** -6))]).toEqual([3.9375, -3.9375, 0.5, 2 ** -6]);
  });

  it.each([
    ['fixed_w12_f10', '<12,10>'],
    ['fixed_w16_f14', '<16,14>'],
    ['e6m5', 'e6m5'],
  ])('fixedNotation(%s) = %s', (name, expected) => {
    expect(fixedNotation(name)).toBe(expected);
  });
});

describe('ortiz report', () => {
  it.each([
    { accuracy: 0.95, baseline: 0.9, expected: '+5.00 pp' },
    { accuracy: 0.9, baseline: 0.95, expected: '-5.00 pp' },
    { accuracy: 0.9, baseline: 0.9, expected: '+0.00 pp' },
    { accuracy: 0.9, baseline: undefined, expected: '' },
    { accuracy: Number.NaN, baseline: 0.9, expected: '' },
  ])('formatDelta($accuracy, $baseline) = "$expected"', ({ accuracy, baseline, expected }) => {
    expect(formatDelta(accuracy, baseline)).toBe(expected);
  });

  const fakeRun = (name: string, accuracy: number, lostFraction: number): RunResult => ({
    name,
    formats: variantFormats(variants[name]),
    seed: 1,
    testAccuracy: accuracy,
    epochs: 1,
    wallSeconds: 2.5,
    memoryBytes: 0,
    curves: { steps: [] },
    statistics: { skippedSteps: name === 'e5m6-nearest' ? 3 : 0, weightUpdates: { nonZero: 10, lost: 10 * lostFraction, lostFraction } },
  });

  it('prints measured accuracy, delta vs float32, the published value where given, skipped steps and lost updates', () => {
    const table = ortizTable(
      [
        { variant: 'float32', run: fakeRun('float32', 0.9, 0), published: 0.9864 },
        { variant: 'e5m6-nearest', run: fakeRun('e5m6-nearest', 0.85, 0.25) },
      ],
      { published: true },
    );
    const [header, , first, second] = table.split('\n');
    expect(header).toMatch(/measured\s+vs float32\s+published \(papers\.md\)\s+non-finite skipped\s+updates lost\s+wall time/);
    expect(first).toMatch(/^float32\s.*90\.00 %\s+98\.64 %\s+0\s+0\.0 %\s+2\.5 s$/);
    expect(second).toMatch(/^e5m6-nearest\s+e5m6 RN\s+e5m6 RN\s+e5m6 RN\s+float32\s+85\.00 %\s+-5\.00 pp\s+3\s+25\.0 %\s+2\.5 s$/);
    expect(ortizTable([{ variant: 'float32', run: fakeRun('float32', 0.9, 0) }], { published: false })).not.toContain('published');
  });
});
