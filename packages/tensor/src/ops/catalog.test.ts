import { describe, expect, it } from 'vitest';
import { referenceBackend } from '../reference/index.js';
import * as api from '../index.js';
import { COMPOSITE_OPS, KERNEL_OPS, OPS, SHAPE_OPS, opKind } from './catalog.js';

describe('the op catalog', () => {
  it('every name is unique and exported as a function of the same name', () => {
    expect(new Set(OPS).size).toBe(OPS.length);
    for (const name of OPS) expect(typeof (api as Record<string, unknown>)[name], name).toBe('function');
  });

  it('kernel ops are exactly the kernels of the contract', () => {
    expect([...KERNEL_OPS].sort()).toEqual(Object.keys(referenceBackend.kernels).sort());
  });

  it('classifies names', () => {
    expect(opKind('matmul')).toBe('kernel');
    expect(opKind('reshape')).toBe('shape');
    expect(opKind('softmax')).toBe('composite');
    expect(opKind('nope')).toBeUndefined();
    expect(OPS.length).toBe(KERNEL_OPS.length + SHAPE_OPS.length + COMPOSITE_OPS.length);
  });
});
