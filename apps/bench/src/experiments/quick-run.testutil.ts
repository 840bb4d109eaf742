/** Test helper: runs an experiment at --quick size on a fresh wasm backend and restores the previous backend afterwards. */
import { wasmBackend } from '@lowbit/backend-wasm';
import { getBackend, setBackend } from '@lowbit/tensor';
import { createProgress } from '../progress.js';
import type { ExperimentContext, ExperimentOutcome } from './types.js';

export async function runQuickOnWasm(run: (context: ExperimentContext) => Promise<ExperimentOutcome>, options: { seed: number; threads?: number }): Promise<ExperimentOutcome> {
  const threads = options.threads ?? 2;
  const previous = getBackend();
  const backend = wasmBackend({ threads });
  await backend.ready();
  setBackend(backend);
  try {
    return await run({ quick: true, seed: options.seed, progress: createProgress({ mode: 'silent' }), backend: { name: 'wasm', threads } });
  } finally {
    setBackend(previous);
    await backend.shutdown();
  }
}
