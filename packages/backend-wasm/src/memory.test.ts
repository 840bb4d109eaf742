import { describe, expect, it } from 'vitest';
import { Heap, PAGE_BYTES } from './memory.js';

function heap(pages = 1): Heap {
  return new Heap(new WebAssembly.Memory({ initial: pages, maximum: 1024, shared: true }), 1024);
}

describe('Heap', () => {
  it('aligns blocks to 64 bytes above the base and counts live bytes', () => {
    const h = heap();
    const a = h.allocate(1);
    const b = h.allocate(100);
    expect(a).toBe(1024);
    expect(b).toBe(1088);
    expect(h.liveBytes).toBe(64 + 128);
  });

  it('reuses freed blocks (best fit) and merges free neighbours', () => {
    const h = heap();
    const a = h.allocate(256);
    const b = h.allocate(256);
    const c = h.allocate(256);
    h.allocate(64); // keeps c's end below the top
    h.free(a);
    h.free(b);
    // a and b merged: a block of 512 fits where they were.
    expect(h.allocate(512)).toBe(a);
    h.free(c);
    expect(h.allocate(64)).toBe(c);
  });

  it('shrinks the top when the last block is freed, and ignores a second free', () => {
    const h = heap();
    const a = h.allocate(1000);
    h.free(a);
    h.free(a);
    expect(h.allocate(64)).toBe(a);
    expect(h.liveBytes).toBe(64);
  });

  it('grows the memory when the top passes its end and refreshes the views', () => {
    const h = heap(1);
    const address = h.allocate(3 * PAGE_BYTES);
    expect(h.memoryBytes).toBeGreaterThanOrEqual(address + 3 * PAGE_BYTES);
    h.f32[address / 4 + 3 * PAGE_BYTES / 4 - 1] = 7;
    expect(h.f32[address / 4 + 3 * PAGE_BYTES / 4 - 1]).toBe(7);
  });

  it('reports running out of the memory maximum with a named error', () => {
    const h = new Heap(new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }), 1024);
    expect(() => h.allocate(2 ** 33)).toThrowError(/out of wasm memory: 8\.00 GiB needed/);
  });
});
