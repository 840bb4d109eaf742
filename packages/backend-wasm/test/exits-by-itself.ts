// Run by src/backend.test.ts in a child process: uses the backend with worker threads and then
// simply ends. The process must exit on its own (the workers are unref'd), without dispose().
import { wasmBackend } from '../src/index.js';

const backend = wasmBackend({ threads: 2 });
await backend.ready();
const size = 512;
const a = backend.upload(new Float32Array(size * size).fill(1), [size, size], 'float32');
const product = backend.kernels.matmul(a, a, { transposeA: false, transposeB: false, outShape: [size, size] });
const values = backend.download(product);
let sum = 0;
for (const value of values) sum += value;
console.log(`threads ${backend.threads}, parallel runs > 0: ${backend.parallelRuns() > 0}, sum ${sum}`);
