/**
 * The compiled kernels (wasm/lowbit.wasm, built from assembly/ by scripts/build-wasm.mjs). The
 * hosts (host-node.ts, host-browser.ts) read or fetch the bytes; this file instantiates them, and
 * makes the variant over an unshared memory for hosts without shared memory (see host.ts).
 */

/** The exports of wasm/lowbit.wasm that the host calls (see assembly/index.ts). */
export interface KernelExports {
  heapBase(): number;
  gemmScratchBytes(): number;
  convBackwardDataScratchBytes(): number;
  [task: string]: unknown;
}

/** Instantiates the kernels over a memory (the main thread; workers do the same in wasm/worker.js). */
export function instantiate(module: WebAssembly.Module, memory: WebAssembly.Memory): KernelExports {
  const instance = new WebAssembly.Instance(module, { env: { memory } });
  return instance.exports as unknown as KernelExports;
}

/** Reads an unsigned LEB128 at `position`: [value, position after it]. */
function leb128(bytes: Uint8Array, position: number): [number, number] {
  let value = 0;
  let shift = 0;
  for (;;) {
    const byte = bytes[position++];
    value += (byte & 0x7f) * 2 ** shift;
    shift += 7;
    if ((byte & 0x80) === 0) return [value, position];
  }
}

/**
 * A copy of the module bytes whose memory import is not shared: the limits flag of the memory
 * import goes from 0x03 (shared, with maximum) to 0x01 (maximum). Nothing else changes: atomic
 * instructions are valid on unshared memory, where they behave like plain loads and stores.
 */
export function unsharedModuleBytes(bytes: Uint8Array): Uint8Array {
  const copy = new Uint8Array(bytes); // a copy (Buffer.slice would be a view)
  let position = 8; // magic and version
  while (position < copy.length) {
    const id = copy[position];
    const [size, start] = leb128(copy, position + 1);
    if (id === 2) {
      let [count, at] = leb128(copy, start);
      while (count-- > 0) {
        for (let name = 0; name < 2; name++) {
          const [length, after] = leb128(copy, at);
          at = after + length;
        }
        const kind = copy[at++];
        if (kind === 2) {
          if (copy[at] !== 0x03) throw new Error(`internal: the memory import has limits flags ${copy[at]}, expected 0x03 (shared)`);
          copy[at] = 0x01;
          return copy;
        }
        if (kind === 0) at = leb128(copy, at)[1];
        else if (kind === 1) at = skipLimits(copy, at + 1);
        else if (kind === 3) at += 2;
        else throw new Error(`internal: import kind ${kind} in the kernels module`);
      }
    }
    position = start + size;
  }
  throw new Error('internal: the kernels module imports no memory');
}

function skipLimits(bytes: Uint8Array, position: number): number {
  const flags = bytes[position];
  let at = leb128(bytes, position + 1)[1];
  if (flags & 1) at = leb128(bytes, at)[1];
  return at;
}
