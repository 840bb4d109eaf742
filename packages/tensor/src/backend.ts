/**
 * The backend registry. Backends register a factory with a priority; the default backend is the
 * highest-priority one that initialises (the reference backend, priority 0, always does). A
 * factory may be asynchronous (a wasm backend compiles modules and starts workers): such a backend
 * becomes available once `ready()` or `initBackend(name)` has awaited it.
 *
 * Creation helpers put new tensors on the current backend (or on `options.backend`); ops run on
 * the backend their inputs live on. Inputs of one op on two different backends are a BackendError:
 * moving data silently would hide a copy in a hot loop, so the caller moves it explicitly with
 * `tensor.toBackend(name)`.
 */
import { BackendError } from './errors.js';
import type { Backend } from './kernels/contract.js';
import { referenceBackend } from './reference/index.js';

export type BackendFactory = () => Backend | Promise<Backend>;

interface Entry {
  name: string;
  factory: BackendFactory;
  priority: number;
  backend?: Backend;
  pending?: Promise<Backend>;
  failure?: unknown;
}

const registry = new Map<string, Entry>([['reference', { name: 'reference', factory: () => referenceBackend, priority: 0 }]]);
/** The backend chosen by setBackend/ready, or lazily by getBackend. */
let current: Backend | undefined;
let chosenExplicitly = false;

/** Registers (or replaces) a backend. Higher priority wins the default. */
export function registerBackend(name: string, factory: BackendFactory, priority = 0): void {
  if (typeof name !== 'string' || name === '') throw new BackendError(`registerBackend: invalid name ${JSON.stringify(name)}`);
  if (typeof factory !== 'function') throw new BackendError(`registerBackend('${name}'): the factory must be a function returning a Backend`);
  if (!Number.isFinite(priority)) throw new BackendError(`registerBackend('${name}'): priority must be a finite number, got ${priority}`);
  const previous = registry.get(name);
  if (previous?.backend !== undefined && current === previous.backend) {
    current = undefined;
    chosenExplicitly = false;
  }
  registry.set(name, { name, factory, priority });
  // A new higher-priority backend may change the default: choose again on the next getBackend().
  if (!chosenExplicitly) current = undefined;
}

/** Removes a registered backend (not 'reference', which always exists). */
export function removeBackend(name: string): void {
  if (name === 'reference') throw new BackendError("removeBackend: the reference backend always exists and cannot be removed");
  const entry = registry.get(name);
  if (entry === undefined) return;
  registry.delete(name);
  if (entry.backend !== undefined && current === entry.backend) {
    current = undefined;
    chosenExplicitly = false;
  }
}

export interface BackendInfo {
  name: string;
  priority: number;
  state: 'registered' | 'initialising' | 'ready' | 'failed';
}

/** Registered backends, highest priority first. */
export function listBackends(): BackendInfo[] {
  return sortedEntries().map((entry) => ({
    name: entry.name,
    priority: entry.priority,
    state: entry.backend ? 'ready' : entry.failure !== undefined ? 'failed' : entry.pending ? 'initialising' : 'registered',
  }));
}

/** Initialises one backend, awaiting an asynchronous factory. Rejects with a BackendError. */
export async function initBackend(name: string): Promise<Backend> {
  const entry = entryOf(name);
  if (entry.backend) return entry.backend;
  entry.failure = undefined;
  try {
    entry.pending ??= Promise.resolve(entry.factory());
    entry.backend = checkBackend(name, await entry.pending);
    return entry.backend;
  } catch (error) {
    entry.failure = error;
    throw error instanceof BackendError ? error : failed(name, error);
  } finally {
    entry.pending = undefined;
  }
}

/**
 * Initialises backends from the highest priority down until one succeeds and makes it current,
 * unless setBackend chose one already. Resolves to the current backend.
 */
export async function ready(): Promise<Backend> {
  if (chosenExplicitly && current) return current;
  for (const entry of sortedEntries()) {
    try {
      const backend = await initBackend(entry.name);
      if (!chosenExplicitly) current = backend;
      return current ?? backend;
    } catch {
      // Fall through to the next backend; listBackends() reports the failure.
    }
  }
  return getBackend();
}

/** Makes a backend current. An asynchronous backend must have been initialised (await initBackend). */
export function setBackend(backend: string | Backend): Backend {
  current = typeof backend === 'string' ? getBackend(backend) : checkBackend(backend?.name, backend);
  chosenExplicitly = true;
  return current;
}

/**
 * The current backend, or the named one. Without a name and without setBackend, the default is the
 * highest-priority backend that initialises synchronously or has been initialised.
 */
export function getBackend(name?: string): Backend {
  if (name !== undefined) {
    const entry = entryOf(name);
    if (entry.backend) return entry.backend;
    const backend = initSync(entry);
    if (backend) return backend;
    throw new BackendError(
      entry.failure !== undefined
        ? `backend '${name}' failed to initialise: ${messageOf(entry.failure)}`
        : `backend '${name}' initialises asynchronously; await initBackend('${name}') (or ready()) before using it`,
    );
  }
  if (current) return current;
  for (const entry of sortedEntries()) {
    const backend = entry.backend ?? initSync(entry);
    if (backend) {
      current = backend;
      return backend;
    }
  }
  throw new BackendError('no backend could be initialised'); // unreachable: the reference backend always works
}

/** Runs `run` with `backend` as the current backend (for the creation helpers inside it). */
export function withBackend<T>(backend: string | Backend, run: () => T): T {
  const savedCurrent = current;
  const savedExplicit = chosenExplicitly;
  setBackend(backend);
  try {
    return run();
  } finally {
    current = savedCurrent;
    chosenExplicitly = savedExplicit;
  }
}

function initSync(entry: Entry): Backend | undefined {
  if (entry.failure !== undefined || entry.pending) return undefined;
  try {
    const result = entry.factory();
    if (result instanceof Promise) {
      // Keep the promise so initBackend() awaits this initialisation instead of starting another.
      entry.pending = result;
      result.then(
        (backend) => {
          if (registry.get(entry.name) === entry) entry.backend = checkBackend(entry.name, backend);
        },
        (error: unknown) => {
          entry.failure = error;
        },
      );
      return undefined;
    }
    entry.backend = checkBackend(entry.name, result);
    return entry.backend;
  } catch (error) {
    entry.failure = error;
    return undefined;
  }
}

function entryOf(name: string): Entry {
  const entry = registry.get(name);
  if (entry === undefined) {
    const known = sortedEntries().map((e) => `'${e.name}'`).join(', ');
    throw new BackendError(`unknown backend '${name}' (registered: ${known}); a backend package registers itself with registerBackend`);
  }
  return entry;
}

function sortedEntries(): Entry[] {
  return [...registry.values()].sort((a, b) => b.priority - a.priority);
}

function checkBackend(name: string | undefined, backend: Backend): Backend {
  if (backend === null || typeof backend !== 'object' || typeof backend.kernels !== 'object' || typeof backend.upload !== 'function' || typeof backend.download !== 'function') {
    throw new BackendError(`backend '${name}' is not a Backend object (needs name, kernels, upload and download)`);
  }
  return backend;
}

function failed(name: string, error: unknown): BackendError {
  return new BackendError(`backend '${name}' failed to initialise: ${messageOf(error)}`);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
