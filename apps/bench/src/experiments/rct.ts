/**
 * `rct`: Huang et al., "RCT: Resource Constrained Training for Edge AI" (papers.md section 3).
 * Per network (LeNet-5 on MNIST, cifar10-quick on CIFAR-10 or its labelled padded substitute):
 * float32; QAT (8-bit fixed-point weights rounded from a float32 master copy on every forward
 * pass); RCT (weights stored only as per-layer fixed-point integers whose width follows Gavg, no
 * master copy), with nearest and, optionally, stochastic updates. QAT and RCT share int8 inputs
 * and errors with per-tensor power-of-two scales. Reported: accuracy, RCT's per-layer bit-width
 * history, GEMM energy per GEMM kind and parameter movement (energyReport, Horowitz 45 nm),
 * parameter memory (memoryReport), savings against the measured runs and the energy model's QAT,
 * and the paper's claims next to them.
 */
import { sgd } from '@lowbit/optim';
import type { RctReport } from '@lowbit/training';
import type { RunResult } from '../results/types.js';
import { describeData, loadImageData } from '../training/data.js';
import { trainRun } from '../training/train-run.js';
import { NETWORK_LABELS, buildController, buildNetwork, rctConfig, rctSmokeConfig, rctVariants, type RctConfig, type RctNetworkConfig } from './rct/config.js';
import { bitsSeries, bitsSummary, claimRows, gemmBreakdown, measuredSavings } from './rct/summary.js';
import { rctTables, statisticsOf } from './rct/tables.js';
import { sizedConfig, type Experiment, type ExperimentContext, type ExperimentOutcome } from './types.js';

/** Trains every variant of one network and adds the comparisons between them. */
async function runNetwork(context: ExperimentContext, config: RctConfig, network: RctNetworkConfig): Promise<{ runs: RunResult[]; notes: string[] }> {
  const data = await loadImageData({ dataset: network.dataset, trainSamples: network.trainSamples, testSamples: network.testSamples, seed: context.seed, cifar10Directory: context.cifar10Directory });
  const runs: RunResult[] = [];
  // One after the other: the runs share the cores, and their wall times are compared.
  for (const variant of rctVariants(config, network, context.seed)) {
    const model = buildNetwork(network.network, context.seed, variant.plan);
    const optimizer = sgd({ learningRate: network.learningRate, momentum: network.momentum });
    const { run, fit, energy } = await trainRun({
      name: variant.name,
      description: variant.description,
      formats: variant.formats,
      model,
      optimizer,
      data,
      epochs: config.epochs,
      batchSize: network.batchSize,
      seed: context.seed,
      progress: context.progress,
      precision: buildController(variant),
    });
    const report = fit.precision as RctReport | undefined;
    Object.assign(run.statistics, {
      network: network.network,
      variant: variant.variant,
      dataset: data.label,
      // The per-GEMM split (forward, backward-data, backward-weight) comes from the energy report's layer rows.
      gemm: gemmBreakdown(energy),
      ...(report === undefined ? {} : { bits: bitsSummary(report) }),
    });
    if (report !== undefined) run.series = bitsSeries(report, fit.steps);
    runs.push(run);
  }
  const float32 = runs.find((run) => statisticsOf(run).variant === 'float32')!;
  const qat = runs.find((run) => statisticsOf(run).variant === 'qat')!;
  for (const run of runs) {
    const statistics = statisticsOf(run);
    if (statistics.variant === 'float32') continue;
    const savings = measuredSavings(statistics, statisticsOf(float32), statisticsOf(qat));
    statistics.measuredSavings = savings;
    if (statistics.bits !== undefined) statistics.claims = claimRows(statistics, savings);
  }
  const notes = [`${NETWORK_LABELS[network.network]} on ${describeData(data)}, ${config.epochs} epoch(s), batch ${network.batchSize}, SGD lr ${network.learningRate} momentum ${network.momentum}`];
  if (data.substitute !== undefined) notes.push(`${NETWORK_LABELS[network.network]}: ${data.substitute}`);
  return { runs, notes };
}

export async function runRct(context: ExperimentContext, given?: RctConfig): Promise<ExperimentOutcome> {
  const config = sizedConfig(context, given ?? (context.quick ? rctSmokeConfig : rctConfig));
  const runs: RunResult[] = [];
  const notes: string[] = [];
  for (const network of config.networks) {
    const outcome = await runNetwork(context, config, network);
    runs.push(...outcome.runs);
    notes.push(...outcome.notes);
  }
  const { interval, lowerThreshold, upperThreshold, minBits, maxBits, initialBits, headroomBits } = config.rct;
  notes.push(
    `RCT controller: K = ${interval} steps per Gavg window (cool-down K), T_min ${lowerThreshold}, T_max ${upperThreshold}, bits in [${minBits}, ${maxBits}] from ${initialBits}, range fixed at the start with ${headroomBits} bits of headroom; Gavg = mean |lr g| / s; biases stay float32.`,
    'Energy: @lowbit/training energyReport (Horowitz ISSCC 2014, 45 nm; MACs of the forward, backward-data and backward-weight GEMMs priced by operand widths; RCT at its time-averaged mean bits). "QAT model" is the energy model\'s QAT reference for the same run (forward GEMM at the run\'s widths, both backward GEMMs in float32, float32 master + b-bit copy): the QAT of the paper. "QAT run" is the QAT run trained here, whose errors are int8 like RCT\'s, so its backward GEMMs are priced as int8.',
    'Parameter memory: memoryReport of the trained model (weights + master copies; RCT at its final bits, biases float32). The paper\'s figures are literature values (papers.md section 3), not measured here.',
  );
  if (context.quick) notes.push('--quick smoke size: accuracies and bit widths are not meaningful.');
  else {
    const sizes = config.networks.map((network) => `${NETWORK_LABELS[network.network]} ${network.trainSamples} training images`).join(', ');
    notes.push(`Reduced-size run (${sizes}, ${config.epochs} epoch(s)) to fit about an hour on 2 shared cores. Longer: --epochs N (and --cifar10 DIR for real CIFAR-10); all 50,000 CIFAR-10 images: trainSamples 50000 in rctConfig.`);
  }
  return { config: { ...config }, runs, notes, table: rctTables(runs) };
}

export const rctExperiment: Experiment = {
  name: 'rct',
  description: 'RCT: dynamic per-layer bitwidth vs QAT vs float32: accuracy, bitwidths, GEMM energy, parameter memory',
  run: (context) => runRct(context),
};
