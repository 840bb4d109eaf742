import { readFileSync } from 'node:fs';
import { mxFormat, parseFormat } from '@lowbit/formats';
import { describe, expect, it } from 'vitest';
import { createWasmBackend, wasmBackend } from './backend.js';
import { host as browserHost } from './host-browser.js';
import { capabilitiesOf, planThreads, type Capabilities } from './host.js';
import { unsharedModuleBytes } from './module.js';

// The thread plan on every kind of host (browsers cannot run here: their plan is checked with fake
// capabilities), and the fallback every host without shared memory gets: the same kernels over an
// unshared memory, one thread, identical results.
const node: Capabilities = { node: true, crossOriginIsolated: false, sharedArrayBuffer: true, workers: false, cores: 8 };
const isolated: Capabilities = { node: false, crossOriginIsolated: true, sharedArrayBuffer: true, workers: true, cores: 4 };

describe('planThreads', () => {
  it('Node: worker_threads over a shared memory, one thread per core by default', () => {
    expect(planThreads(node)).toMatchObject({ threads: 8, workers: 'node', sharedMemory: true });
    expect(planThreads(node, 1)).toMatchObject({ threads: 1, workers: 'none', sharedMemory: true });
  });

  it('a cross-origin isolated page: module Web Workers over a shared memory', () => {
    expect(planThreads(isolated)).toMatchObject({ threads: 4, workers: 'web', sharedMemory: true });
    expect(planThreads(isolated, 2)).toMatchObject({ threads: 2, workers: 'web' });
  });

  it('a page that is not cross-origin isolated: one thread, unshared memory, and the headers to set', () => {
    for (const capabilities of [{ ...isolated, crossOriginIsolated: false }, { ...isolated, sharedArrayBuffer: false }]) {
      const plan = planThreads(capabilities, 4);
      expect(plan).toMatchObject({ threads: 1, workers: 'none', sharedMemory: false });
      expect(plan.reason).toMatch(/Cross-Origin-Opener-Policy: same-origin.*Cross-Origin-Embedder-Policy: require-corp/);
    }
  });

  it('no Worker constructor: one thread; sharedMemory: false forces the fallback anywhere', () => {
    expect(planThreads({ ...isolated, workers: false })).toMatchObject({ threads: 1, workers: 'none', sharedMemory: true });
    expect(planThreads(node, 4, false)).toMatchObject({ threads: 1, workers: 'none', sharedMemory: false });
  });

  it('capabilitiesOf reads a global scope', () => {
    expect(capabilitiesOf({ process: { versions: { node: '20.0.0' } }, SharedArrayBuffer }, 2)).toEqual({ ...node, cores: 2 });
    expect(capabilitiesOf({ crossOriginIsolated: true, SharedArrayBuffer, Worker: class {} }, 0)).toEqual({ ...isolated, cores: 1 });
    expect(capabilitiesOf(globalThis as unknown as Record<string, unknown>, 3).node).toBe(true);
  });
});

describe('hosts', () => {
  it('the browser host loads asynchronously and knows whether it may block', () => {
    expect(browserHost.kind).toBe('browser');
    expect(browserHost.moduleSync(true)).toBeUndefined();
    expect(typeof browserHost.canBlock).toBe('boolean');
  });

  it('the unshared variant of the module differs in one byte and compiles', () => {
    const bytes = readFileSync(new URL('../wasm/lowbit.wasm', import.meta.url));
    const unshared = unsharedModuleBytes(bytes);
    expect(unshared.length).toBe(bytes.length);
    expect(unshared.filter((byte, i) => byte !== bytes[i]).length).toBe(1);
    expect(() => new WebAssembly.Module(unshared)).not.toThrow();
  });

  it('one thread over an unshared memory gives the bits of the shared backend', async () => {
    const fallback = await createWasmBackend({ sharedMemory: false, name: 'wasm (unshared)' });
    const shared = wasmBackend({ threads: 2, name: 'wasm (shared)', splitAllWork: true });
    expect(fallback.threading).toMatchObject({ threads: 1, sharedMemory: false });
    const values = Float32Array.from({ length: 300 * 300 }, (_, i) => Math.sin(i) * 2 ** ((i % 40) - 20));
    const results = [fallback, shared].map((backend) => {
      const x = backend.upload(values, [300, 300], 'float32');
      const product = backend.kernels.matmul(x, x, { transposeA: false, transposeB: true, outShape: [300, 300] });
      const quantized = backend.kernels.quantize(product, { format: parseFormat('float8_e4m3fn'), rounding: 'stochastic', seed: 3, offset: 9, randomBits: 32 });
      const mx = backend.kernels.quantize(x, { format: mxFormat('mxfp4_e2m1'), rounding: 'nearest-even', seed: 0, offset: 0, randomBits: 32 });
      // Grows the memory (an unshared memory replaces its buffer): views must follow.
      const large = backend.upload(new Float32Array(40 << 20), [40 << 20], 'float32');
      backend.dispose(large);
      return [quantized, mx].map((tensor) => Array.from(new Uint32Array((backend.download(tensor) as Float32Array).buffer)));
    });
    expect(results[0]).toEqual(results[1]);
    await shared.shutdown();
  });
});
