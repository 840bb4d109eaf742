import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { getBackend, listBackends, matmul, ones } from '@lowbit/tensor';
import { describe, expect, it } from 'vitest';
import { WASM_BACKEND_PRIORITY, WasmBackendOptionsError, wasmBackend } from './index.js';

describe('registration', () => {
  it("importing the package registers 'wasm' above the reference backend, as the default", () => {
    const wasm = listBackends().find((backend) => backend.name === 'wasm');
    expect(wasm?.priority).toBe(WASM_BACKEND_PRIORITY);
    expect(WASM_BACKEND_PRIORITY).toBeGreaterThan(0);
    expect(getBackend().name).toBe('wasm');
    const product = matmul(ones([2, 3]), ones([3, 4]));
    expect(product.backend.name).toBe('wasm');
    expect(product.toArray()).toEqual(new Array(8).fill(3));
  });
});

describe('options and storage', () => {
  it('rejects a bad thread count with a named error', () => {
    expect(() => wasmBackend({ threads: 0 })).toThrowError(WasmBackendOptionsError);
    expect(() => wasmBackend({ threads: 1.5 })).toThrowError('wasmBackend: invalid threads: 1.5 (allowed: an integer 1..256)');
  });

  it('keeps int32 bits and float32 bits (NaN payloads, -0) through upload and download', () => {
    const backend = wasmBackend({ threads: 1 });
    const ints = Int32Array.of(-1, 2 ** 31 - 1, 0, 7);
    expect(backend.download(backend.upload(ints, [4], 'int32'))).toEqual(ints);
    const floats = new Float32Array(new Uint32Array([0x7fc12345, 0x80000000, 0x00000001]).buffer);
    const back = backend.download(backend.upload(floats, [3], 'float32')) as Float32Array;
    expect(new Uint32Array(back.buffer)).toEqual(new Uint32Array(floats.buffer));
  });

  it('frees a tensor once, and reuses its memory', () => {
    const backend = wasmBackend({ threads: 1 });
    const before = backend.liveBytes();
    const tensor = backend.upload(new Float32Array(1000), [1000], 'float32');
    expect(backend.liveBytes()).toBe(before + 4032);
    backend.dispose(tensor);
    backend.dispose(tensor);
    expect(backend.liveBytes()).toBe(before);
  });
});

describe('process lifetime', () => {
  it('a process that uses the multi-threaded backend exits by itself', () => {
    const tsx = createRequire(import.meta.url).resolve('tsx');
    const script = fileURLToPath(new URL('../test/exits-by-itself.ts', import.meta.url));
    const started = Date.now();
    const child = spawnSync(process.execPath, ['--conditions=@lowbit/source', '--import', tsx, script], { encoding: 'utf8', timeout: 60_000 });
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    expect(child.stdout.trim()).toBe('threads 2, parallel runs > 0: true, sum 134217728');
    expect(Date.now() - started).toBeLessThan(60_000);
  });
});
