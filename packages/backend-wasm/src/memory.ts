/**
 * The heap: one shared WebAssembly.Memory (up to 65536 pages = 4 GiB, the wasm32 limit) that the
 * main thread and every worker see, managed from JavaScript. Only the main thread allocates.
 *
 * Allocation is best fit over a free list kept sorted by address, so a freed block merges with its
 * neighbours and the top of the heap shrinks back when its last block is freed. Blocks are aligned
 * to 64 bytes (a cache line; v128 loads never straddle two). A training step frees and allocates
 * blocks of the same few sizes again and again, which keeps the free list short.
 */
import { WasmBackendError } from './errors.js';

export const PAGE_BYTES = 65536;
export const MAXIMUM_PAGES = 65536;
const ALIGNMENT = 64;

export class Heap {
  /** Views of the whole memory; replaced after the memory grows. */
  f32!: Float32Array;
  i32!: Int32Array;
  u8!: Uint8Array;
  private top: number;
  private readonly sizes = new Map<number, number>();
  private readonly freeStarts: number[] = [];
  private readonly freeSizes: number[] = [];
  private allocatedBytes = 0;

  constructor(
    readonly memory: WebAssembly.Memory,
    base: number,
  ) {
    this.top = align(base);
    this.refreshViews();
  }

  /** Bytes in live blocks (what tensors and scratch hold now). */
  get liveBytes(): number {
    return this.allocatedBytes;
  }

  /** Bytes of the memory itself (it only grows). */
  get memoryBytes(): number {
    return this.memory.buffer.byteLength;
  }

  /** Address (in bytes, a multiple of 64) of a new block of at least `bytes` bytes. */
  allocate(bytes: number): number {
    const size = align(Math.max(bytes, 1));
    let best = -1;
    for (let i = 0; i < this.freeSizes.length; i++) {
      const free = this.freeSizes[i];
      if (free >= size && (best < 0 || free < this.freeSizes[best])) {
        best = i;
        if (free === size) break;
      }
    }
    let address: number;
    if (best >= 0) {
      address = this.freeStarts[best];
      const rest = this.freeSizes[best] - size;
      if (rest > 0) {
        this.freeStarts[best] += size;
        this.freeSizes[best] = rest;
      } else {
        this.freeStarts.splice(best, 1);
        this.freeSizes.splice(best, 1);
      }
    } else {
      address = this.top;
      this.ensure(address + size);
      this.top = address + size;
    }
    this.sizes.set(address, size);
    this.allocatedBytes += size;
    return address;
  }

  /** Returns a block to the heap. Freeing an address twice is a no-op. */
  free(address: number): void {
    const size = this.sizes.get(address);
    if (size === undefined) return;
    this.sizes.delete(address);
    this.allocatedBytes -= size;
    let start = address;
    let length = size;
    // Insert sorted by address, merging with the free neighbours.
    let index = lowerBound(this.freeStarts, start);
    if (index > 0 && this.freeStarts[index - 1] + this.freeSizes[index - 1] === start) {
      index--;
      start = this.freeStarts[index];
      length += this.freeSizes[index];
      this.freeStarts.splice(index, 1);
      this.freeSizes.splice(index, 1);
    }
    if (index < this.freeStarts.length && start + length === this.freeStarts[index]) {
      length += this.freeSizes[index];
      this.freeStarts.splice(index, 1);
      this.freeSizes.splice(index, 1);
    }
    if (start + length === this.top) {
      this.top = start;
      return;
    }
    this.freeStarts.splice(index, 0, start);
    this.freeSizes.splice(index, 0, length);
  }

  /** Grows the memory so that addresses below `end` exist. */
  private ensure(end: number): void {
    const current = this.memory.buffer.byteLength;
    if (end <= current) return;
    const currentPages = current / PAGE_BYTES;
    const neededPages = Math.ceil(end / PAGE_BYTES);
    if (neededPages > MAXIMUM_PAGES) {
      throw new WasmBackendError(
        `out of wasm memory: ${(end / 2 ** 30).toFixed(2)} GiB needed, a wasm32 memory holds at most 4 GiB ` +
          `(${(this.allocatedBytes / 2 ** 30).toFixed(2)} GiB live); dispose tensors that are no longer needed`,
      );
    }
    // Grow by at least a quarter so that a growing workload does not grow page by page.
    const pages = Math.min(MAXIMUM_PAGES, Math.max(neededPages, Math.ceil(currentPages * 1.25)));
    try {
      this.memory.grow(pages - currentPages);
    } catch (error) {
      throw new WasmBackendError(`cannot grow wasm memory to ${pages} pages (${(error as Error).message}); ${(this.allocatedBytes / 2 ** 30).toFixed(2)} GiB are live`);
    }
    this.refreshViews();
  }

  private refreshViews(): void {
    const buffer = this.memory.buffer;
    this.f32 = new Float32Array(buffer);
    this.i32 = new Int32Array(buffer);
    this.u8 = new Uint8Array(buffer);
  }
}

function align(bytes: number): number {
  return Math.ceil(bytes / ALIGNMENT) * ALIGNMENT;
}

function lowerBound(sorted: readonly number[], value: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle] < value) low = middle + 1;
    else high = middle;
  }
  return low;
}
