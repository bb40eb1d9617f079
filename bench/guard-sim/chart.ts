/**
 * The guard simulator's chart: false rollbacks and detection against traffic, one line per guard,
 * drawn with Vega-Lite and rendered to SVG by Vega without a browser.
 */

/** One point of the chart. */
export interface ChartPoint {
  readonly guard: string;
  readonly panel: string;
  readonly requestsPerSecond: number;
  /** Probability, 0 to 1. */
  readonly probability: number;
}

/**
 * vega and vega-lite are ES modules with top-level await, which Node cannot `require()`; a real
 * dynamic `import()` (kept as it is under `module: node16`) loads them.
 */
export async function renderChart(points: ChartPoint[], title: string, panels: string[]): Promise<string> {
  const vl = await import('vega-lite');
  const vega = await import('vega');
  const spec = vl.compile({
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values: points as any[] },
    facet: { column: { field: 'panel', type: 'nominal', title: null, sort: panels, header: { labelFontSize: 12, labelLimit: 400 } } },
    spec: {
      width: 320,
      height: 220,
      layer: [{
        mark: { type: 'line', point: true },
        encoding: {
          x: { field: 'requestsPerSecond', type: 'quantitative', scale: { type: 'log' }, title: 'requests/s (all traffic)', axis: { values: [0.1, 1, 10, 100, 1000] } },
          y: { field: 'probability', type: 'quantitative', title: 'probability', axis: { format: '%' }, scale: { domain: [0, 1] } },
          color: { field: 'guard', type: 'nominal', title: 'guard', legend: { orient: 'bottom', columns: 2, labelLimit: 400 } },
        },
      }],
    },
    config: { font: 'sans-serif' },
  } as any).spec;
  const view = new vega.View(vega.parse(spec), { renderer: 'none' });
  return view.toSVG();
}
