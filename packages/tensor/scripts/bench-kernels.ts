/**
 * Kernel benchmark table: GEMM 256/512/1024 (plus the naive loop at 512 for the blocked/naive
 * ratio), every ResNet-18 CIFAR convolution forward/backward data/backward filter, and quantize,
 * as the median of timed repetitions after one warm-up run, in GFLOP/s (2·m·n·k / time) and
 * G elements/s. Workloads: src/reference/*.workloads.ts.
 *
 *   npx tsx --conditions=@lowbit/source scripts/bench-kernels.ts [options]
 *     --backend reference      registered backend(s) to measure, comma-separated
 *     --only gemm,conv,quantize
 *     --batch 32               convolution batch size (8 is ~4x faster to run)
 *     --repetitions 3          timed runs per workload (median reported)
 *     --elements 16777216      values per quantize run
 *
 * Workspace packages must resolve to their TypeScript sources through the "@lowbit/source"
 * export condition. tsx does NOT take it from tsconfig's customConditions (it then loads a
 * possibly stale dist/), so the script restarts itself with --conditions when it is missing.
 */
import { spawnSync } from 'node:child_process';
import { parseArgs } from 'node:util';

const CONDITION = '--conditions=@lowbit/source';
if (!process.execArgv.includes(CONDITION)) {
  const child = spawnSync(process.execPath, [CONDITION, ...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit' });
  process.exit(child.status ?? 1);
}

const { values: args } = parseArgs({
  options: {
    backend: { type: 'string', default: 'reference' },
    only: { type: 'string', default: 'gemm,conv,quantize' },
    batch: { type: 'string', default: '32' },
    repetitions: { type: 'string', default: '3' },
    elements: { type: 'string', default: String(16 * 2 ** 20) },
  },
});

// Imported after the condition check so that every module resolves to sources.
const { initBackend } = await import('../src/backend.js');
const { formatRate, gemmWorkload, measure, naiveGemmWorkload } = await import('../src/reference/matmul.workloads.js');
const { CONV_PASSES, convWorkload, RESNET18_CIFAR_LAYERS } = await import('../src/reference/conv.workloads.js');
const { QUANTIZE_TARGETS, quantizeWorkload } = await import('../src/reference/quantize.workloads.js');
type Measurement = import('../src/reference/matmul.workloads.js').Measurement;
type Workload = import('../src/reference/matmul.workloads.js').Workload;

const only = new Set(args.only.split(','));
const batch = Number(args.batch);
const repetitions = Number(args.repetitions);
const elements = Number(args.elements);

function row(measurement: Measurement): void {
  const { workload, seconds, rate } = measurement;
  const work = workload.unit === 'GFLOP/s' ? `${(workload.work / 1e9).toFixed(3)} GFLOP` : `${(workload.work / 2 ** 20).toFixed(0)}M values`;
  console.log(`${workload.name.padEnd(66)} ${work.padStart(14)} ${`${(seconds * 1000).toFixed(1)} ms`.padStart(11)} ${formatRate(rate, workload.unit).padStart(18)}`);
}

function run(workload: Workload): Measurement {
  const measurement = measure(workload, repetitions, 1);
  row(measurement);
  return measurement;
}

console.log(`node ${process.version}, ${repetitions} timed repetitions after 1 warm-up, median reported`);
console.log(`${'workload'.padEnd(66)} ${'work'.padStart(14)} ${'median'.padStart(11)} ${'rate'.padStart(18)}`);
const summary: string[] = [];
for (const name of args.backend.split(',')) {
  const backend = await initBackend(name);
  if (only.has('gemm')) {
    const gemm = [256, 512, 1024].map((size) => run(gemmWorkload(backend, size, size, size)));
    if (name === 'reference') {
      const naive = run(naiveGemmWorkload(512));
      summary.push(
        `GEMM 512: ${formatRate(gemm[1].rate, 'GFLOP/s')} blocked vs ${formatRate(naive.rate, 'GFLOP/s')} naive: ` +
          `${(gemm[1].rate / naive.rate).toFixed(2)}x (same run)`,
      );
    } else {
      summary.push(`${name} GEMM 512: ${formatRate(gemm[1].rate, 'GFLOP/s')}`);
    }
  }
  if (only.has('conv')) {
    let flops = 0;
    let seconds = 0;
    for (const pass of CONV_PASSES) {
      for (const layer of RESNET18_CIFAR_LAYERS) {
        const measurement = run(convWorkload(backend, layer, pass, batch));
        flops += measurement.workload.work;
        seconds += measurement.seconds;
      }
    }
    summary.push(`${name} ResNet-18 CIFAR convolutions (batch ${batch}, all passes): ${formatRate(flops / seconds / 1e9, 'GFLOP/s')} overall`);
  }
  if (only.has('quantize')) {
    for (const target of QUANTIZE_TARGETS) run(quantizeWorkload(backend, target, elements));
  }
}
console.log(`\n${summary.join('\n')}`);
