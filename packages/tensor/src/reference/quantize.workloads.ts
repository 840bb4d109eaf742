/**
 * Quantize workloads (elements per second): float32 values with a wide exponent spread (so that
 * subnormal, normal and overflowing results all occur, like real gradients) rounded into E4M3 by
 * nearest-even and stochastic rounding, into bfloat16, and into MXFP8 (block scales of 32).
 * See matmul.workloads.ts for how rates are measured.
 */
import { floatFormat, mxFormat, type ElementFormat, type Rounding, type TensorFormat } from '@lowbit/formats';
import type { Backend } from '../kernels/contract.js';
import { SeededRandom } from '../testing/random.js';
import { release, type Workload } from './matmul.workloads.js';

interface QuantizeTarget {
  readonly label: string;
  readonly format: ElementFormat | TensorFormat;
  readonly rounding: Rounding;
}

export const QUANTIZE_TARGETS: readonly QuantizeTarget[] = [
  { label: 'float8_e4m3fn nearest-even', format: floatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'fn' }), rounding: 'nearest-even' },
  { label: 'float8_e4m3fn stochastic', format: floatFormat({ exponentBits: 4, mantissaBits: 3, specials: 'fn' }), rounding: 'stochastic' },
  { label: 'bfloat16 nearest-even', format: floatFormat({ exponentBits: 8, mantissaBits: 7 }), rounding: 'nearest-even' },
  { label: 'mxfp8_e4m3 nearest-even', format: mxFormat('mxfp8_e4m3'), rounding: 'nearest-even' },
];

/** Normal values times 2^e for e uniform in [-12, 8]: about a tenth land below E4M3's normals. */
export function spreadValues(length: number, seed: number): Float32Array {
  const random = new SeededRandom(seed);
  const values = new Float32Array(length);
  for (let i = 0; i < length; i++) values[i] = random.normal() * 2 ** random.integer(-12, 8);
  return values;
}

export function quantizeWorkload(backend: Backend, target: QuantizeTarget, elements: number): Workload {
  // Rows of 1024 values: block formats need the last axis to hold whole blocks.
  const shape = elements % 1024 === 0 ? [elements / 1024, 1024] : [elements];
  const x = backend.upload(spreadValues(elements, 5), shape, 'float32');
  const attributes = { format: target.format, rounding: target.rounding, seed: 1, offset: 0, randomBits: 32 };
  return {
    name: `${backend.name} quantize ${target.label} (${elements / 2 ** 20}M)`,
    work: elements,
    unit: 'G elements/s',
    run: () => release(backend, backend.kernels.quantize(x, attributes)),
  };
}
