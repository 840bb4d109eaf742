/** Batched matrix multiplication. */
import { matmulShape } from '../shape/matmul.js';
import type { Tensor } from '../tensor.js';
import { backendOf, booleanOption, expectFloat, runKernel } from './common.js';

export interface MatmulOptions {
  /** Use the transpose of a's last two axes. Default false. */
  transposeA?: boolean;
  /** Use the transpose of b's last two axes. Default false. */
  transposeB?: boolean;
}

/**
 * a [...batchA, m, k] times b [...batchB, k, n] = [...broadcast(batchA, batchB), m, n]. Both need
 * rank >= 2 (expandDims a vector). With k = 0 the result is zeros.
 */
export function matmul(a: Tensor, b: Tensor, options?: MatmulOptions): Tensor<'float32'> {
  const op = 'matmul';
  const left = expectFloat(op, a, 'a');
  const right = expectFloat(op, b, 'b');
  const transposeA = booleanOption(op, 'transposeA', options?.transposeA, false);
  const transposeB = booleanOption(op, 'transposeB', options?.transposeB, false);
  const outShape = matmulShape(op, left.shape, right.shape, transposeA, transposeB);
  const backend = backendOf(op, [left, right]);
  return runKernel(backend, outShape, 'float32', () =>
    backend.kernels.matmul(left.kernelTensor, right.kernelTensor, { transposeA, transposeB, outShape }),
  );
}
