import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { el } from './dom';
import { count, shortUtc } from './format';
import type { Bucket } from './series';

/**
 * Requests and failures per bucket as a uPlot bar chart (canvas: fast with many buckets, no
 * inline markup), with the same numbers in a table beside it for screen readers and tests.
 */
export class ActivityChart {
  private plot?: uPlot;

  constructor(
    private readonly host: HTMLElement,
    private readonly table: HTMLTableSectionElement,
  ) {}

  draw(series: readonly Bucket[], bucketMs: number): void {
    const xs = series.map((s) => s.start / 1000);
    const data: uPlot.AlignedData = [xs, series.map((s) => s.requests), series.map((s) => s.failures)];
    const width = Math.max(320, this.host.clientWidth || 960);
    if (this.plot && this.plot.data[0].length === xs.length) {
      this.plot.setData(data);
    } else {
      this.plot?.destroy();
      const bars = uPlot.paths.bars!({ size: [0.8, 64] });
      this.plot = new uPlot(
        {
          width,
          height: 200,
          legend: { show: true },
          cursor: { drag: { x: false, y: false } },
          scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(1, max)] } },
          axes: [{ values: (_u, ticks) => ticks.map((t) => shortUtc(t * 1000, bucketMs)) }, { size: 50 }],
          series: [
            { value: (_u, v) => (v === null ? '' : shortUtc(v * 1000, bucketMs)) },
            { label: 'requests', stroke: '#6b8fe0', fill: 'rgba(107,143,224,0.55)', paths: bars, points: { show: false } },
            { label: 'failures', stroke: '#d0453a', fill: 'rgba(208,69,58,0.8)', paths: bars, points: { show: false } },
          ],
        },
        data,
        this.host,
      );
    }
    this.host.dataset.buckets = String(series.length);
    this.table.replaceChildren(
      ...series
        .filter((s) => s.requests > 0 || s.failures > 0)
        .map((s) =>
          el('tr', { testid: 'chart-bar', 'data-requests': s.requests, 'data-failures': s.failures }, [
            el('td', { text: shortUtc(s.start, bucketMs) }),
            el('td', { text: count(s.requests) }),
            el('td', { text: count(s.failures) }),
          ]),
        ),
    );
  }

  clear(): void {
    this.plot?.destroy();
    this.plot = undefined;
    this.host.replaceChildren();
    this.table.replaceChildren();
  }
}
