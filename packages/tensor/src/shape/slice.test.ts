import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveSlice } from './slice.js';

/** Python's range(*slice(start, stop, step).indices(size)), written out. */
function pythonIndices(size: number, start: number | undefined, stop: number | undefined, step: number): number[] {
  const indices: number[] = [];
  const norm = (v: number) => (v < 0 ? v + size : v);
  if (step > 0) {
    const lo = Math.min(Math.max(start === undefined ? 0 : norm(start), 0), size);
    const hi = Math.min(Math.max(stop === undefined ? size : norm(stop), 0), size);
    for (let i = lo; i < hi; i += step) indices.push(i);
  } else {
    const hi = Math.min(Math.max(start === undefined ? size - 1 : norm(start), -1), size - 1);
    const lo = Math.min(Math.max(stop === undefined ? -1 : norm(stop), -1), size - 1);
    for (let i = hi; i > lo; i += step) indices.push(i);
  }
  return indices;
}

describe('resolveSlice', () => {
  it('follows Python slicing, including negative steps', () => {
    expect(resolveSlice('slice', [5], [{ step: -1 }])).toEqual({ begin: [4], step: [-1], outShape: [5] });
    expect(resolveSlice('slice', [5], [{ start: -2 }])).toEqual({ begin: [3], step: [1], outShape: [2] });
    expect(resolveSlice('slice', [6], [{ start: 4, stop: 0, step: -2 }])).toEqual({ begin: [4], step: [-2], outShape: [2] });
    expect(resolveSlice('slice', [3, 4], [])).toEqual({ begin: [0, 0], step: [1, 1], outShape: [3, 4] });
    expect(resolveSlice('slice', [3], [{ start: 2, stop: 1 }]).outShape).toEqual([0]);
    expect(resolveSlice('slice', [0], [{ step: -1 }]).outShape).toEqual([0]);
  });

  it('matches the Python definition for random bounds (property)', () => {
    const bound = fc.option(fc.integer({ min: -9, max: 9 }), { nil: undefined });
    const step = fc.integer({ min: -4, max: 4 }).filter((s) => s !== 0);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 7 }), bound, bound, step, (size, start, stop, s) => {
        const expected = pythonIndices(size, start, stop, s);
        const { begin, step: resolvedStep, outShape } = resolveSlice('slice', [size], [{ start, stop, step: s }]);
        const taken = Array.from({ length: outShape[0] }, (_, j) => begin[0] + j * resolvedStep[0]);
        expect(taken).toEqual(expected);
      }),
    );
  });

  it('rejects a zero step, non-integers and too many ranges', () => {
    expect(() => resolveSlice('slice', [3], [{ step: 0 }])).toThrow(
      'slice: invalid step of axis 0: 0 (allowed: a non-zero integer (negative walks backwards))',
    );
    expect(() => resolveSlice('slice', [3], [{ start: 0.5 }])).toThrow('slice: invalid start of axis 0: 0.5');
    expect(() => resolveSlice('slice', [3], [{}, {}])).toThrow('slice: invalid ranges: "2 ranges" (allowed: at most one per axis (rank 1))');
  });
});
