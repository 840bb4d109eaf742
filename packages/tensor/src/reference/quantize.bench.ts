/**
 * Quantize benchmarks of the reference backend (`pnpm bench`): 4M float32 values into E4M3
 * (nearest-even and stochastic), bfloat16 and MXFP8. Each line printed gives the median
 * G elements/s of the timed runs after one warm-up. The kernel calls the format's own quantize,
 * so this measures @lowbit/formats.
 */
import { bench, describe } from 'vitest';
import { referenceBackend } from './index.js';
import { benchOptions } from './matmul.workloads.js';
import { QUANTIZE_TARGETS, quantizeWorkload } from './quantize.workloads.js';

describe('reference quantize (G elements/s printed per line)', () => {
  for (const target of QUANTIZE_TARGETS) {
    const { fn, options } = benchOptions(quantizeWorkload(referenceBackend, target, 4 * 2 ** 20), 5);
    bench(target.label, fn, options);
  }
});
