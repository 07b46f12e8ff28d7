import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { DataError } from '../../errors.js';
import { REPO_ROOT } from '../../test-support/starter-data.js';
import { readCatalog } from './catalog.js';

const work = fs.mkdtempSync(path.join(os.tmpdir(), 'textclass-catalog-'));
after(() => fs.rmSync(work, { recursive: true, force: true }));

function write(name: string, content: string | Buffer): string {
  const file = path.join(work, name);
  fs.writeFileSync(file, content);
  return file;
}

function refused(file: string, pattern: RegExp): void {
  assert.throws(
    () => readCatalog(file),
    (e: unknown) => {
      assert.ok(e instanceof DataError, `expected a DataError, got ${String(e)}`);
      assert.match(e.message, pattern);
      return true;
    },
  );
}

describe('readCatalog', () => {
  test('reads the bundled demo catalogs with their extra column', () => {
    const ko = readCatalog(path.join(REPO_ROOT, 'data', 'catalog', 'korean-lyrics.csv'));
    assert.equal(ko.items.length, 40);
    assert.equal(ko.format, 'csv');
    const counts = new Map<string, number>();
    for (const item of ko.items) counts.set(item.extra.written_for, (counts.get(item.extra.written_for) ?? 0) + 1);
    assert.deepEqual([...counts.entries()].sort(), [['놀람+공포', 10], ['분노+혐오', 10], ['슬픔', 10], ['행복', 10]]);
    const en = readCatalog(path.join(REPO_ROOT, 'data', 'catalog', 'english-lines.csv'));
    assert.equal(en.items.length, 30);
    assert.equal(en.items[0].id, 'en-01');
    assert.equal(en.items[0].creator, 'textclass team');
  });

  test('keeps quoted commas and line breaks, and gives each item the line it starts on', () => {
    const file = write('multi.csv', 'ID,Title,Text,URL\r\na,One,"first, with a comma",\r\nb,Two,"two\nlines",https://example.org/b\r\nc,,third,\r\n');
    const { items } = readCatalog(file);
    assert.deepEqual(
      items.map((i) => [i.id, i.title, i.text, i.line, i.url]),
      [
        ['a', 'One', 'first, with a comma', 2, undefined],
        ['b', 'Two', 'two\nlines', 3, 'https://example.org/b'],
        ['c', 'c', 'third', 5, undefined],
      ],
    );
  });

  test('reads UTF-16 with a byte-order mark (Excel "Unicode text")', () => {
    const text = 'id,title,text\n1,노래,오늘은 행복해\n';
    const file = write('utf16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    assert.equal(readCatalog(file).items[0].text, '오늘은 행복해');
  });

  test('refuses bad catalogs naming file, line and column', () => {
    refused(write('nocol.csv', 'id,name,text\n1,a,b\n'), /nocol\.csv:1: field "title": missing column/);
    refused(write('dup.csv', 'id,title,text\n1,a,x\n2,b,y\n1,c,z\n'), /dup\.csv:4: field "id": duplicate id "1" \(first on 2\)/);
    refused(write('empty-text.csv', 'id,title,text\n1,a,x\n2,b,  \n'), /empty-text\.csv:3: field "text": empty text/);
    refused(write('empty-id.csv', 'id,title,text\n ,a,x\n'), /empty-id\.csv:2: field "id": empty id/);
    refused(write('js.csv', 'id,title,text,url\n1,a,x,javascript:alert(1)\n'), /js\.csv:2: field "url": .* not an http\(s\) address/);
    refused(write('ragged.csv', 'id,title,text\n1,a,x\n2,b\n'), /ragged\.csv:3: not valid CSV/);
    refused(write('header-only.csv', 'id,title,text\n'), /no items/);
    refused(write('empty.csv', ''), /empty\.csv: the file is empty/);
    refused(write('twice.csv', 'id,title,text,Text\n1,a,x,y\n'), /twice\.csv:1: field "text": the column appears twice/);
    refused(write('bad.txt', 'id,title,text\n1,a,b\n'), /a catalog is a \.csv file or a SQLite file/);
    refused(path.join(work, 'missing.csv'), /missing\.csv: file not found/);
    refused(write('binary.csv', Buffer.from([0x69, 0x64, 0x00, 0x2c, 0xff, 0xfe, 0x00])), /binary\.csv/);
  });

  test('reads a SQLite catalog (table items) and refuses one without it', () => {
    const file = path.join(work, 'songs.sqlite');
    const db = new Database(file);
    db.exec('CREATE TABLE items (id INTEGER, title TEXT, text TEXT, creator TEXT, mood TEXT)');
    db.prepare('INSERT INTO items VALUES (?, ?, ?, ?, ?)').run(7, '비', '비가 내려 마음이 젖어', '우리', '슬픔');
    db.prepare('INSERT INTO items VALUES (?, ?, ?, ?, ?)').run(8, '해', '햇살이 눈부셔', null, '행복');
    db.close();
    const catalog = readCatalog(file);
    assert.equal(catalog.format, 'sqlite');
    assert.deepEqual(
      catalog.items.map((i) => [i.id, i.title, i.text, i.creator, i.extra.mood, i.line]),
      [
        ['7', '비', '비가 내려 마음이 젖어', '우리', '슬픔', 1],
        ['8', '해', '햇살이 눈부셔', undefined, '행복', 2],
      ],
    );
    const other = path.join(work, 'other.db');
    const db2 = new Database(other);
    db2.exec('CREATE TABLE songs (id TEXT)');
    db2.close();
    refused(other, /other\.db: field "items": no table "items"/);
    refused(write('fake.sqlite', 'id,title,text\n'), /fake\.sqlite: not a SQLite database/);
  });
});
