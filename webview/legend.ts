// The heat map's legend: the metric, its colour bar on a log scale between the smallest and the
// largest known value, and the swatch of unknown values (never drawn as the scale's low end).
import type { ColorMetric } from '../src/protocol/webview';
import { clear, h } from './dom';
import { siu } from './format';
import { colourAt, METRIC_LABELS, type Heat } from './heat';
import { sensitivityText } from './sensitivity';

const WHY_EMPTY: Partial<Record<ColorMetric, string>> = {
  latency: ' (profile the model first)',
  share: ' (profile the model first)',
  predicted: ' (pick a target device in the status bar)',
  sensitivity: ' (run “Measure Quantization Sensitivity…” from the model’s context menu)',
};

/** A value of `metric` with its unit, as the legend shows its ends. */
export function legendValue(metric: ColorMetric, v: number): string {
  switch (metric) {
    case 'macs':
      return siu(v, 'MACs');
    case 'flops':
      return siu(v, 'FLOPs');
    case 'share':
      return `${(100 * v).toFixed(2)} %`;
    case 'latency':
    case 'predicted':
      return `${v.toFixed(1)} µs`;
    case 'intensity':
      return `${v.toFixed(2)} FLOP/B`;
    case 'sensitivity':
      return sensitivityText(v);
    default:
      return siu(v, metric === 'bytes' ? 'B' : '');
  }
}

export function drawLegend(legend: HTMLElement, heat: Heat | null, metric: ColorMetric): void {
  clear(legend);
  if (!heat || heat.max <= 0) {
    legend.hidden = metric === 'none';
    if (metric !== 'none') legend.append(h('span', {}, `${METRIC_LABELS[metric]}: no values${WHY_EMPTY[metric] ?? ''}`));
    return;
  }
  legend.hidden = false;
  const bar = h('canvas', { class: 'legend-bar', width: 160, height: 10 }) as HTMLCanvasElement;
  const c = bar.getContext('2d');
  for (let x = 0; c && x < 160; x++) {
    c.fillStyle = colourAt(x / 159);
    c.fillRect(x, 0, 1, 10);
  }
  legend.append(
    h('span', { class: 'legend-title' }, METRIC_LABELS[metric], ' (log scale)'),
    h('span', { class: 'legend-min' }, legendValue(metric, heat.min)),
    bar,
    h('span', { class: 'legend-max' }, legendValue(metric, heat.max)),
    h('span', { class: 'legend-unknown' }, h('span', { class: 'swatch-unknown' }), ' unknown'),
  );
}
