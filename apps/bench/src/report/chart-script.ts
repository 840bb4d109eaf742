/**
 * The browser side of the report, as a string inlined into the page: reads the embedded results
 * and draws every chart with Chart.js. Plain ES2020 (no build step); charts are collected on
 * window.lowbitCharts so the rendering test can check that each has data.
 */
export const CHART_SCRIPT = String.raw`
(function () {
  'use strict';
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];
  var results = JSON.parse(document.getElementById('lowbit-results').textContent);
  var charts = [];
  window.lowbitCharts = charts;
  Chart.defaults.animation = false;
  Chart.defaults.maintainAspectRatio = false;

  function make(id, config) {
    var canvas = document.getElementById(id);
    if (!canvas) return null;
    var chart = new Chart(canvas, config);
    chart.lowbitId = id;
    charts.push(chart);
    return chart;
  }
  function axis(title, extra) { var a = { title: { display: true, text: title } }; for (var k in extra || {}) a[k] = extra[k]; return a; }

  results.forEach(function (entry, index) {
    var doc = entry.document;
    var runs = doc.runs;
    make('loss-' + index, {
      type: 'line',
      data: { datasets: runs.map(function (run, i) {
        return { label: run.name, borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length], pointRadius: 2,
          data: run.curves.steps.map(function (p) { return { x: p.epoch, y: p.trainLoss }; }) };
      }) },
      options: { parsing: false, scales: { x: axis('epoch', { type: 'linear' }), y: axis('training loss') } }
    });
    make('accuracy-' + index, {
      type: 'line',
      data: { datasets: runs.map(function (run, i) {
        return { label: run.name, borderColor: palette[i % palette.length], backgroundColor: palette[i % palette.length], pointRadius: 5,
          data: run.curves.steps.filter(function (p) { return p.testAccuracy !== null; }).map(function (p) { return { x: p.epoch, y: 100 * p.testAccuracy }; }) };
      }) },
      options: { parsing: false, scales: { x: axis('epoch', { type: 'linear', min: 0 }), y: axis('test accuracy (%)') } }
    });
    // Memory parts as @lowbit/training's memoryReport measures them (statistics.memory.totals, bytes).
    var parts = [['weights', 'weights (as stored)'], ['master', 'float32 master copies'], ['gradients', 'weight gradients'], ['optimizerState', 'optimizer state'], ['activations', 'activations for backward']];
    var haveParts = runs.every(function (run) { return run.statistics && run.statistics.memory && run.statistics.memory.totals; });
    make('memory-' + index, {
      type: 'bar',
      data: { labels: runs.map(function (run) { return run.name; }),
        datasets: haveParts
          ? parts.map(function (part, i) { return { label: part[1], backgroundColor: palette[i % palette.length], data: runs.map(function (run) { return run.statistics.memory.totals[part[0]] / 1024; }) }; })
          : [{ label: 'memory', backgroundColor: palette[0], data: runs.map(function (run) { return run.memoryBytes / 1024; }) }] },
      options: { scales: { x: { stacked: true }, y: axis('KiB', { stacked: true }) } }
    });
    make('energy-' + index, {
      type: 'bar',
      data: { labels: runs.map(function (run) { return run.name; }),
        datasets: [['gemmJoules', 'GEMMs (forward, backward data, backward weights)'], ['parameterMovementJoules', 'parameter movement'], ['optimizerStateMovementJoules', 'optimizer state movement']].map(function (part, i) {
          return { label: part[1], backgroundColor: palette[(i + 5) % palette.length], data: runs.map(function (run) { return run.statistics.energy ? run.statistics.energy.run[part[0]] : 0; }) };
        }) },
      options: { scales: { x: { stacked: true }, y: axis('joules (modelled)', { stacked: true }) } }
    });
    drawSeries(index, runs);
    var benchmarks = (doc.benchmarks || []).filter(function (b) { return b.ratio !== null; });
    if (benchmarks.length > 0) {
      make('speed-' + index, {
        type: 'bar',
        data: { labels: benchmarks.map(function (b) { return b.name + ' (' + b.system + ')'; }),
          datasets: [{ label: 'ratio against lowbit', backgroundColor: palette[3], data: benchmarks.map(function (b) { return b.ratio; }) }] },
        options: { indexAxis: 'y', scales: { x: axis('ratio (x)') } }
      });
    } else {
      make('speed-' + index, {
        type: 'bar',
        data: { labels: runs.map(function (run) { return run.name; }),
          datasets: [{ label: 'wall time (s)', backgroundColor: palette[2], data: runs.map(function (run) { return run.wallSeconds; }) }] },
        options: { scales: { y: axis('seconds') } }
      });
    }
    setupHistograms(index, runs);
  });

  // Series with the same chart title share a chart; each run's line is named "<run> <label>".
  function drawSeries(index, runs) {
    var charts = [];
    runs.forEach(function (run) { (run.series || []).forEach(function (s) { if (charts.indexOf(s.chart) < 0) charts.push(s.chart); }); });
    charts.forEach(function (title, k) {
      var lines = [], xLabel = '', yLabel = '';
      runs.forEach(function (run) {
        (run.series || []).forEach(function (s) {
          if (s.chart !== title) return;
          xLabel = s.xLabel; yLabel = s.yLabel;
          var color = palette[lines.length % palette.length];
          lines.push({ label: run.name + (s.label ? ' ' + s.label : ''), borderColor: color, backgroundColor: color, pointRadius: 0, stepped: false,
            data: s.points.map(function (p) { return { x: p[0], y: p[1] }; }) });
        });
      });
      make('series-' + index + '-' + k, { type: 'line', data: { datasets: lines },
        options: { parsing: false, scales: { x: axis(xLabel, { type: 'linear' }), y: axis(yLabel) } } });
    });
  }

  function setupHistograms(index, runs) {
    var runSelect = document.getElementById('histogram-run-' + index);
    var pointSelect = document.getElementById('histogram-point-' + index);
    if (!runSelect || !pointSelect) return;
    var withData = runs.filter(function (run) { return run.histograms && run.histograms.length > 0; });
    withData.forEach(function (run, i) { runSelect.add(new Option(run.name, String(i))); });
    var chart = null;
    function fillPoints() {
      pointSelect.innerHTML = '';
      withData[Number(runSelect.value)].histograms.forEach(function (h, i) { pointSelect.add(new Option(h.name + ' (' + h.format + ')', String(i))); });
    }
    function draw() {
      var h = withData[Number(runSelect.value)].histograms[Number(pointSelect.value)];
      var exponents = Object.keys(h.bins).map(Number);
      if (h.range) exponents.push(Math.floor(h.range.minExponent), Math.floor(h.range.maxExponent));
      var low = Math.min.apply(null, exponents), high = Math.max.apply(null, exponents);
      var labels = [], counts = [], colors = [];
      for (var e = low; e <= high; e++) {
        labels.push(String(e));
        counts.push(h.bins[String(e)] || 0);
        var inside = !h.range || (e >= Math.floor(h.range.minExponent) && e <= Math.floor(h.range.maxExponent));
        colors.push(inside ? palette[0] : palette[4]);
      }
      var title = h.name + ': ' + h.format + (h.range ? ', representable 2^' + h.range.minExponent.toFixed(1) + ' .. 2^' + h.range.maxExponent.toFixed(1) : '');
      var config = { type: 'bar', data: { labels: labels, datasets: [{ label: 'values', data: counts, backgroundColor: colors }] },
        options: { plugins: { title: { display: true, text: title }, legend: { display: false } }, scales: { x: axis('floor(log2 |value|)'), y: axis('count') } } };
      if (chart) { chart.data = config.data; chart.options = config.options; chart.update(); }
      else chart = make('histogram-' + index, config);
    }
    runSelect.addEventListener('change', function () { fillPoints(); draw(); });
    pointSelect.addEventListener('change', draw);
    fillPoints();
    draw();
  }
  document.body.setAttribute('data-charts-ready', String(charts.length));
})();
`;
