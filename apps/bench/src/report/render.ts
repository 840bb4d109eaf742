/**
 * The HTML report: server-side tables (readable without JavaScript) and Chart.js charts drawn by
 * an inline script from the embedded results. Chart.js's UMD bundle is inlined from node_modules,
 * so the page loads nothing from the network and can be mailed or archived as one file.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { ResultsDocument, RunResult } from '../results/types.js';
import { formatBytes, formatPercent } from '../table.js';
import type { LoadedResults } from './load-results.js';
import { CHART_SCRIPT } from './chart-script.js';

let chartBundle: string | undefined;

/** Chart.js's browser bundle (dist/chart.umd.min.js, next to its main file). */
export function chartLibrarySource(): string {
  if (chartBundle === undefined) {
    const require = createRequire(import.meta.url);
    chartBundle = readFileSync(join(dirname(require.resolve('chart.js')), 'chart.umd.min.js'), 'utf8');
  }
  return chartBundle;
}

export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** JSON that is safe inside <script>: no "</script>" or "<!--" can appear. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/**
 * The run each run is compared with: the first run of its group, where a group is the part of the
 * name before the last '/' ("lenet5/e4m3" is compared with "lenet5/float32", listed first by every
 * experiment), or the file's first run when names have no group.
 */
export function baselineOf(runs: readonly RunResult[], run: RunResult): RunResult | undefined {
  const group = (name: string) => (name.includes('/') ? name.slice(0, name.lastIndexOf('/')) : '');
  const first = runs.find((candidate) => group(candidate.name) === group(run.name));
  return first === run ? undefined : first;
}

function runsTable(document: ResultsDocument): string {
  const rows = document.runs.map((run) => {
    const formats = Object.entries(run.formats).map(([role, format]) => `${escapeHtml(role)}: <code>${escapeHtml(format)}</code>`).join('<br>');
    const baseline = baselineOf(document.runs, run);
    const delta = baseline === undefined ? '' : `${(100 * (run.testAccuracy - baseline.testAccuracy)).toFixed(2)} pp vs ${escapeHtml(baseline.name)}`;
    return `<tr><td>${escapeHtml(run.name)}</td><td class="formats">${formats}</td><td class="number">${formatPercent(run.testAccuracy)}</td><td class="number">${delta}</td><td class="number">${run.epochs}</td><td class="number">${formatBytes(run.memoryBytes)}</td><td class="number">${run.wallSeconds.toFixed(1)} s</td><td class="number">${run.seed}</td></tr>`;
  });
  return `<table><thead><tr><th>run</th><th>formats</th><th>test accuracy</th><th>vs baseline</th><th>epochs</th><th>memory</th><th>wall time</th><th>seed</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function benchmarksTable(document: ResultsDocument): string {
  if (document.benchmarks === undefined || document.benchmarks.length === 0) return '';
  const rows = document.benchmarks.map((b) => `<tr><td>${escapeHtml(b.name)}</td><td>${escapeHtml(b.system)}</td><td class="number">${b.value.toPrecision(4)}</td><td>${escapeHtml(b.unit)}</td><td class="number">${b.ratio === null ? '' : b.ratio.toFixed(2) + 'x'}</td></tr>`);
  return `<h3>Benchmarks</h3><table><thead><tr><th>benchmark</th><th>system</th><th>value</th><th>unit</th><th>ratio</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

function environmentLine(document: ResultsDocument): string {
  const { environment: e } = document;
  return `${escapeHtml(e.machine.cpuModel)}, ${e.machine.cores} cores, ${formatBytes(e.machine.memoryBytes)}; backend ${escapeHtml(e.backend)} with ${e.threads} thread(s); Node ${escapeHtml(e.node)}; commit <code>${escapeHtml(e.commit?.slice(0, 12) ?? 'unknown')}</code>; started ${escapeHtml(e.startedAt)}; ${document.wallSeconds.toFixed(1)} s in all`;
}

const isRecord = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object';

/** The distinct chart titles of the runs' series, in first-seen order (the chart script walks them the same way). */
export function seriesCharts(document: ResultsDocument): string[] {
  const charts: string[] = [];
  for (const run of document.runs) for (const series of run.series ?? []) if (!charts.includes(series.chart)) charts.push(series.chart);
  return charts;
}

function section(result: LoadedResults, index: number): string {
  const { document } = result;
  const notes = (document.notes ?? []).map((note) => `<p class="note">${escapeHtml(note)}</p>`).join('');
  const hasHistograms = document.runs.some((run) => (run.histograms ?? []).length > 0);
  const hasRuns = document.runs.length > 0;
  const hasEnergy = hasRuns && document.runs.every((run) => isRecord(run.statistics.energy));
  // A document without training runs (micro) gets only its speed chart: no empty axes.
  const charts = [
    !hasRuns ? '' : `<figure><canvas id="loss-${index}"></canvas><figcaption>Training loss per run (mean over slices of an epoch)</figcaption></figure>`,
    !hasRuns ? '' : `<figure><canvas id="accuracy-${index}"></canvas><figcaption>Test accuracy per epoch, by format</figcaption></figure>`,
    !hasRuns ? '' : `<figure><canvas id="memory-${index}"></canvas><figcaption>Training memory by part (modelled)</figcaption></figure>`,
    !hasEnergy ? '' : `<figure><canvas id="energy-${index}"></canvas><figcaption>Modelled energy of the run (Horowitz 45 nm table): GEMMs and parameter movement</figcaption></figure>`,
    `<figure><canvas id="speed-${index}"></canvas><figcaption>${document.benchmarks?.length ? 'Speed ratios against this project' : 'Wall time per run'}</figcaption></figure>`,
    ...seriesCharts(document).map((chart, k) => `<figure><canvas id="series-${index}-${k}"></canvas><figcaption>${escapeHtml(chart)}</figcaption></figure>`),
  ];
  const histograms = hasHistograms
    ? `<h3>Value histograms against representable ranges</h3><p>Pick a run and a quantization point: bars count values by floor(log2 |v|); orange bars lie outside the format's range (they overflow or flush to zero).</p><div class="controls"><select id="histogram-run-${index}"></select> <select id="histogram-point-${index}"></select></div><figure class="wide"><canvas id="histogram-${index}"></canvas></figure>`
    : '';
  return `<section><h2>${escapeHtml(document.experiment)} <small>${escapeHtml(result.file)}</small></h2><p class="environment">${environmentLine(document)}</p>${notes}${hasRuns ? runsTable(document) : ''}${benchmarksTable(document)}<div class="charts">${charts.join('')}</div>${histograms}<details><summary>config</summary><pre>${escapeHtml(JSON.stringify(document.config, null, 2))}</pre></details></section>`;
}

const STYLE = `
body { font: 15px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1200px; padding: 1.5rem; color: #1d2330; background: #fafbfc; }
h1 { margin-top: 0; } h2 small { font-weight: normal; color: #667; font-size: 0.6em; }
section { background: #fff; border: 1px solid #dde1e8; border-radius: 8px; padding: 1rem 1.5rem; margin-bottom: 1.5rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; width: 100%; }
th, td { border-bottom: 1px solid #e3e6ec; padding: 0.35rem 0.6rem; text-align: left; vertical-align: top; }
th { background: #f1f3f7; } td.number { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.formats { font-size: 0.85em; } code { font-size: 0.9em; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(460px, 1fr)); gap: 1rem; }
figure { margin: 0; } figure canvas { width: 100%; height: 300px; } figure.wide canvas { height: 320px; }
figcaption { color: #556; font-size: 0.85em; text-align: center; }
.note { background: #fff7e0; border-left: 4px solid #f0b400; padding: 0.3rem 0.6rem; }
.environment { color: #556; font-size: 0.9em; } .controls select { font: inherit; margin-right: 0.5rem; }
`;

export function renderReport(options: { results: readonly LoadedResults[]; title?: string }): string {
  const title = options.title ?? 'lowbit bench report';
  const data = options.results.map(({ file, document }) => ({ file, document }));
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><h1>${escapeHtml(title)}</h1>
<p>${options.results.length} results file(s). Accuracies are test-set fractions; memory is the training memory measured from the stored bits (weights, master copies, gradients, optimizer state, activations kept for backward).</p>
${options.results.map(section).join('\n')}
<script type="application/json" id="lowbit-results">${scriptJson(data)}</script>
<script>${chartLibrarySource()}</script>
<script>${CHART_SCRIPT}</script>
</body></html>
`;
}
