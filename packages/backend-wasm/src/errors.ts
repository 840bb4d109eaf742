/**
 * Named errors of @lowbit/backend-wasm. Kernels never throw for user input (the ops of
 * @lowbit/tensor validate it); these report what the backend itself cannot do.
 */

/** The backend could not start, ran out of wasm memory, or a worker thread failed. */
export class WasmBackendError extends Error {
  override readonly name = 'WasmBackendError';
}

/** A bad option of wasmBackend(): names the field, its value and what is allowed. */
export class WasmBackendOptionsError extends Error {
  override readonly name = 'WasmBackendOptionsError';
  constructor(
    readonly field: string,
    readonly value: unknown,
    readonly allowed: string,
  ) {
    super(`wasmBackend: invalid ${field}: ${JSON.stringify(value)} (allowed: ${allowed})`);
  }
}
