/**
 * Every kernel of the contract, listed by name: `satisfies Kernels` makes a missing one a compile
 * error here. All of them run in wasm.
 */
import type { Kernels, ReduceAttributes } from '@lowbit/tensor';
import type { Runtime } from '../runtime.js';
import type { Storage, WasmHandle, WasmTensor } from '../storage.js';
import { ElementwiseKernels } from './elementwise.js';
import { GemmKernels } from './gemm.js';
import { MovementKernels } from './movement.js';
import { PoolKernels } from './pool.js';
import { QuantizeKernels } from './quantize.js';
import { ReduceKernels } from './reduce.js';

export function wasmKernels(runtime: Runtime, storage: Storage): Kernels<WasmHandle> {
  const gemm = new GemmKernels(runtime, storage);
  const elementwise = new ElementwiseKernels(runtime, storage);
  const quantize = new QuantizeKernels(runtime, storage, elementwise);
  const pool = new PoolKernels(runtime, storage);
  const movement = new MovementKernels(runtime, storage);
  const reductions = new ReduceKernels(runtime, storage, movement);
  const reduce = (op: 'sum' | 'mean' | 'max' | 'argmax') => (x: WasmTensor, attributes: ReduceAttributes) => reductions.reduce(op, x, attributes);
  return {
    neg: (x, attributes) => elementwise.unary('neg', x, attributes),
    abs: (x, attributes) => elementwise.unary('abs', x, attributes),
    sign: (x, attributes) => elementwise.unary('sign', x, attributes),
    exp: (x, attributes) => elementwise.unary('exp', x, attributes),
    log: (x, attributes) => elementwise.unary('log', x, attributes),
    sqrt: (x, attributes) => elementwise.unary('sqrt', x, attributes),
    square: (x, attributes) => elementwise.unary('square', x, attributes),
    reciprocal: (x, attributes) => elementwise.unary('reciprocal', x, attributes),
    relu: (x, attributes) => elementwise.unary('relu', x, attributes),
    sigmoid: (x, attributes) => elementwise.unary('sigmoid', x, attributes),
    tanh: (x, attributes) => elementwise.unary('tanh', x, attributes),
    add: (a, b, attributes) => elementwise.binary('add', a, b, attributes),
    sub: (a, b, attributes) => elementwise.binary('sub', a, b, attributes),
    mul: (a, b, attributes) => elementwise.binary('mul', a, b, attributes),
    div: (a, b, attributes) => elementwise.binary('div', a, b, attributes),
    maximum: (a, b, attributes) => elementwise.binary('maximum', a, b, attributes),
    minimum: (a, b, attributes) => elementwise.binary('minimum', a, b, attributes),
    pow: (a, b, attributes) => elementwise.binary('pow', a, b, attributes),
    equal: (a, b, attributes) => elementwise.binary('equal', a, b, attributes),
    notEqual: (a, b, attributes) => elementwise.binary('notEqual', a, b, attributes),
    less: (a, b, attributes) => elementwise.binary('less', a, b, attributes),
    lessEqual: (a, b, attributes) => elementwise.binary('lessEqual', a, b, attributes),
    greater: (a, b, attributes) => elementwise.binary('greater', a, b, attributes),
    greaterEqual: (a, b, attributes) => elementwise.binary('greaterEqual', a, b, attributes),
    sum: reduce('sum'),
    mean: reduce('mean'),
    max: reduce('max'),
    argmax: reduce('argmax'),
    where: (condition, a, b, attributes) => elementwise.where(condition, a, b, attributes),
    clip: (x, attributes) => elementwise.clip(x, attributes),
    cast: (x, attributes) => movement.cast(x, attributes),
    transpose: (x, attributes) => movement.transpose(x, attributes),
    slice: (x, attributes) => movement.slice(x, attributes),
    concat: (inputs, attributes) => movement.concat(inputs, attributes),
    pad: (x, attributes) => movement.pad(x, attributes),
    matmul: (a, b, attributes) => gemm.matmul(a, b, attributes),
    conv2d: (x, filter, attributes) => gemm.conv2d(x, filter, attributes),
    conv2dBackwardData: (dy, filter, attributes) => gemm.conv2dBackwardData(dy, filter, attributes),
    conv2dBackwardFilter: (x, dy, attributes) => gemm.conv2dBackwardFilter(x, dy, attributes),
    maxPool2d: (x, attributes) => pool.maxPool2d(x, attributes),
    maxPool2dBackward: (dy, x, attributes) => pool.maxPool2dBackward(dy, x, attributes),
    avgPool2d: (x, attributes) => pool.avgPool2d(x, attributes),
    avgPool2dBackward: (dy, attributes) => pool.avgPool2dBackward(dy, attributes),
    quantize: (x, attributes) => quantize.quantize(x, attributes),
  } satisfies Kernels<WasmHandle>;
}
