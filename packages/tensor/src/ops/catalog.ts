/**
 * The op catalog: every public op has exactly one name, used for its function, its kernel (when it
 * has one) and, in @lowbit/autograd, its gradient rule. The conformance suite fails for a name
 * that has no case, so a new op cannot land untested.
 */
import { BINARY_OPS, COMPARISON_OPS, REDUCE_OPS, UNARY_OPS, type KernelName } from '../kernels/contract.js';

/** Ops that call exactly one kernel of the same name. */
export const KERNEL_OPS = [
  ...UNARY_OPS,
  ...BINARY_OPS,
  ...COMPARISON_OPS,
  ...REDUCE_OPS,
  'where',
  'clip',
  'cast',
  'transpose',
  'slice',
  'concat',
  'pad',
  'matmul',
  'conv2d',
  'conv2dBackwardData',
  'conv2dBackwardFilter',
  'maxPool2d',
  'maxPool2dBackward',
  'avgPool2d',
  'avgPool2dBackward',
  'quantize',
] as const satisfies readonly KernelName[];

/**
 * Ops that change only the shape. `reshape`, `flatten`, `expandDims` and `squeeze` share storage
 * (no kernel); `broadcastTo` materialises the broadcast through the `where` kernel.
 */
export const SHAPE_OPS = ['reshape', 'flatten', 'expandDims', 'squeeze', 'broadcastTo'] as const;

/**
 * Conveniences built only from the ops above; they add no kernel. An autograd package can
 * differentiate them by composing the rules of the ops they call.
 */
export const COMPOSITE_OPS = ['min', 'argmin', 'softmax', 'logSoftmax', 'stack'] as const;

export type KernelOpName = (typeof KERNEL_OPS)[number];
export type ShapeOpName = (typeof SHAPE_OPS)[number];
export type CompositeOpName = (typeof COMPOSITE_OPS)[number];
export type OpName = KernelOpName | ShapeOpName | CompositeOpName;

/** Every op name of the catalog. */
export const OPS: readonly OpName[] = [...KERNEL_OPS, ...SHAPE_OPS, ...COMPOSITE_OPS];

export type OpKind = 'kernel' | 'shape' | 'composite';

const kinds = new Map<string, OpKind>([
  ...KERNEL_OPS.map((name) => [name, 'kernel'] as const),
  ...SHAPE_OPS.map((name) => [name, 'shape'] as const),
  ...COMPOSITE_OPS.map((name) => [name, 'composite'] as const),
]);

/** 'kernel', 'shape' or 'composite' for a catalog name; undefined for anything else. */
export function opKind(name: string): OpKind | undefined {
  return kinds.get(name);
}

// A kernel of the contract that is missing from KERNEL_OPS is a compile error here.
type MissingKernelOps = Exclude<KernelName, KernelOpName>;
const _everyKernelHasAnOp: [MissingKernelOps] extends [never] ? true : MissingKernelOps = true;
