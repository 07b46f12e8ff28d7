import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { formatBytes, HeapGuard, heapUse, memoryAdvice } from './heap-guard.js';

test('the guard checks every `every` items and reports the heap only when live data exceeds its share', () => {
  const never = new HeapGuard(1, 3);
  for (let i = 0; i < 10; i++) assert.equal(never.check(), null);
  const always = new HeapGuard(1e-9, 3);
  assert.equal(always.check(), null);
  assert.equal(always.check(), null);
  const use = always.check();
  assert.ok(use !== null && use.usedBytes > 0 && use.limitBytes >= use.usedBytes);
});

test('a full collection comes before the verdict: garbage alone does not fill the heap', () => {
  // A child with a 512 MB heap makes about 250 MB of garbage; a share of 0.3 is passed only by garbage.
  const script = `
    const { HeapGuard, heapUse } = await import(${JSON.stringify(new URL('./heap-guard.js', import.meta.url).href)});
    let keep = [];
    for (let i = 0; i < 3_000_000; i++) keep.push('row ' + i + ' of some text');
    keep = null;
    const before = heapUse();
    const guard = new HeapGuard(0.3, 1);
    console.log(JSON.stringify({ before, verdict: guard.check() }));
  `;
  const r = spawnSync(process.execPath, ['--max-old-space-size=512', '--input-type=module', '-e', script], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const { before, verdict } = JSON.parse(r.stdout) as { before: { usedBytes: number; limitBytes: number }; verdict: unknown };
  assert.ok(before.usedBytes > 0.35 * before.limitBytes, `the garbage filled ${formatBytes(before.usedBytes)} of ${formatBytes(before.limitBytes)}, too little to test anything`);
  assert.equal(verdict, null);
});

test('the advice names the flag and a size when the machine has more memory than node allows', () => {
  const small = memoryAdvice({ usedBytes: 300 * 2 ** 20, limitBytes: 400 * 2 ** 20 }, 'Use fewer rows');
  assert.match(small, /^Use fewer rows, or let node use more of this machine's [\d.]+ GB: NODE_OPTIONS=--max-old-space-size=\d+ before the command$/);
  const huge = memoryAdvice({ usedBytes: 1, limitBytes: 2 ** 50 }, 'Use fewer rows');
  assert.match(huge, /^Use fewer rows \(node may already use most of this machine's/);
  assert.equal(formatBytes(412 * 2 ** 20), '412 MB');
  assert.equal(formatBytes(3.95 * 2 ** 30), '4.0 GB');
  assert.ok(heapUse().limitBytes > 0);
});
