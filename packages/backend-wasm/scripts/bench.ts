/**
 * Benchmarks of @lowbit/backend-wasm against the reference backend and TensorFlow.js' wasm backend,
 * all measured in this one run (the development VM varies by up to 25 % between runs: compare the
 * ratios). Prints the machine load before and after, every measurement, and the issue-5 targets.
 *
 *   pnpm --filter @lowbit/backend-wasm bench [-- options]
 *   (= tsx --conditions=@lowbit/source scripts/bench.ts; tsx ignores tsconfig's customConditions)
 *     --only gemm,conv,lenet,quantize,tfjs,mx,ops   (default: all but lenet, mx and ops)
 *     --batch 32                 convolution batch (ResNet-18; LeNet-5 runs batch 64)
 *     --repetitions 5            timed runs per workload (median reported)
 *     --reference-repetitions 1  timed runs of the (slow) reference backend
 *     --elements 16777216        values per quantize run
 */
import { availableParallelism, cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { referenceBackend, type Backend } from '@lowbit/tensor';
import { wasmBackend } from '../src/index.js';
import {
  CONV_PASSES, LENET5_BATCH, LENET5_LAYERS, MXFP8_E4M3, OPS_WORKLOADS, RESNET18_CIFAR_LAYERS, convAttributes, convFlops, convWorkload, formatsQuantizeWorkload, gemmWorkload,
  measure, opWorkload, quantizeWorkload, spreadValues, wasmCopyWorkload, type ConvPass, type Measurement, type Workload,
} from './bench-workloads.js';
import { tfjsConvWorkload, tfjsGemmWorkload, tfjsReady } from './bench-tfjs.js';

const { values: args } = parseArgs({
  // `pnpm bench -- --only gemm` passes the `--` through.
  args: process.argv.slice(2).filter((argument) => argument !== '--'),
  options: {
    only: { type: 'string', default: 'gemm,conv,quantize,tfjs' },
    batch: { type: 'string', default: '32' },
    repetitions: { type: 'string', default: '5' },
    'reference-repetitions': { type: 'string', default: '1' },
    elements: { type: 'string', default: String(16 * 2 ** 20) },
  },
});
const only = new Set(args.only.split(','));
const batch = Number(args.batch);
const repetitions = Number(args.repetitions);
const referenceRepetitions = Number(args['reference-repetitions']);
const elements = Number(args.elements);

const load = () => loadavg().map((value) => value.toFixed(2)).join(' ');
console.log(`node ${process.version}, ${availableParallelism()} cores (${cpus()[0]?.model}), load average ${load()}`);
console.log(`median of ${repetitions} timed runs (reference: ${referenceRepetitions}) after 1 warm-up, and the best run\n`);

function show(measurement: Measurement, unit: string): Measurement {
  const { name, seconds, rate, best } = measurement;
  console.log(`${name.padEnd(62)} ${`${(seconds * 1000).toFixed(2)} ms`.padStart(12)} ${`${rate.toFixed(2)} ${unit}`.padStart(18)} ${`(best ${best.toFixed(2)})`.padStart(14)}`);
  return measurement;
}

function run(workload: Workload, unit: string, reference = false): Measurement {
  return show(measure(workload, reference ? referenceRepetitions : repetitions, 1), unit);
}

const one = wasmBackend({ threads: 1, name: 'wasm-1t' });
const two = wasmBackend({ threads: 2, name: 'wasm-2t' });
await two.ready();
const wasmBackends: Backend[] = [one, two];
const summary: string[] = [];
const targets: [string, boolean][] = [];

function target(label: string, value: number, goal: number, unit: string): void {
  targets.push([`${label}: ${value.toFixed(2)}${unit} (target >= ${goal}${unit})`, value >= goal]);
}

const gemm = new Map<string, number>();
const gemmBest = new Map<string, number>();
if (only.has('gemm')) {
  for (const size of [256, 512, 1024]) {
    gemm.set(`reference ${size}`, run(gemmWorkload(referenceBackend, size), 'GFLOP/s', true).rate);
    for (const backend of wasmBackends) {
      const measurement = run(gemmWorkload(backend, size), 'GFLOP/s');
      gemm.set(`${backend.name} ${size}`, measurement.rate);
      gemmBest.set(`${backend.name} ${size}`, measurement.best);
    }
  }
  for (const size of [256, 512, 1024]) {
    const reference = gemm.get(`reference ${size}`) ?? NaN;
    summary.push(
      `GEMM ${size}: reference ${reference.toFixed(2)}, wasm 1 thread ${gemm.get(`wasm-1t ${size}`)?.toFixed(1)} ` +
        `(${((gemm.get(`wasm-1t ${size}`) ?? NaN) / reference).toFixed(1)}x), 2 threads ${gemm.get(`wasm-2t ${size}`)?.toFixed(1)} GFLOP/s ` +
        `(${((gemm.get(`wasm-2t ${size}`) ?? NaN) / reference).toFixed(1)}x); best runs ${gemmBest.get(`wasm-1t ${size}`)?.toFixed(1)} and ` +
        `${gemmBest.get(`wasm-2t ${size}`)?.toFixed(1)}`,
    );
  }
  target('GEMM 512, 2 threads', gemm.get('wasm-2t 512') ?? 0, 90, ' GFLOP/s');
  target('GEMM 512, 2 threads / reference', (gemm.get('wasm-2t 512') ?? 0) / (gemm.get('reference 512') ?? Infinity), 15, 'x');
}

if (only.has('conv')) {
  const totals = new Map<string, { flops: number; seconds: number }>();
  for (const pass of CONV_PASSES) {
    for (const layer of RESNET18_CIFAR_LAYERS) {
      for (const backend of [referenceBackend, ...wasmBackends]) {
        const measurement = run(convWorkload(backend, layer, pass, batch), 'GFLOP/s', backend === referenceBackend);
        const key = `${backend.name} ${pass}`;
        const total = totals.get(key) ?? { flops: 0, seconds: 0 };
        total.flops += convFlops(convAttributes(layer, batch));
        total.seconds += measurement.seconds;
        totals.set(key, total);
      }
    }
  }
  const rate = (name: string, pass: ConvPass) => {
    const total = totals.get(`${name} ${pass}`);
    return total ? total.flops / total.seconds / 1e9 : NaN;
  };
  const gemm512 = gemm.get('wasm-2t 512');
  for (const pass of CONV_PASSES) {
    summary.push(
      `ResNet-18 CIFAR convolutions ${pass} (batch ${batch}, all layers): reference ${rate('reference', pass).toFixed(2)}, ` +
        `wasm 1 thread ${rate('wasm-1t', pass).toFixed(1)}, 2 threads ${rate('wasm-2t', pass).toFixed(1)} GFLOP/s ` +
        `(${(rate('wasm-2t', pass) / rate('reference', pass)).toFixed(1)}x reference)`,
    );
    if (gemm512) target(`conv ${pass} / GEMM 512 (2 threads)`, (100 * rate('wasm-2t', pass)) / gemm512, 60, ' %');
  }
}

if (only.has('lenet')) {
  // Thin convolutions: few output channels, tiny depth (forward, backward data) or a depth of batch
  // x pixels (backward filter, split along its depth: assembly/depth-split.ts).
  for (const layer of LENET5_LAYERS) {
    for (const pass of CONV_PASSES) {
      const [reference, single, double] = [referenceBackend, ...wasmBackends].map((backend) =>
        run(convWorkload(backend, layer, pass, LENET5_BATCH), 'GFLOP/s', backend === referenceBackend));
      summary.push(
        `${layer.name} ${pass} (batch ${LENET5_BATCH}): reference ${(reference.seconds * 1000).toFixed(2)} ms, wasm 1 thread ` +
          `${(single.seconds * 1000).toFixed(2)} ms (${single.rate.toFixed(1)} GFLOP/s), 2 threads ${(double.seconds * 1000).toFixed(2)} ms ` +
          `(${double.rate.toFixed(1)} GFLOP/s, ${(reference.seconds / double.seconds).toFixed(1)}x reference)`,
      );
    }
  }
}

if (only.has('quantize')) {
  const values = spreadValues(elements, 5);
  const rates = new Map<string, number>();
  // The memory-bound ceiling in this run: plain copies of the same values, by JavaScript and by wasm
  // (shared/wasm-notes.md: 5.0-5.5 G/s on an idle machine), measured before and after the quantize
  // runs; quantize is reported as a fraction of their mean.
  const copies: number[] = [];
  const measureCopies = () => {
    const copy = new Float32Array(elements);
    copies.push(run({ name: `memcpy JS (Float32Array.set, ${elements / 2 ** 20}M)`, work: elements, run: () => copy.set(values) }, 'G elements/s').rate);
    copies.push(run(wasmCopyWorkload(values), 'G elements/s').rate);
  };
  measureCopies();
  for (const rounding of ['nearest-even', 'stochastic'] as const) {
    for (const backend of [referenceBackend, one]) {
      rates.set(`${backend.name} ${rounding}`, run(quantizeWorkload(backend, rounding, elements, values), 'G elements/s', backend === referenceBackend).rate);
    }
  }
  measureCopies();
  const memcpy = copies.reduce((a, b) => a + b, 0) / copies.length;
  for (const rounding of ['nearest-even', 'stochastic'] as const) {
    const ratio = (rates.get(`wasm-1t ${rounding}`) ?? NaN) / (rates.get(`reference ${rounding}`) ?? NaN);
    const wasmRate = rates.get(`wasm-1t ${rounding}`) ?? NaN;
    summary.push(
      `quantize 16M into float8_e4m3fn ${rounding}: reference ${rates.get(`reference ${rounding}`)?.toFixed(3)}, wasm 1 thread ` +
        `${wasmRate.toFixed(2)} G elements/s (${ratio.toFixed(1)}x reference, ${((100 * wasmRate) / memcpy).toFixed(0)} % of memcpy, ` +
        `${copies.map((rate) => rate.toFixed(2)).join(' / ')} G/s: JS, wasm before; JS, wasm after)`,
    );
  }
  target('quantize E4M3 nearest-even, 1 thread', rates.get('wasm-1t nearest-even') ?? 0, 3.5, ' G/s');
  target('quantize E4M3 stochastic, 1 thread', rates.get('wasm-1t stochastic') ?? 0, 1, ' G/s');
}

if (only.has('mx')) {
  // Tensor formats: formats' own JavaScript (what the backend ran on a copy before) against wasm.
  const values = spreadValues(elements / 4, 6);
  for (const rounding of ['nearest-even', 'stochastic'] as const) {
    const js = run(formatsQuantizeWorkload(MXFP8_E4M3, rounding, values), 'G elements/s');
    const wasm = wasmBackends.map((backend) => run(quantizeWorkload(backend, rounding, values.length, values, MXFP8_E4M3), 'G elements/s'));
    summary.push(`quantize ${values.length / 2 ** 20}M into mxfp8_e4m3 ${rounding}: formats (JavaScript) ${js.rate.toFixed(3)}, wasm 1 thread ${wasm[0].rate.toFixed(2)}, 2 threads ${wasm[1].rate.toFixed(2)} G elements/s`);
  }
}

if (only.has('ops')) {
  // The kernels that used to run the reference backend's JavaScript on views of wasm memory, and
  // the reductions of batch norm and bias gradients, LeNet-5's max pooling (reference against wasm).
  for (const workload of OPS_WORKLOADS) {
    const reference = run(opWorkload(referenceBackend, workload), 'G elements/s', true);
    const wasm = wasmBackends.map((backend) => run(opWorkload(backend, workload), 'G elements/s'));
    summary.push(
      `${workload.op} of [${workload.shape}]: reference ${reference.rate.toFixed(3)}, wasm 1 thread ${wasm[0].rate.toFixed(3)} ` +
        `(${(wasm[0].rate / reference.rate).toFixed(1)}x, ${(wasm[0].seconds * 1000).toFixed(2)} ms), 2 threads ${wasm[1].rate.toFixed(3)} G elements/s ` +
        `(${(wasm[1].seconds * 1000).toFixed(2)} ms)`,
    );
  }
}

if (only.has('tfjs')) {
  // Each TF.js workload runs right next to the same workload on wasm with 1 and 2 threads, so the
  // ratios compare runs that saw the same load (other jobs on the machine come and go).
  await tfjsReady();
  const interleaved = (tfjs: Workload, ours: (backend: Backend) => Workload) => [run(tfjs, 'GFLOP/s'), ...wasmBackends.map((backend) => run(ours(backend), 'GFLOP/s'))];
  const [tfjsGemm, oneGemm, twoGemm] = interleaved(tfjsGemmWorkload(512), (backend) => gemmWorkload(backend, 512));
  const seconds = [0, 0, 0];
  let flops = 0;
  for (const layer of RESNET18_CIFAR_LAYERS) {
    interleaved(tfjsConvWorkload(layer, batch), (backend) => convWorkload(backend, layer, 'forward', batch)).forEach((measurement, i) => (seconds[i] += measurement.seconds));
    flops += convFlops(convAttributes(layer, batch));
  }
  const [tfjsConv, oneConv, twoConv] = seconds.map((time) => flops / time / 1e9);
  summary.push(
    `TensorFlow.js 4.22 wasm (1 thread in Node), each run next to ours: GEMM 512 ${tfjsGemm.rate.toFixed(1)} GFLOP/s (wasm 1 thread ` +
      `${oneGemm.rate.toFixed(1)}, 2 threads ${twoGemm.rate.toFixed(1)}), conv forward (all layers) ${tfjsConv.toFixed(1)} GFLOP/s ` +
      `(wasm 1 thread ${oneConv.toFixed(1)}, ${(oneConv / tfjsConv).toFixed(2)}x; 2 threads ${twoConv.toFixed(1)})`,
  );
  target('GEMM 512 wasm 2 threads / TF.js', twoGemm.rate / tfjsGemm.rate, 2, 'x');
  target('conv forward wasm 2 threads / TF.js', twoConv / tfjsConv, 2, 'x');
}

console.log(`\n${summary.join('\n')}\n`);
for (const [line, met] of targets) console.log(`${met ? 'met    ' : 'MISSED '} ${line}`);
console.log(`\nload average at the end ${load()}`);
await two.shutdown();
