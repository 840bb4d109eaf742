/**
 * The kernels of @lowbit/backend-wasm, compiled by scripts/build-wasm.mjs into wasm/lowbit.wasm.
 * Memory is imported (one shared WebAssembly.Memory for the main thread and every worker) and
 * managed by the host (src/memory.ts); nothing here allocates.
 *
 * Functions named `...Task(job, part, parts)` are thread entry points: they read their arguments
 * from a job block in memory and do part `part` of `parts` of the work (src/pool.ts).
 */
export { gemmScratchBytes, gemmTask } from './gemm';
export { conv2dBackwardDataTask, convBackwardDataScratchBytes } from './conv';
export { quantizeFloatTask } from './quantize';
export { quantizeFixedTask } from './fixed';
export { tensorFormatTask } from './tensor-format';
export { elementwiseTask } from './elementwise';
export { reduceTask } from './reduce';
export { reduceChannelsTask } from './reduce-channels';
export { poolTask } from './pool';
export { copyTask } from './movement';

/** First byte the host may allocate: after the static data of this module. */
export function heapBase(): usize {
  return __heap_base;
}

/** memory.copy of `bytes` bytes: the memory-bound ceiling the benchmark prints next to quantize. */
export function copyMemory(destination: usize, source: usize, bytes: usize): void {
  memory.copy(destination, source, bytes);
}
