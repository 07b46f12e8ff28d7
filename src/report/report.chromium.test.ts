/**
 * The acceptance check for the HTML report, in a real browser: Debian's Chromium driven by
 * playwright-core opens the self-contained report from a file:// URL, and every chart must
 * render with a non-empty box and drawn marks, with no console errors, no script injection and
 * no network request; a full-page screenshot is taken and one chart's PNG button must download
 * a real PNG. The data is synthetic (seeded), shaped like the IMDB and GoEmotions models.
 *
 * Skipped when Chromium is not installed, except in CI (set TEXTCLASS_CHROMIUM to use another binary).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { openReportInChromium, PNG_SIGNATURE } from './check-in-chromium.js';
import { expectedChartKinds, renderHtmlReport } from './html.js';
import { PNG_SCALE } from './png.js';
import type { ReportData } from './report-data.js';
import { browserSkip } from '../test-support/web-e2e.js';
import { syntheticBinaryReport, syntheticMultilabelReport } from './synthetic-report.js';

// CI installs Chromium (.ci/run), so there a missing browser fails the test instead of skipping it.
const skip = browserSkip();

/** A chart this small or this empty did not really render. */
const MIN_CHART_SIDE = 100;
const MIN_MARKS = 5;

async function checkReport(name: string, data: ReportData, exportChart: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `textclass-report-${name}-`));
  try {
    const html = renderHtmlReport(data);
    const htmlPath = path.join(dir, `${name}.html`);
    fs.writeFileSync(htmlPath, html);
    const downloads = path.join(dir, 'downloads');
    fs.mkdirSync(downloads);

    const result = await openReportInChromium(htmlPath, { exportPngOf: exportChart, downloadDir: downloads });

    const expected = expectedChartKinds(data);
    assert.deepEqual(result.chartKinds, expected, 'every chart kind with data is on the page');
    for (const chart of result.charts) {
      assert.ok(chart.width >= MIN_CHART_SIDE && chart.height >= MIN_CHART_SIDE, `${chart.kind}: box ${chart.width}×${chart.height}`);
      assert.ok(chart.marks >= MIN_MARKS, `${chart.kind}: only ${chart.marks} drawn marks`);
    }
    assert.deepEqual(result.consoleErrors, []);
    assert.deepEqual(result.pageErrors, []);
    assert.deepEqual(result.dialogs, [], 'no injected script ran');
    assert.deepEqual(result.externalRequests, [], 'nothing but the file itself was loaded');

    const shot = fs.readFileSync(result.screenshotPath);
    assert.ok(shot.subarray(0, 8).equals(PNG_SIGNATURE), 'the screenshot is a PNG');
    assert.equal(result.screenshot.width, 1280);
    assert.ok(result.screenshot.height > 3000, `a full page, ${result.screenshot.height} px tall`);
    assert.ok(result.screenshot.bytes > 100_000, `${result.screenshot.bytes} bytes`);

    const exported = result.pngExport!;
    assert.equal(exported.suggestedFilename, `${exportChart}.png`);
    const bytes = fs.readFileSync(exported.path);
    assert.ok(bytes.subarray(0, 8).equals(PNG_SIGNATURE), 'the download is a PNG');
    const naturalWidth = Number(new RegExp(`<svg [^>]*id="${exportChart}"[^>]* width="([\\d.]+)"`).exec(html)?.[1]);
    assert.equal(exported.width, Math.round(naturalWidth * PNG_SCALE), 'exported at 2× the natural size');
    assert.ok(exported.bytes > 10_000, `${exported.bytes} bytes: more than a blank image`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('IMDB-like binary report renders every chart in Chromium; the ROC chart exports as PNG', { skip, timeout: 60_000 }, async () => {
  await checkReport('imdb', syntheticBinaryReport(11, 5000), 'roc');
});

test('GoEmotions-like 28-label report (with a hostile label) renders every chart; the confusion matrix exports as PNG', { skip, timeout: 60_000 }, async () => {
  await checkReport('goemotions', syntheticMultilabelReport(12, 5000, { hostileLabel: true }), 'confusion-matrix');
});
