/**
 * Keeps the wasm backend's memory bounded during long loops. Autograd graphs hold their tensors
 * until JavaScript's garbage collector finds them unreachable, and the wasm backend frees a
 * tensor's block from a FinalizationRegistry callback; V8 does not see wasm memory as pressure and
 * finalizers only run between tasks, so a synchronous training loop fills the 4 GiB wasm32 memory
 * within a few hundred LeNet-5 steps. Past a threshold of live bytes we collect garbage and yield
 * to the event loop so the finalizers run.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { getBackend } from '@lowbit/tensor';

let collect: (() => void) | undefined;

function garbageCollector(): () => void {
  if (collect === undefined) {
    const exposed = (globalThis as { gc?: () => void }).gc;
    if (exposed !== undefined) collect = exposed;
    else {
      // Node's documented way to reach gc() without a command-line flag: expose it, then read it from a fresh context.
      setFlagsFromString('--expose-gc');
      collect = runInNewContext('gc') as () => void;
    }
  }
  return collect;
}

const DEFAULT_THRESHOLD_BYTES = 768 * 1024 * 1024;

/** Live bytes of the current backend, when it reports them (the wasm backend does; the reference backend lives in the JS heap). */
export function liveBackendBytes(): number | undefined {
  const backend = getBackend() as { liveBytes?: () => number };
  return typeof backend.liveBytes === 'function' ? backend.liveBytes() : undefined;
}

/** Collects garbage and lets finalizers run when the backend holds more than `thresholdBytes`. */
export async function relieveMemoryPressure(thresholdBytes = DEFAULT_THRESHOLD_BYTES): Promise<void> {
  const live = liveBackendBytes();
  if (live === undefined || live < thresholdBytes) return;
  garbageCollector()();
  // FinalizationRegistry callbacks are queued as tasks: yield twice so they run before the next step.
  await new Promise((resolve) => setImmediate(resolve));
  await new Promise((resolve) => setImmediate(resolve));
}
