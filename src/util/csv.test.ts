import assert from 'node:assert/strict';
import { test } from 'node:test';
import { csvCell, csvLine } from './csv.js';

test('spreadsheet cells: RFC 4180 quoting, formula-like text defused, numbers left alone', () => {
  assert.equal(csvCell('plain'), 'plain');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('two\nlines'), '"two\nlines"');
  assert.equal(csvCell('=SUM(A1)'), "'=SUM(A1)");
  assert.equal(csvCell('+1 x'), "'+1 x");
  assert.equal(csvCell('@x'), "'@x");
  assert.equal(csvCell('-0.5'), '-0.5');
  assert.equal(csvCell('-x'), "'-x");
  assert.equal(csvCell('=a,"b"'), `"'=a,""b"""`);
  assert.equal(csvLine(['row', 'a,b', '=1', '0.25']), `row,"a,b",'=1,0.25\n`);
});

test('a dialect changes the line ending and can keep every cell as given', () => {
  const raw = { eol: '\r\n', defuseFormulas: false } as const;
  assert.equal(csvCell('=SUM(A1)', raw), '=SUM(A1)');
  assert.equal(csvLine(['=1+2', '@x', 'a,b', 'two\r\nlines'], raw), '=1+2,@x,"a,b","two\r\nlines"\r\n');
  assert.equal(csvLine(['=1'], { eol: '\r\n' }), "'=1\r\n", 'still defused unless asked');
});
