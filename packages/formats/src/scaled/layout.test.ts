import { describe, expect, it } from 'vitest';
import { QuantizeOptionsError } from '../errors.js';
import { blockGrouping, channelGrouping, forEachRun, resolveShape, tensorGrouping, type Grouping } from './layout.js';
import { referenceGroups, type ReferenceLayout } from './reference.testutil.js';

/** The group of every index as the run walk sees it; -1 marks an index never visited. */
function walk(grouping: Grouping, size: number): number[] {
  const groups = new Array<number>(size).fill(-1);
  forEachRun(grouping, (start, count, group, every, step) => {
    for (let t = 0; t < count; t++) {
      expect(groups[start + t]).toBe(-1); // visited once
      groups[start + t] = group + Math.floor(t / every) * step;
    }
  });
  return groups;
}

describe('groupings agree with coordinates', () => {
  const cases: ReferenceLayout[] = [
    { shape: [7], kind: 'tensor' },
    { shape: [3, 4], kind: 'tensor' },
    { shape: [0, 4], kind: 'tensor' },
    { shape: [3, 4], kind: 'channel', axis: 0 },
    { shape: [3, 4], kind: 'channel', axis: 1 },
    { shape: [3, 4], kind: 'channel', axis: -1 },
    { shape: [2, 3, 4], kind: 'channel', axis: 1 },
    { shape: [10], kind: 'block', axis: -1, blockSize: 4 },
    { shape: [2, 5], kind: 'block', axis: -1, blockSize: 2 },
    { shape: [2, 5], kind: 'block', axis: 1, blockSize: 5 },
    { shape: [2, 5], kind: 'block', axis: 1, blockSize: 8 },
    { shape: [5, 3], kind: 'block', axis: 0, blockSize: 2 },
    { shape: [2, 7, 3], kind: 'block', axis: 1, blockSize: 3 },
    { shape: [2, 3, 7], kind: 'block', axis: -1, blockSize: 1 },
    { shape: [4, 0], kind: 'block', axis: -1, blockSize: 2 },
  ];
  it.each(cases)('%j', (layout) => {
    const { shape, kind, axis = 0, blockSize = 1 } = layout;
    const grouping = kind === 'tensor' ? tensorGrouping(shape) : kind === 'channel' ? channelGrouping(shape, axis) : blockGrouping(shape, axis, blockSize);
    const expected = referenceGroups(layout);
    expect(grouping.groupCount).toBe(expected.groupCount);
    expect(walk(grouping, expected.groups.length)).toEqual(expected.groups);
  });
});

describe('shape and axis checks', () => {
  it('defaults to one axis', () => expect(resolveShape(5, undefined)).toEqual([5]));

  const badShapes: [string, unknown, RegExp][] = [
    ['product mismatch', [2, 3], /shape: \[2,3\] \(allowed: a shape whose sizes multiply to the number of values, 5 \(this one gives 6\)\)/],
    ['not an array', 5, /shape: 5 \(allowed: an array of non-negative integers\)/],
    ['negative size', [-1, -5], /an array of non-negative integers/],
    ['fractional size', [2.5, 2], /an array of non-negative integers/],
  ];
  it.each(badShapes)('rejects %s', (_label, shape, message) => {
    expect(() => resolveShape(5, shape as number[])).toThrow(QuantizeOptionsError);
    expect(() => resolveShape(5, shape as number[])).toThrow(message);
  });

  it('rejects an axis out of range', () => {
    expect(() => channelGrouping([3, 4], 2)).toThrow(QuantizeOptionsError);
    expect(() => channelGrouping([3, 4], 2)).toThrow(/scales along axis 2, a shape of rank 2 has axes -2\.\.1/);
    expect(() => blockGrouping([3, 4], -3, 2)).toThrow(/axis -3/);
    expect(() => channelGrouping([], 0)).toThrow(/has axes none/);
  });
});
