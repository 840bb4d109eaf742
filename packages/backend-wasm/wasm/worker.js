// A worker thread of @lowbit/backend-wasm (src/pool.ts). Plain JavaScript so that Node runs it as
// it is, from the sources (tests) and from the published package alike.
//
// It instantiates the compiled kernels over the shared memory, reports ready, then loops: wait
// until the main thread bumps this worker's sequence number, call the task export with the job
// address and its part, decrement the shared `remaining` counter, wake the main thread when it
// reaches zero. The control block layout matches src/pool.ts.
import { parentPort, workerData } from 'node:worker_threads';

const REMAINING = 0;
const SHUTDOWN = 1;
const FAILED = 2;
const SLOT_SEQUENCE = 0;
const SLOT_TASK = 1;
const SLOT_JOB = 2;
const SLOT_PART = 3;
const SLOT_PARTS = 4;
const SLOT_READY = 5;
const SPINS = 20000;

const { module, memory, control: controlBuffer, index, tasks, slots, slotWords } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory } });
const functions = tasks.map((name) => instance.exports[name]);
const control = new Int32Array(controlBuffer);
const slot = slots + index * slotWords;

let seen = Atomics.load(control, slot + SLOT_SEQUENCE);
Atomics.store(control, slot + SLOT_READY, 1);
parentPort.postMessage('ready');

for (;;) {
  let spins = 0;
  while (Atomics.load(control, slot + SLOT_SEQUENCE) === seen) {
    if (++spins > SPINS) Atomics.wait(control, slot + SLOT_SEQUENCE, seen);
  }
  seen = Atomics.load(control, slot + SLOT_SEQUENCE);
  if (Atomics.load(control, SHUTDOWN) !== 0) break;
  try {
    functions[control[slot + SLOT_TASK]](control[slot + SLOT_JOB], control[slot + SLOT_PART], control[slot + SLOT_PARTS]);
  } catch (error) {
    console.error(`@lowbit/backend-wasm worker ${index}:`, error);
    Atomics.store(control, FAILED, 1);
  }
  if (Atomics.sub(control, REMAINING, 1) === 1) Atomics.notify(control, REMAINING);
}
