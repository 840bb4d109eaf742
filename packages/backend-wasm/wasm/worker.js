// A worker thread of @lowbit/backend-wasm (src/pool.ts): a Node worker_threads worker or a
// browser module Web Worker. Plain JavaScript so that it runs as it is, from the sources (tests)
// and from the published package alike.
//
// It instantiates the compiled kernels over the shared memory, reports ready, then loops: wait
// until the main thread bumps this worker's sequence number, call the task export with the job
// address and its part, decrement the shared `remaining` counter, wake the main thread when it
// reaches zero. A part the main thread has retracted meanwhile (it finished every unit of work
// first) is skipped: the compare-and-swap from POSTED to RUNNING decides who owns it. The control
// block layout matches src/pool.ts.
const REMAINING = 0;
const SHUTDOWN = 1;
const FAILED = 2;
const SLOT_SEQUENCE = 0;
const SLOT_TASK = 1;
const SLOT_JOB = 2;
const SLOT_PART = 3;
const SLOT_PARTS = 4;
const SLOT_READY = 5;
const SLOT_STATE = 6;
const IDLE = 0;
const POSTED = 1;
const RUNNING = 2;
const SPINS = 20000;

// Node passes the start data in workerData; a browser posts it as the first message. The module
// name is not a literal so that bundlers building the browser worker leave it alone.
const nodeModule = 'node:worker_threads';
const threads = typeof process === 'object' && process.versions?.node ? await import(/* @vite-ignore */ /* webpackIgnore: true */ nodeModule) : undefined;
const start = threads
  ? threads.workerData
  : await new Promise((resolve) => self.addEventListener('message', (event) => resolve(event.data), { once: true }));
const report = threads ? (message) => threads.parentPort.postMessage(message) : (message) => self.postMessage(message);

const { module, memory, control: controlBuffer, index, tasks, slots, slotWords } = start;
const instance = new WebAssembly.Instance(module, { env: { memory } });
const functions = tasks.map((name) => instance.exports[name]);
const control = new Int32Array(controlBuffer);
const slot = slots + index * slotWords;

let seen = Atomics.load(control, slot + SLOT_SEQUENCE);
Atomics.store(control, slot + SLOT_READY, 1);
report('ready');

for (;;) {
  let spins = 0;
  while (Atomics.load(control, slot + SLOT_SEQUENCE) === seen) {
    if (++spins > SPINS) Atomics.wait(control, slot + SLOT_SEQUENCE, seen);
  }
  seen = Atomics.load(control, slot + SLOT_SEQUENCE);
  if (Atomics.load(control, SHUTDOWN) !== 0) break;
  if (Atomics.compareExchange(control, slot + SLOT_STATE, POSTED, RUNNING) !== POSTED) continue;
  try {
    functions[control[slot + SLOT_TASK]](control[slot + SLOT_JOB], control[slot + SLOT_PART], control[slot + SLOT_PARTS]);
  } catch (error) {
    console.error(`@lowbit/backend-wasm worker ${index}:`, error);
    Atomics.store(control, FAILED, 1);
  }
  Atomics.store(control, slot + SLOT_STATE, IDLE);
  if (Atomics.sub(control, REMAINING, 1) === 1) Atomics.notify(control, REMAINING);
}
