import { describe, expect, it } from 'vitest';
import { bitsSeries, bitsSummary, claimRows, gemmBreakdown, measuredSavings, microjoules, saving, weightedMeanBits, type CostStatistics } from './summary.js';

const gemm = (forward: number, backwardData: number, backwardWeight: number) => ({ forward, backwardData, backwardWeight, total: forward + backwardData + backwardWeight });

function costs(gemmPerStep: number, parameterMovementPerStep: number, parameters: number, modelled = { gemmVsQat: 0.9, parametersVsQat: 0.7, parameterMovementVsQat: 0.45 }): CostStatistics {
  return {
    energy: { run: { gemmPerStep, parameterMovementPerStep }, savings: { gemmVsQat: modelled.gemmVsQat, gemmVsFloat32: 0, parameterMovementVsQat: modelled.parameterMovementVsQat, parameterMovementVsFloat32: 0 } },
    memory: { totals: { parameters, total: parameters }, savings: { parametersVsQat: modelled.parametersVsQat, parametersVsFloat32: 0 } },
  };
}

describe('gemmBreakdown', () => {
  it('sums each GEMM over the layers for the run, float32 and QAT', () => {
    const layers = [
      { gemm: gemm(1, 2, 3), float32: gemm(10, 20, 30), qat: gemm(1, 20, 30) },
      { gemm: gemm(4, 0, 5), float32: gemm(40, 0, 50), qat: gemm(4, 0, 50) },
    ];
    const sums = gemmBreakdown({ layers } as never);
    expect(sums.run).toEqual(gemm(5, 2, 8));
    expect(sums.float32).toEqual(gemm(50, 20, 80));
    expect(sums.qat).toEqual(gemm(5, 20, 80));
  });
});

describe('bitsSummary', () => {
  it('gives initial, final, mean, range and change count per layer', () => {
    const layers = [
      { parameter: 'a.weight', elements: 10, initialBits: 8, finalBits: 9, meanBits: 10.5, bitsHistory: [{ step: 0, bits: 8 }, { step: 20, bits: 12 }, { step: 60, bits: 9 }] },
      { parameter: 'b.weight', elements: 30, initialBits: 8, finalBits: 8, meanBits: 8, bitsHistory: [{ step: 0, bits: 8 }] },
    ];
    const rows = bitsSummary({ layers } as never);
    expect(rows).toEqual([
      { parameter: 'a.weight', elements: 10, initialBits: 8, finalBits: 9, meanBits: 10.5, minBits: 8, maxBits: 12, changes: 2 },
      { parameter: 'b.weight', elements: 30, initialBits: 8, finalBits: 8, meanBits: 8, minBits: 8, maxBits: 8, changes: 0 },
    ]);
    expect(weightedMeanBits(rows, 'meanBits')).toBeCloseTo((10 * 10.5 + 30 * 8) / 40);
    expect(weightedMeanBits(rows, 'finalBits')).toBeCloseTo((10 * 9 + 30 * 8) / 40);
    expect(weightedMeanBits([], 'finalBits')).toBeNaN();
  });
});

describe('savings', () => {
  it.each([
    { value: 25, reference: 100, expected: 0.75 },
    { value: 120, reference: 100, expected: -0.2 },
    { value: 0, reference: 0, expected: NaN },
  ])('saving($value, $reference) = $expected', ({ value, reference, expected }) => {
    if (Number.isNaN(expected)) expect(saving(value, reference)).toBeNaN();
    else expect(saving(value, reference)).toBeCloseTo(expected);
  });

  it('compares a run with the float32 and QAT runs that trained next to it', () => {
    const savings = measuredSavings(costs(10, 50, 30), costs(100, 200, 120), costs(8, 100, 150));
    expect(savings.gemmVsFloat32Run).toBeCloseTo(0.9);
    expect(savings.gemmVsQatRun).toBeCloseTo(-0.25);
    expect(savings.parameterMemoryVsFloat32Run).toBeCloseTo(0.75);
    expect(savings.parameterMemoryVsQatRun).toBeCloseTo(0.8);
    expect(savings.parameterMovementVsFloat32Run).toBeCloseTo(0.75);
    expect(savings.parameterMovementVsQatRun).toBeCloseTo(0.5);
  });
});

describe('claimRows', () => {
  it.each([
    { name: 'all hold', modelled: { gemmVsQat: 0.9, parametersVsQat: 0.7, parameterMovementVsQat: 0.45 }, holds: [true, true, true] },
    { name: 'GEMM below 86 %, movement above 60 %', modelled: { gemmVsQat: 0.85, parametersVsQat: 0.47, parameterMovementVsQat: 0.61 }, holds: [false, true, false] },
    { name: 'memory below 46 %', modelled: { gemmVsQat: 0.86, parametersVsQat: 0.4, parameterMovementVsQat: 0.4 }, holds: [true, false, true] },
  ])('$name', ({ modelled, holds }) => {
    const run = costs(10, 50, 30, modelled);
    const savings = measuredSavings(run, costs(100, 200, 120), costs(8, 100, 150));
    const rows = claimRows(run, savings);
    expect(rows.map((row) => row.holdsModelled)).toEqual(holds);
    // Against the measured QAT run: GEMM -25 % (int8 backward there), memory 80 %, movement 50 %.
    expect(rows.map((row) => row.holdsMeasured)).toEqual([false, true, true]);
    expect(rows.map((row) => row.paper)).toEqual(['> 86 %', '> 46 %', 'about half (read as 40-60 %)']);
  });
});

describe('microjoules', () => {
  it.each([
    { picojoules: 123_456_789, text: '123.5' },
    { picojoules: 0, text: '0.0' },
  ])('$picojoules pJ -> $text µJ', ({ picojoules, text }) => {
    expect(microjoules(picojoules)).toBe(text);
  });
});

describe('bitsSeries', () => {
  it('draws each layer as a step function held to the last step', () => {
    const layers = [{ parameter: 'fc.weight', bitsHistory: [{ step: 0, bits: 8 }, { step: 20, bits: 9 }, { step: 40, bits: 8 }] }];
    const [series] = bitsSeries({ layers } as never, 100);
    expect(series.label).toBe('fc.weight');
    expect(series.points).toEqual([[0, 8], [20, 8], [20, 9], [40, 9], [40, 8], [100, 8]]);
  });
});
