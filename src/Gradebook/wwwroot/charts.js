// Gradebook's charts, drawn by uPlot (lib/uplot, vendored with its licence: a deployment may have no internet): axes
// with units, the values under the cursor in the legend, and, which uPlot leaves to its user, the same values from the
// keyboard (arrow keys on a focused chart), colours from the stylesheet (so the dark theme applies) and resizing.
"use strict";

window.GradebookCharts = (() => {
  const charts = [];
  const font = "13px system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
  const style = () => {
    const css = getComputedStyle(document.documentElement);
    const color = (name) => css.getPropertyValue(name).trim();
    return { ink: color("--ink"), muted: color("--muted"), line: color("--line"), first: color("--chart-1"), second: color("--chart-2") };
  };

  const axis = (colors, options) => ({
    stroke: colors.muted,
    font,
    labelFont: "600 " + font,
    grid: { stroke: colors.line, width: 1 },
    ticks: { stroke: colors.line, width: 1 },
    ...options,
  });

  // Whole numbers only on an axis of exam numbers: exam 10393.5 does not exist.
  const wholeSteps = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000];

  const kinds = {
    // Scores in percent over exam numbers: one series or two (the student's against the exam's average).
    examScores: (colors, spec) => ({
      scales: { x: { time: false }, y: { range: [0, 100] } },
      axes: [
        axis(colors, { label: "Exam number", incrs: wholeSteps, values: (u, values) => values.map((v) => String(v)) }),
        axis(colors, { label: "Score (%)", size: 56, values: (u, values) => values.map((v) => v + "%") }),
      ],
      series: [
        { label: "Exam", value: (u, v) => (v == null ? "–" : String(v)) },
        ...spec.series.map((s, i) => ({
          label: s,
          stroke: i === 0 ? colors.first : colors.second,
          width: 2,
          dash: i === 0 ? undefined : [6, 4],
          points: { show: true, size: 7, fill: i === 0 ? colors.first : colors.second },
          value: (u, v) => (v == null ? "–" : v.toFixed(1) + "%"),
        })),
      ],
    }),
    // A feed's rate (left axis) and lag (right axis) over time.
    feedTrend: (colors) => ({
      scales: { x: { time: true }, rate: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] }, lag: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
      axes: [
        axis(colors, { label: "Time" }),
        axis(colors, { label: "Events stored/s", scale: "rate", size: 60, values: (u, values) => values.map((v) => v + "/s") }),
        axis(colors, { label: "Lag (s)", scale: "lag", side: 1, size: 56, grid: { show: false }, values: (u, values) => values.map((v) => v + " s") }),
      ],
      series: [
        { label: "Time", value: (u, v) => (v == null ? "–" : new Date(v * 1000).toLocaleTimeString()) },
        { label: "Events stored per second", scale: "rate", stroke: colors.first, width: 2, value: (u, v) => (v == null ? "–" : v.toFixed(1) + "/s") },
        { label: "Lag", scale: "lag", stroke: colors.second, width: 2, dash: [6, 4], value: (u, v) => (v == null ? "–" : v.toFixed(1) + " s") },
      ],
    }),
  };

  const heightOf = () => (window.innerWidth < 600 ? 200 : 240);

  function build(chart) {
    chart.plot?.destroy();
    const options = kinds[chart.kind](style(), chart.spec);
    chart.plot = new uPlot({ ...options, width: Math.max(200, chart.element.clientWidth), height: heightOf(), legend: { live: true } },
      chart.data, chart.element);
  }

  // Arrow keys walk the points, Home and End jump to the ends: the legend then shows that point's values.
  function onKey(chart, event) {
    const plot = chart.plot;
    const xs = plot.data[0];
    if (xs.length === 0) {
      return;
    }

    const current = plot.cursor.idx ?? -1;
    const next = event.key === "ArrowRight" ? Math.min(xs.length - 1, current + 1)
      : event.key === "ArrowLeft" ? Math.max(0, current < 0 ? xs.length - 1 : current - 1)
      : event.key === "Home" ? 0
      : event.key === "End" ? xs.length - 1
      : null;
    if (next === null) {
      return;
    }

    event.preventDefault();
    const series = plot.series[1];
    const y = plot.data[1][next] ?? 0;
    plot.setCursor({ left: plot.valToPos(xs[next], "x"), top: plot.valToPos(y, series.scale ?? "y") });
  }

  /** Draws a chart of <kind> in <element> from uPlot's columns: [xs, ys, ys...]. */
  function mount(element, kind, data, spec = {}) {
    const chart = { element, kind, data, spec, plot: null };
    build(chart);
    element.dataset.points = data[0].length;
    charts.push(chart);
    element.addEventListener("keydown", (event) => onKey(chart, event));
    element.addEventListener("focus", () => onKey(chart, new KeyboardEvent("keydown", { key: "End" })));
    new ResizeObserver(() => chart.plot.setSize({ width: Math.max(200, element.clientWidth), height: heightOf() })).observe(element);
    return {
      update(columns) {
        chart.data = columns;
        chart.plot.setData(columns);
        element.dataset.points = columns[0].length;
      },
    };
  }

  // The colours come from the stylesheet: a change of the system's theme redraws every chart in the new ones.
  window.matchMedia("(prefers-color-scheme: dark)").addEventListener("change", () => charts.forEach(build));

  return { mount };
})();
