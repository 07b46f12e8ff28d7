/**
 * The report's stylesheet, inlined into the page (no external files, no web fonts). Colours
 * match svg/palette.ts.
 */
import { HIGHLIGHT_LEVELS } from './highlight.js';

/** Token highlight backgrounds: alpha grows with the level; text stays dark for contrast. */
function highlightRules(): string {
  let css = '';
  for (let level = 1; level <= HIGHLIGHT_LEVELS; level++) {
    const alpha = (0.12 + (0.58 * (level - 1)) / (HIGHLIGHT_LEVELS - 1)).toFixed(2);
    css += `mark.tp${level}{background:rgba(0,158,115,${alpha})}mark.tn${level}{background:rgba(213,94,0,${alpha})}\n`;
  }
  return css;
}

export const REPORT_CSS = `
:root{--ink:#1f2328;--muted:#59636e;--line:#d8dee4;--soft:#f6f8fa;--accent:#0072B2;--good:#007a5a;--bad:#b54800;
--font:system-ui,-apple-system,'Segoe UI',Roboto,'Noto Sans','Helvetica Neue',Arial,sans-serif;
--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,'Liberation Mono',monospace}
*{box-sizing:border-box}
html{scroll-behavior:smooth}
body{margin:0;font:15px/1.5 var(--font);color:var(--ink);background:var(--soft);-webkit-text-size-adjust:100%}
a{color:var(--accent)}
.layout{display:grid;grid-template-columns:minmax(0,1fr);max-width:1240px;margin:0 auto;padding:24px 20px 48px;gap:28px}
@media (min-width:1180px){.layout{grid-template-columns:200px minmax(0,1fr)}.toc{position:sticky;top:20px;align-self:start;max-height:calc(100vh - 40px);overflow:auto}}
.toc{background:#fff;border:1px solid var(--line);border-radius:8px;padding:14px 16px;font-size:14px}
.toc h2{font-size:12px;text-transform:uppercase;letter-spacing:.06em;color:var(--muted);margin:0 0 8px;border:0;padding:0}
.toc ol{margin:0;padding-left:20px}.toc li{margin:3px 0}.toc a{text-decoration:none;color:var(--ink)}.toc a:hover{color:var(--accent);text-decoration:underline}
header.report-header{background:#fff;border:1px solid var(--line);border-radius:8px;padding:22px 24px;margin-bottom:22px}
header.report-header h1{font-size:26px;line-height:1.25;margin:0 0 4px;font-weight:650}
.kicker{font-size:12px;text-transform:uppercase;letter-spacing:.08em;color:var(--muted);margin:0 0 6px}
.meta{display:grid;grid-template-columns:repeat(auto-fill,minmax(190px,1fr));gap:10px 24px;margin:16px 0 0}
.meta div{min-width:0}.meta dt{font-size:12px;color:var(--muted)}.meta dd{margin:0;font-weight:500;overflow-wrap:anywhere}
.note{color:var(--muted);margin:12px 0 0}
section.report-section{background:#fff;border:1px solid var(--line);border-radius:8px;padding:20px 24px 24px;margin-bottom:22px}
section.report-section>h2{font-size:20px;margin:0 0 4px;font-weight:650}
.lead{color:var(--muted);margin:0 0 16px;max-width:80ch}
h3{font-size:16px;margin:22px 0 8px}
.cards{display:grid;grid-template-columns:repeat(auto-fill,minmax(150px,1fr));gap:12px;margin:0 0 20px}
.card{border:1px solid var(--line);border-radius:6px;padding:10px 12px;background:var(--soft)}
.card .k{font-size:12px;color:var(--muted);overflow-wrap:anywhere}.card .v{font-size:22px;font-weight:600;font-variant-numeric:tabular-nums}
.table-wrap{overflow-x:auto;margin:0 0 8px}
table{border-collapse:collapse;font-size:14px;min-width:50%}
th,td{padding:6px 12px;border-bottom:1px solid var(--line);text-align:left;vertical-align:top}
th{font-size:12px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted);font-weight:600;background:var(--soft)}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
tbody tr:hover{background:#fafbfc}
.bar{position:relative;display:inline-block;width:70px;height:8px;background:#eef1f4;border-radius:4px;margin-left:8px;vertical-align:middle}
.bar i{position:absolute;left:0;top:0;bottom:0;border-radius:4px;background:var(--accent)}
.delta{font-size:12px;margin-left:6px}.delta.better{color:var(--good)}.delta.worse{color:var(--bad)}.best{font-weight:700}
figure.chart{margin:0 0 24px;position:relative;max-width:var(--natural-width,100%)}
figure.chart svg{display:block;width:100%;height:auto;border:1px solid var(--line);border-radius:6px}
figure.chart figcaption{color:var(--muted);font-size:13px;margin-top:6px;max-width:80ch}
.chart-tools{position:absolute;top:8px;right:8px;display:flex;gap:6px}
button.png{font:600 11px/1 var(--font);letter-spacing:.04em;color:var(--muted);background:#fff;border:1px solid var(--line);border-radius:4px;padding:5px 8px;cursor:pointer}
button.png:hover{color:var(--accent);border-color:var(--accent)}button.png:focus-visible{outline:2px solid var(--accent);outline-offset:1px}
button.png[data-state=done]{color:var(--good)}button.png[data-state=failed]{color:var(--bad)}
.chip{display:inline-block;border-radius:10px;padding:0 8px;margin:1px 2px 1px 0;font-size:12.5px;background:#eef1f4;border:1px solid var(--line);white-space:nowrap}
.chip.true{background:#e6f2f9;border-color:#b7d7ea}.chip.pred{background:#fbeee6;border-color:#efc7ae}
.mistake{border:1px solid var(--line);border-radius:6px;padding:12px 14px;margin:0 0 12px}
.mistake .head{display:flex;flex-wrap:wrap;gap:6px 18px;font-size:13px;color:var(--muted);margin-bottom:8px;align-items:baseline}
.mistake .text,.issue-text{white-space:pre-wrap;overflow-wrap:anywhere;line-height:1.65}
.mistake .text{max-height:16em;overflow:auto}
mark{color:inherit;border-radius:3px;padding:0 1px}
${highlightRules()}.key{display:flex;flex-wrap:wrap;gap:12px;font-size:13px;color:var(--muted);margin:0 0 12px}
.key mark{padding:0 6px}
.cut,.more{color:var(--muted);font-size:13px}
footer{max-width:1240px;margin:0 auto;padding:0 20px 32px;color:var(--muted);font-size:13px}
@media print{body{background:#fff}.toc,.chart-tools{display:none}.layout{display:block;padding:0}section.report-section,header.report-header{border:0;break-inside:avoid-page}}
`;
