/** Chooses the tensor backend of a run: the wasm backend with the requested threads, or the reference backend. */
import { getBackend, setBackend } from '@lowbit/tensor';
import { availableParallelism } from 'node:os';

export interface BackendChoice {
  name: string;
  threads: number;
  /** Why the wasm backend is not used, when it is not. */
  fallbackReason?: string;
}

export async function selectBackend(options: { backend: 'wasm' | 'reference'; threads?: number }): Promise<BackendChoice> {
  if (options.backend === 'reference') {
    setBackend('reference');
    return { name: 'reference', threads: 1 };
  }
  const threads = options.threads ?? availableParallelism();
  try {
    // Imported lazily so a broken wasm build degrades to the reference backend with a reason, not a crash.
    const { wasmBackend } = await import('@lowbit/backend-wasm');
    const backend = wasmBackend({ threads });
    await backend.ready();
    setBackend(backend);
    return { name: getBackend().name, threads };
  } catch (error) {
    setBackend('reference');
    return { name: 'reference', threads: 1, fallbackReason: error instanceof Error ? error.message : String(error) };
  }
}
