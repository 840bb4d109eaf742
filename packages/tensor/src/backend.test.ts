import { afterEach, describe, expect, it } from 'vitest';
import { getBackend, initBackend, listBackends, ready, registerBackend, removeBackend, setBackend, withBackend } from './backend.js';
import { tensor } from './creation.js';
import { BackendError } from './errors.js';
import type { Backend } from './kernels/contract.js';
import { add } from './ops/index.js';
import { referenceBackend } from './reference/index.js';

const fast = (name: string): Backend => ({ ...referenceBackend, name });

afterEach(() => {
  for (const { name } of listBackends()) if (name !== 'reference') removeBackend(name);
  setBackend('reference');
});

describe('backend registry', () => {
  it('the reference backend always exists and is the default alone', () => {
    expect(getBackend().name).toBe('reference');
    expect(listBackends()).toEqual([{ name: 'reference', priority: 0, state: 'ready' }]);
    expect(() => removeBackend('reference')).toThrow(BackendError);
  });

  it('the default is the highest-priority backend that initialises', async () => {
    registerBackend('broken', () => {
      throw new Error('no SIMD');
    }, 20);
    registerBackend('fast', () => fast('fast'), 10);
    registerBackend('slow', () => fast('slow'), 5);
    // setBackend('reference') in afterEach made the choice explicit; a fresh process would not have.
    expect(getBackend().name).toBe('reference');
    expect((await ready()).name).toBe('reference');
    expect(getBackend('fast').name).toBe('fast');
    expect(() => getBackend('broken')).toThrow("backend 'broken' failed to initialise: no SIMD");
    expect(listBackends().map((b) => `${b.name}:${b.state}`)).toEqual(['broken:failed', 'fast:ready', 'slow:registered', 'reference:ready']);
  });

  it('asynchronous backends are used once initialised', async () => {
    registerBackend('async', async () => fast('async'), 10);
    expect(() => getBackend('async')).toThrow("backend 'async' initialises asynchronously; await initBackend('async') (or ready()) before using it");
    expect((await initBackend('async')).name).toBe('async');
    expect(setBackend('async').name).toBe('async');
    expect(tensor([1]).backend.name).toBe('async');
  });

  it('a failing asynchronous backend rejects with a BackendError', async () => {
    registerBackend('flaky', async () => {
      throw new Error('wasm compile failed');
    }, 10);
    await expect(initBackend('flaky')).rejects.toThrow("backend 'flaky' failed to initialise: wasm compile failed");
  });

  it('withBackend runs one call with an explicit backend and restores the previous one', () => {
    registerBackend('other', () => fast('other'));
    const x = withBackend('other', () => tensor([1, 2]));
    expect(x.backend.name).toBe('other');
    expect(getBackend().name).toBe('reference');
    // ops run where their inputs live, whatever the current backend is
    expect(add(x, 1).backend.name).toBe('other');
    expect(() => withBackend('other', () => {
      throw new Error('inner');
    })).toThrow('inner');
    expect(getBackend().name).toBe('reference');
  });

  it('rejects bad registrations', () => {
    expect(() => registerBackend('', () => referenceBackend)).toThrow(BackendError);
    expect(() => registerBackend('x', 5 as never)).toThrow("registerBackend('x'): the factory must be a function returning a Backend");
    registerBackend('fake', () => ({ name: 'fake' }) as never);
    expect(() => getBackend('fake')).toThrow("backend 'fake' failed to initialise: backend 'fake' is not a Backend object (needs name, kernels, upload and download)");
  });
});

describe('default selection in a fresh registry', () => {
  it('prefers a higher-priority synchronous backend when nothing was chosen', async () => {
    const { vi } = await import('vitest');
    vi.resetModules();
    const fresh = await import('./backend.js');
    fresh.registerBackend('fast', () => fast('fast'), 10);
    expect(fresh.getBackend().name).toBe('fast');
    fresh.registerBackend('async', async () => fast('async'), 20);
    expect(fresh.getBackend().name).toBe('fast');
    expect((await fresh.ready()).name).toBe('async');
    expect(fresh.getBackend().name).toBe('async');
  });
});
