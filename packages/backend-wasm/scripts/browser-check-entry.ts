// Bundled by scripts/browser-check.mjs for a real browser: creates the backend the way a page does,
// runs a few kernels on the threads it got and on one unshared-memory thread, compares the bits, and
// posts a report to the server that served the page.
import { mxFormat, parseFormat } from '@lowbit/formats';
import { createWasmBackend, type WasmBackend } from '../src/index.js';

function run(backend: WasmBackend): number[][] {
  const values = Float32Array.from({ length: 256 * 256 }, (_, i) => Math.sin(i) * 2 ** ((i % 30) - 15));
  const x = backend.upload(values, [256, 256], 'float32');
  const product = backend.kernels.matmul(x, x, { transposeA: false, transposeB: true, outShape: [256, 256] });
  const quantized = backend.kernels.quantize(product, { format: parseFormat('float8_e4m3fn'), rounding: 'stochastic', seed: 3, offset: 9, randomBits: 32 });
  const mx = backend.kernels.quantize(x, { format: mxFormat('mxfp4_e2m1'), rounding: 'nearest-even', seed: 0, offset: 0, randomBits: 32 });
  return [product, quantized, mx].map((tensor) => Array.from(new Uint32Array((backend.download(tensor) as Float32Array).buffer)));
}

let report: Record<string, unknown>;
try {
  const backend = await createWasmBackend({ splitAllWork: true });
  await backend.ready();
  const serial = await createWasmBackend({ sharedMemory: false, name: 'wasm (unshared)' });
  const [threaded, single] = [run(backend), run(serial)];
  report = {
    crossOriginIsolated: (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true,
    threading: backend.threading,
    parallelRuns: backend.parallelRuns(),
    sameBits: JSON.stringify(threaded) === JSON.stringify(single),
  };
} catch (error) {
  report = { error: String((error as Error).stack ?? error) };
}
await fetch('/report', { method: 'POST', body: JSON.stringify(report) });
