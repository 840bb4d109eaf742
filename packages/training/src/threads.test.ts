import { afterAll, describe, expect, it } from 'vitest';
import { wasmBackend } from '@lowbit/backend-wasm';
import { withBackend, type Backend } from '@lowbit/tensor';
import { applyQuantization } from '@lowbit/nn';
import { sgd } from '@lowbit/optim';
import { fit } from './index.js';
import { bitsOf, cnn, images } from './fixtures.testutil.js';

const one = wasmBackend({ threads: 1, name: 'wasm-1-thread' });
const two = wasmBackend({ threads: 2, name: 'wasm-2-threads', splitAllWork: true });
afterAll(() => {
  one.shutdown();
  two.shutdown();
});

describe('fit on the wasm backend', () => {
  it('gives the same weights on one thread and on two (every kernel split), stochastic rounding included', async () => {
    await two.ready();
    const { train, test } = images();
    const run = async (backend: Backend) => {
      const model = withBackend(backend, () => cnn());
      applyQuantization(model, { weights: 'float8_e4m3fn', inputs: { format: 'float8_e4m3fn', rounding: 'stochastic' }, errors: { format: 'float8_e5m2', rounding: 'stochastic' } });
      const result = await fit({ model, trainData: train, testData: test, optimizer: sgd({ learningRate: 0.05, momentum: 0.9 }), epochs: 2, batchSize: 8, seed: 3, backend });
      expect(model.namedParameters()[0][1].value.backend).toBe(backend);
      return { weights: bitsOf(model), accuracy: result.curves.testAccuracy };
    };
    const single = await run(one);
    const split = await run(two);
    expect(split).toEqual(single);
    expect(two.parallelRuns()).toBeGreaterThan(0);
  });
});
