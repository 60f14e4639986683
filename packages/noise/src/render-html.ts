import { describeCombination, percent, rate, utc } from "./describe-combination.js";
import type { NoiseReport, RuleNoise } from "./noise-analyzer.js";
import { plural } from "./plural.js";
import type { RenderOptions } from "./render-text.js";

/** Colours of the chart's series, in rank order. */
export const SERIES_COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#ff7f0e", "#9467bd"] as const;

const W = 800;
const H = 260;
const PAD = { left: 48, right: 12, top: 12, bottom: 28 };

const esc = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

/** Alerts over time of each of the rules, one line each, as inline SVG. */
export function renderChart(report: NoiseReport, rules: readonly RuleNoise[]): string {
  if (!report.firstSeen || !report.lastSeen || rules.length === 0) return "<p>No alerts.</p>";
  const first = report.firstSeen.getTime() / 1000;
  const last = report.lastSeen.getTime() / 1000;
  let width = Math.max(1, ...rules.map((r) => r.histogram.widthSeconds));
  while ((last - first) / width > 60) width *= 2;
  const start = Math.floor(first / width);
  const length = Math.floor(last / width) - start + 1;
  const series = rules.map((r) => r.histogram.series(width, start, length));
  const max = Math.max(1, ...series.flat());
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const x = (i: number) => PAD.left + (length === 1 ? i * plotW : (i * plotW) / (length - 1));
  const y = (n: number) => PAD.top + plotH - (n * plotH) / max;
  const lines = series.map((values, k) => {
    const points = (length === 1 ? [values[0]!, values[0]!] : values)
      .map((n, i) => `${x(i).toFixed(1)},${y(n).toFixed(1)}`)
      .join(" ");
    const color = SERIES_COLORS[k % SERIES_COLORS.length];
    return `<polyline class="series" data-rule="${esc(rules[k]!.rule)}" fill="none" stroke="${color}" stroke-width="2.5" points="${points}"><title>${esc(rules[k]!.rule)}</title></polyline>`;
  });
  const bucket =
    width >= 3600 ? `${width / 3600} h` : width >= 60 ? `${width / 60} min` : `${width} s`;
  return [
    `<svg id="alerts-over-time" role="img" aria-label="Alerts over time per rule" viewBox="0 0 ${W} ${H}" width="100%" style="max-width:${W}px">`,
    `<rect x="${PAD.left}" y="${PAD.top}" width="${plotW}" height="${plotH}" fill="#fafafa" stroke="#ccc"/>`,
    `<text x="${PAD.left - 6}" y="${PAD.top + 10}" text-anchor="end" font-size="11">${max}</text>`,
    `<text x="${PAD.left - 6}" y="${PAD.top + plotH}" text-anchor="end" font-size="11">0</text>`,
    `<text x="${PAD.left}" y="${H - 8}" font-size="11">${esc(utc(report.firstSeen))}</text>`,
    `<text x="${W - PAD.right}" y="${H - 8}" text-anchor="end" font-size="11">${esc(utc(report.lastSeen))} UTC (alerts per ${bucket})</text>`,
    ...lines,
    "</svg>",
  ].join("\n");
}

/**
 * A self-contained HTML report (inline CSS and SVG, no script, nothing fetched):
 * the chart of alerts over time of the top rules, the rule table, their combinations.
 */
export function renderNoiseHtml(
  report: NoiseReport,
  skipped = 0,
  options: RenderOptions = {},
): string {
  const rules = report.rules.slice(0, options.top ?? 10);
  const charted = rules.slice(0, SERIES_COLORS.length);
  const legend = charted
    .map(
      (r, k) =>
        `<li><span class="swatch" style="background:${SERIES_COLORS[k]}"></span>${esc(r.rule)} (${r.count})</li>`,
    )
    .join("");
  const rows = rules
    .map((r) => {
      const combos = r.combinations
        .map(
          (c) =>
            `<li><b>${c.count}</b> (${percent(c.count, r.count)}) <code>${esc(describeCombination(c))}</code></li>`,
        )
        .join("");
      return `<tr><td>${esc(r.rule)}</td><td>${r.priority}</td><td class="n">${r.count}</td><td class="n">${percent(r.count, report.total)}</td><td class="n">${rate(r.perHour)}</td><td><ul>${combos}</ul></td></tr>`;
    })
    .join("\n");
  const skip = skipped > 0 ? `, ${plural(skipped, "non-alert line")} skipped` : "";
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Falco noise report</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>
body{font-family:system-ui,sans-serif;margin:24px;color:#222}
table{border-collapse:collapse;margin-top:16px}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;vertical-align:top}
td.n{text-align:right}ul{margin:0;padding-left:16px}code{font-size:12px}
.legend{list-style:none;padding:0}.legend li{display:inline-block;margin-right:16px}
.swatch{display:inline-block;width:12px;height:12px;margin-right:4px;vertical-align:middle}
</style></head><body>
<h1>Falco noise report</h1>
<p>${plural(report.total, "alert")} from ${plural(report.rules.length, "rule")}, ${esc(utc(report.firstSeen))} to ${esc(utc(report.lastSeen))} UTC${skip}.</p>
<h2>Alerts over time</h2>
${renderChart(report, charted)}
<ul class="legend">${legend}</ul>
<h2>Rules</h2>
<table><thead><tr><th>Rule</th><th>Priority</th><th>Alerts</th><th>Share</th><th>Per hour</th><th>Combinations that explain them</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</body></html>
`;
}
