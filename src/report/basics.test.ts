import { test } from 'node:test';
import assert from 'node:assert/strict';

import { escapeMarkup } from './escape.js';
import { coord, formatCount, formatMetric, formatPercent, formatTick } from './format.js';
import { cutText, highlightTokens, usableSpans } from './highlight.js';
import { thinCurve, thinIndices } from './svg/downsample.js';
import { linearScale, niceDomain, niceStep, niceTicks } from './svg/scale.js';
import { estimateTextWidth, truncateToWidth } from './text-width.js';

test('escapeMarkup escapes the five markup characters and keeps other scripts and emoji', () => {
  assert.equal(escapeMarkup(`<a href="x">Tom & 'Jerry'</a>`), '&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;');
  for (const s of ['خیلی خوب بود', '정말 재미있었어요', '这部电影很好看', '😂🎉👍🏽', 'naïve']) assert.equal(escapeMarkup(s), s);
  assert.equal(escapeMarkup('&amp;'), '&amp;amp;');
});

test('escapeMarkup replaces what XML cannot hold: control characters and lone surrogates', () => {
  assert.equal(escapeMarkup('a\u0000b\u0007c\u001Fd'), 'a\uFFFDb\uFFFDc\uFFFDd');
  assert.equal(escapeMarkup('tab\tnew\nline\r'), 'tab\tnew\nline\r');
  assert.equal(escapeMarkup('x\uD800y'), 'x\uFFFDy');
  assert.equal(escapeMarkup('x\uDC00y'), 'x\uFFFDy');
  assert.equal(escapeMarkup('\uD83D\uDE02'), '\uD83D\uDE02', 'a valid pair stays');
});

test('number formatting never prints NaN, -0 or Infinity', () => {
  assert.equal(formatMetric(0.12345), '0.123');
  assert.equal(formatMetric(-0.0001), '0.000');
  assert.equal(formatMetric(NaN), '–');
  assert.equal(formatPercent(0.0523), '5.2%');
  assert.equal(formatPercent(Infinity), '–');
  assert.equal(formatCount(1234567), '1,234,567');
  assert.equal(formatCount(-1234), '-1,234');
  assert.equal(coord(12.345), '12.3');
  assert.equal(coord(-0.01), '0');
  assert.equal(coord(NaN), '0');
  assert.equal(formatTick(0.2, 0.2), '0.2');
  assert.equal(formatTick(0.25, 0.25), '0.25');
  assert.equal(formatTick(1, 0.2), '1.0');
  assert.equal(formatTick(20, 5), '20');
  assert.equal(formatTick(40000, 10000), '40,000');
});

test('nice ticks: round steps, exact values, degenerate ranges', () => {
  assert.deepEqual(niceTicks(0, 1, 5), { values: [0, 0.2, 0.4, 0.6, 0.8, 1], step: 0.2 });
  assert.deepEqual(niceTicks(0, 0.6, 5).values, [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6]);
  assert.deepEqual(niceTicks(0.5, 1, 5).values, [0.5, 0.6, 0.7, 0.8, 0.9, 1]);
  assert.deepEqual(niceTicks(0, 43000, 4).values, [0, 10000, 20000, 30000, 40000]);
  assert.deepEqual(niceTicks(3, 3), { values: [3], step: 1 });
  assert.deepEqual(niceTicks(NaN, 1).values, []);
  assert.equal(niceStep(1, 4), 0.25);
  assert.equal(niceStep(0, 4), 1);
});

test('nice domains contain the data, start at 0 for bars, survive empty and constant input', () => {
  assert.deepEqual(niceDomain([0.03, 0.52], { includeZero: true }), [0, 0.6]);
  assert.deepEqual(niceDomain([]), [0, 1]);
  assert.deepEqual(niceDomain([NaN, Infinity]), [0, 1]);
  assert.deepEqual(niceDomain([0, 0], { includeZero: true }), [0, 1]);
  const [lo, hi] = niceDomain([5, 5]);
  assert.ok(lo < 5 && hi > 5);
  assert.deepEqual(niceDomain([-3.2, 4.1], { includeZero: true }), [-4, 6]);
});

test('linear scale maps the domain onto the range; a zero-width domain maps to the middle', () => {
  const s = linearScale([0, 1], [100, 0]);
  assert.equal(s(0), 100);
  assert.equal(s(0.25), 75);
  assert.equal(linearScale([2, 2], [0, 10])(2), 5);
});

test('thinning keeps short curves, caps long ones, keeps the ends and a sharp corner, skips NaN', () => {
  assert.deepEqual(thinIndices([0, 1, 2], [0, 1, 0], 10), [0, 1, 2]);
  const n = 10_001;
  const xs = Array.from({ length: n }, (_, i) => i / (n - 1));
  const ys = xs.map((x) => (x < 0.3 ? x * 3 : 0.9 + (x - 0.3) / 7)); // a corner at x = 0.3
  const thin = thinCurve(xs, ys, 100);
  assert.equal(thin.xs.length, 100);
  assert.equal(thin.xs[0], 0);
  assert.equal(thin.xs[99], 1);
  assert.ok(thin.xs.some((x) => Math.abs(x - 0.3) < 0.002), 'the corner survives');
  for (let i = 1; i < thin.xs.length; i++) assert.ok(thin.xs[i] > thin.xs[i - 1], 'order kept');
  assert.deepEqual(thinIndices([0, NaN, 2], [0, 1, 2], 10), [0, 2]);
  assert.deepEqual(thinIndices(xs, ys, 2), [0, n - 1]);
  assert.deepEqual(thinIndices(xs, ys, 0), []);
});

test('text width estimates and truncation at code point boundaries', () => {
  assert.ok(estimateTextWidth('WWW', 12) > estimateTextWidth('iii', 12));
  assert.ok(estimateTextWidth('这部电影', 12) >= 4 * 12 * 0.99);
  assert.equal(truncateToWidth('short', 200, 12), 'short');
  const cut = truncateToWidth('😂😂😂😂😂😂😂😂😂😂', 40, 12);
  assert.ok(cut.endsWith('…'));
  assert.ok(!/[\uD800-\uDBFF]…/.test(cut), 'no half emoji');
  assert.ok(estimateTextWidth(cut, 12) <= 40 + 1);
});

test('highlighting: escaped text, marks by sign and strength, overlaps resolved, bad spans ignored', () => {
  const text = '<b>good</b> & bad';
  const html = highlightTokens(text, [
    { start: 3, end: 7, contribution: 0.9 }, // good
    { start: 14, end: 17, contribution: -0.45 }, // bad
    { start: 0, end: 7, contribution: 0.1 }, // overlaps the stronger "good": dropped
    { start: 50, end: 60, contribution: 1 }, // outside: clamped to nothing
    { start: 2, end: 1, contribution: 1 }, // reversed
    { start: 0, end: 2, contribution: NaN },
  ], 1000);
  assert.equal(html, '&lt;b&gt;<mark class="tp5" title="+0.9000">good</mark>&lt;/b&gt; &amp; <mark class="tn3" title="-0.4500">bad</mark>');
});

test('highlighting never splits a surrogate pair and notes how much text was cut', () => {
  const text = 'ab😂cd';
  const spans = usableSpans(text, [{ start: 3, end: 4, contribution: 1 }]);
  assert.deepEqual(spans.map((s) => text.slice(s.start, s.end)), ['😂']);
  assert.equal(cutText('a😂', 2), 'a');
  const long = 'x'.repeat(30);
  assert.equal(highlightTokens(long, [], 10), 'x'.repeat(10) + '<span class="cut"> … (20 more characters)</span>');
});
