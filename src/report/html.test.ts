import { test } from 'node:test';
import assert from 'node:assert/strict';

import { expectedChartKinds, renderHtmlReport } from './html.js';
import { PNG_EXPORT_SCRIPT } from './png.js';
import { CHART_KINDS, type ReportData } from './report-data.js';
import { HOSTILE_STRINGS, syntheticBinaryReport, syntheticMultilabelReport } from './synthetic-report.js';
import { markupProblems } from './markup-check.js';

const EVIL = '<script>alert(1)</script>';

function minimal(): ReportData {
  return {
    header: { modelName: EVIL, modelType: 'logistic_regression', task: 'binary', labels: ['neg', EVIL], dataFile: 'a&b.csv', n: 0, createdAt: '2025-01-01T00:00:00Z', textclassVersion: '0.1.0' },
    metrics: { headline: { accuracy: 0 }, perClass: { neg: { precision: 0, recall: 0, f1: 0, support: 0 }, [EVIL]: { precision: 0, recall: 0, f1: 0, support: 0 } } },
  };
}

function chartKindsIn(html: string): string[] {
  return [...html.matchAll(/<svg [^>]*data-chart="([^"]+)"/g)].map((m) => m[1]);
}

test('a report with only the required parts renders: header, summary and the per-class F1 chart', () => {
  const html = renderHtmlReport(minimal());
  assert.deepEqual(chartKindsIn(html), ['per-class-f1']);
  assert.deepEqual(expectedChartKinds(minimal()), ['per-class-f1']);
  assert.ok(html.includes('<h1 dir="auto">&lt;script&gt;alert(1)&lt;/script&gt;</h1>'));
  assert.ok(html.includes('a&amp;b.csv'));
  assert.ok(!html.includes(EVIL));
  assert.deepEqual(markupProblems(html), []);
  assert.ok(!/NaN|undefined/.test(html.replace(/<script>[\s\S]*<\/script>/, '')));
});

test('the synthetic IMDB-like and GoEmotions-like reports draw every chart kind they have data for', () => {
  const binary = syntheticBinaryReport();
  const multi = syntheticMultilabelReport(2, 3000, { hostileLabel: true });
  assert.deepEqual(chartKindsIn(renderHtmlReport(binary)), expectedChartKinds(binary));
  assert.deepEqual(chartKindsIn(renderHtmlReport(multi)), expectedChartKinds(multi));
  assert.deepEqual([...expectedChartKinds(multi)].sort(), [...CHART_KINDS].sort(), 'the multilabel fixture covers every kind');
  assert.ok(!expectedChartKinds(binary).includes('labels-per-text'));
});

test('the page is self-contained: no URLs but the SVG namespace, a CSP that blocks fetches, no hostile text unescaped', () => {
  const data = syntheticMultilabelReport(3, 2000, { hostileLabel: true });
  const html = renderHtmlReport(data);
  const urls = [...html.matchAll(/\b(?:https?:)?\/\/[^\s"'<>)]+/g)].map((m) => m[0]);
  assert.deepEqual([...new Set(urls)], ['http://www.w3.org/2000/svg']);
  assert.ok(!/\b(?:src|href)="(?!#|data:)/.test(html), 'no external src/href');
  assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none';/);
  for (const evil of HOSTILE_STRINGS.slice(0, 2)) assert.ok(!html.includes(evil), evil);
  assert.equal((html.match(/<script>/g) ?? []).length, 1, 'only the PNG export script');
  assert.deepEqual(markupProblems(html), []);
});

test('table of contents, sections, chart ids and PNG buttons all line up', () => {
  const html = renderHtmlReport(syntheticMultilabelReport(4, 1500));
  const tocTargets = [...html.matchAll(/<li><a href="#([^"]+)">/g)].map((m) => m[1]);
  const sectionIds = [...html.matchAll(/<section class="report-section" id="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(tocTargets, sectionIds);
  assert.deepEqual(sectionIds, ['summary', 'decisions', 'data', 'errors', 'curves', 'training', 'features', 'mistakes', 'label-issues']);
  const ids = [...html.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
  assert.equal(new Set(ids).size, ids.length, 'element ids are unique');
  const svgIds = [...html.matchAll(/<svg [^>]*\bid="([^"]+)"/g)].map((m) => m[1]);
  const buttons = [...html.matchAll(/data-png-for="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(buttons, svgIds, 'one PNG button per chart, pointing at it');
});

test('the decision comparison shows deltas against the first row with the right direction', () => {
  const data = minimal();
  data.decisionComparison = [
    { title: 'Calibration', rows: [{ name: 'uncalibrated', metrics: { ece: 0.08, accuracy: 0.9 } }, { name: 'temperature-scaled', metrics: { ece: 0.02, accuracy: 0.9 } }] },
    { title: 'Thresholds', rows: [{ name: 'threshold 0.5', metrics: { macro_f1: 0.47 } }, { name: 'tuned', metrics: { macro_f1: 0.52 } }] },
  ];
  const html = renderHtmlReport(data);
  assert.ok(html.includes('<span class="best">0.0200</span><span class="delta better"'), 'lower ECE is better');
  assert.ok(html.includes('▲ -0.0600'));
  assert.ok(html.includes('<span class="best">0.5200</span><span class="delta better"'));
  assert.ok(html.includes('▲ +0.0500'));
  assert.ok(html.includes('ece ↓') && html.includes('macro f1 ↑'));
});

test('a 28-label report with curves of 10,000 and more points stays small', () => {
  const data = syntheticMultilabelReport(5, 10_000);
  const html = renderHtmlReport(data);
  const json = JSON.stringify(data).length;
  assert.ok(json > 10_000_000, `input is big (${json} bytes of JSON)`);
  assert.ok(html.length < 1_500_000, `${html.length} bytes`);
});

test('rendering is deterministic', () => {
  assert.equal(renderHtmlReport(syntheticBinaryReport(7, 800)), renderHtmlReport(syntheticBinaryReport(7, 800)));
});

test('the PNG export script is inert markup-wise and self-contained', () => {
  assert.ok(!PNG_EXPORT_SCRIPT.includes('</script'));
  assert.ok(!/fetch\(|XMLHttpRequest|https?:/.test(PNG_EXPORT_SCRIPT.replace("'http://www.w3.org/2000/svg'", '')));
  assert.doesNotThrow(() => new Function(PNG_EXPORT_SCRIPT), 'valid JavaScript');
});
