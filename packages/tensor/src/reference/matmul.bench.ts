/**
 * GEMM benchmarks of the reference backend (`pnpm bench`): square 256/512/1024 products through
 * the matmul kernel and the naive triple loop at 512 for the blocked/naive ratio. Each line printed
 * gives the median GFLOP/s (2·m·n·k / time) of the timed runs after one warm-up run.
 */
import { bench, describe } from 'vitest';
import { referenceBackend } from './index.js';
import { benchOptions, gemmWorkload, naiveGemmWorkload, type Workload } from './matmul.workloads.js';

function add(workload: Workload, iterations: number): void {
  const { fn, options } = benchOptions(workload, iterations);
  bench(workload.name, fn, options);
}

describe('reference GEMM (GFLOP/s printed per line)', () => {
  add(gemmWorkload(referenceBackend, 256, 256, 256), 10);
  add(gemmWorkload(referenceBackend, 512, 512, 512), 5);
  add(gemmWorkload(referenceBackend, 1024, 1024, 1024), 3);
  add(naiveGemmWorkload(512), 3);
});
