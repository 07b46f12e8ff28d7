/**
 * Opens a rendered report in headless Chromium (Debian's, driven by playwright-core) and reports
 * what a reader would see: which charts rendered with a non-empty box and drawn marks, console
 * and page errors, any network request (there must be none besides the file itself), a
 * full-page screenshot and, optionally, the PNG a chart's export button downloads.
 *
 * Test tooling: playwright-core is a devDependency, so nothing in the CLI imports this module.
 */
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

import { TextclassError } from '../errors.js';

/** Where Debian installs Chromium; TEXTCLASS_CHROMIUM overrides it. */
export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/**
 * Flags for a quiet, offline Chromium: without the background-networking ones it tries to reach
 * Google's update and sync services, which fail without internet and would pollute the request log.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/** The Chromium binary to use, or null when there is none (tests then skip). */
export function chromiumExecutable(): string | null {
  const candidate = process.env.TEXTCLASS_CHROMIUM || DEFAULT_CHROMIUM;
  try {
    fs.accessSync(candidate, fs.constants.X_OK);
    return candidate;
  } catch {
    return null;
  }
}

/** Width and height of a PNG from its IHDR chunk, or null when `bytes` is not a PNG. */
export function pngSize(bytes: Buffer): { width: number; height: number } | null {
  if (bytes.length < 24 || !bytes.subarray(0, 8).equals(PNG_SIGNATURE) || bytes.toString('latin1', 12, 16) !== 'IHDR') return null;
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

export interface RenderedChart {
  kind: string;
  id: string;
  /** Bounding box on the page, CSS px. */
  width: number;
  height: number;
  /** Drawn marks inside: path, rect, circle, line and polyline elements with a non-empty box. */
  marks: number;
}

export interface ChromiumCheckOptions {
  /** Full-page screenshot destination; default: next to the HTML, `<name>.png`. */
  screenshotPath?: string;
  /** Click this chart's PNG button (its `data-png-for` id) and save the download. */
  exportPngOf?: string;
  /** Where the exported PNG goes; default: the HTML file's directory. */
  downloadDir?: string;
  executablePath?: string;
  viewport?: { width: number; height: number };
  timeoutMs?: number;
}

export interface ChromiumCheck {
  /** Distinct `data-chart` kinds, in page order. */
  chartKinds: string[];
  charts: RenderedChart[];
  consoleErrors: string[];
  pageErrors: string[];
  /** alert()/confirm() texts: any is a script injection that got through. */
  dialogs: string[];
  /** Every request other than the report file itself and data:/blob: URLs (expected: none). */
  externalRequests: string[];
  screenshotPath: string;
  screenshot: { bytes: number; width: number; height: number };
  pngExport?: { chartId: string; suggestedFilename: string; path: string; bytes: number; width: number; height: number };
}

export async function openReportInChromium(htmlPath: string, options: ChromiumCheckOptions = {}): Promise<ChromiumCheck> {
  const executablePath = options.executablePath ?? chromiumExecutable();
  if (executablePath === null) throw new TextclassError(`Chromium not found at ${DEFAULT_CHROMIUM}: install it (apt-get install chromium) or set TEXTCLASS_CHROMIUM to a Chromium binary`);
  const { chromium } = await import('playwright-core');
  const absolute = path.resolve(htmlPath);
  const fileUrl = pathToFileURL(absolute).href;
  const timeout = options.timeoutMs ?? 20_000;
  const screenshotPath = options.screenshotPath ?? absolute.replace(/\.html?$/i, '') + '.png';

  const browser = await chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout });
  try {
    const context = await browser.newContext({ viewport: options.viewport ?? { width: 1280, height: 900 }, acceptDownloads: true });
    const page = await context.newPage();
    page.setDefaultTimeout(timeout);
    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    const dialogs: string[] = [];
    const externalRequests: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') consoleErrors.push(message.text());
    });
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    context.on('request', (request) => {
      const url = request.url();
      if (url !== fileUrl && !url.startsWith('data:') && !url.startsWith('blob:')) externalRequests.push(url);
    });

    await page.goto(fileUrl, { waitUntil: 'load' });
    const charts: RenderedChart[] = await page.$$eval('svg[data-chart]', (svgs) =>
      svgs.map((svg) => {
        const box = svg.getBoundingClientRect();
        let marks = 0;
        for (const el of Array.from(svg.querySelectorAll('path, rect, circle, line, polyline'))) {
          const b = (el as { getBoundingClientRect(): { width: number; height: number } }).getBoundingClientRect();
          if (b.width > 0 || b.height > 0) marks++;
        }
        return { kind: svg.getAttribute('data-chart') ?? '', id: svg.id, width: box.width, height: box.height, marks };
      }),
    );
    await page.screenshot({ path: screenshotPath, fullPage: true });
    const shot = fs.readFileSync(screenshotPath);
    const shotSize = pngSize(shot) ?? { width: 0, height: 0 };

    let pngExport: ChromiumCheck['pngExport'];
    if (options.exportPngOf !== undefined) {
      const chartId = options.exportPngOf;
      const button = `button[data-png-for="${chartId.replace(/["\\]/g, '\\$&')}"]`;
      const [download] = await Promise.all([
        page.waitForEvent('download').catch(async (error: Error) => {
          // The button records why an export failed in its title; that says more than a timeout.
          const why = await page.getAttribute(button, 'title').catch(() => null);
          throw new TextclassError(`PNG export of chart "${chartId}" produced no download (${why ?? 'no reason given'}): ${error.message.split('\n')[0]}`);
        }),
        page.click(button),
      ]);
      const target = path.join(options.downloadDir ?? path.dirname(absolute), download.suggestedFilename());
      await download.saveAs(target);
      const bytes = fs.readFileSync(target);
      const size = pngSize(bytes) ?? { width: 0, height: 0 };
      pngExport = { chartId, suggestedFilename: download.suggestedFilename(), path: target, bytes: bytes.length, ...size };
    }
    await context.close();
    return {
      chartKinds: [...new Set(charts.map((c) => c.kind))],
      charts,
      consoleErrors,
      pageErrors,
      dialogs,
      externalRequests,
      screenshotPath,
      screenshot: { bytes: shot.length, ...shotSize },
      pngExport,
    };
  } finally {
    await browser.close();
  }
}
