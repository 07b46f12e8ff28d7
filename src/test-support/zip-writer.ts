import { writeFileSync } from 'node:fs';
import zlib from 'node:zlib';
import { crc32 } from '../data/archive/crc32.js';

/** One file for `writeZip`. */
export interface ZipWriterEntry {
  name: string;
  data: string | Buffer;
  /** Default `deflate`. */
  method?: 'store' | 'deflate';
  /** Overrides the CRC-32 written to both headers, to build corrupt archives. */
  crc32?: number;
  /** Sets the encryption flag (the data is left as is), to test that it is refused. */
  encrypted?: boolean;
  /**
   * Writes this compression method number instead; with `method: 'store'` the data goes in as is,
   * so hand-made (e.g. cut-off) deflate data can be written.
   */
  methodNumber?: number;
  /** Overrides the uncompressed size written to both headers. */
  size?: number;
}

export interface ZipWriterOptions {
  /** Archive comment after the end-of-central-directory record. */
  comment?: string;
  /** Write ZIP64 records and extra fields even though nothing needs them. */
  zip64?: boolean;
}

/** Writes a ZIP archive for tests: stored or deflated entries, UTF-8 names, optional comment and ZIP64. */
export function writeZip(path: string, entries: ZipWriterEntry[], options: ZipWriterOptions = {}): void {
  writeFileSync(path, zipBuffer(entries, options));
}

/** The bytes `writeZip` writes. */
export function zipBuffer(entries: ZipWriterEntry[], options: ZipWriterOptions = {}): Buffer {
  const zip64 = options.zip64 ?? false;
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const data = typeof e.data === 'string' ? Buffer.from(e.data, 'utf8') : e.data;
    const deflate = (e.method ?? 'deflate') === 'deflate';
    const body = deflate ? zlib.deflateRawSync(data) : data;
    const h: Header = {
      name: Buffer.from(e.name, 'utf8'),
      method: e.methodNumber ?? (deflate ? 8 : 0),
      flags: 0x0800 | (e.encrypted ? 1 : 0),
      crc: e.crc32 ?? crc32(data),
      compressedSize: body.length,
      size: e.size ?? data.length,
      offset,
    };
    const local = Buffer.concat([localHeader(h, zip64), body]);
    locals.push(local);
    centrals.push(centralHeader(h, zip64));
    offset += local.length;
  }
  const central = Buffer.concat(centrals);
  const tail: Buffer[] = [];
  if (zip64) tail.push(zip64Records(entries.length, central.length, offset));
  tail.push(endRecord(entries.length, central.length, offset, options.comment ?? '', zip64));
  return Buffer.concat([...locals, central, ...tail]);
}

interface Header {
  name: Buffer;
  method: number;
  flags: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
}

const SAT32 = 0xffffffff;

function localHeader(h: Header, zip64: boolean): Buffer {
  const extra = zip64 ? zip64Extra([h.size, h.compressedSize]) : Buffer.alloc(0);
  const b = Buffer.alloc(30);
  b.writeUInt32LE(0x04034b50, 0);
  b.writeUInt16LE(zip64 ? 45 : 20, 4);
  b.writeUInt16LE(h.flags, 6);
  b.writeUInt16LE(h.method, 8);
  b.writeUInt32LE(0, 10); // time and date
  b.writeUInt32LE(h.crc, 14);
  b.writeUInt32LE(zip64 ? SAT32 : h.compressedSize, 18);
  b.writeUInt32LE(zip64 ? SAT32 : h.size, 22);
  b.writeUInt16LE(h.name.length, 26);
  b.writeUInt16LE(extra.length, 28);
  return Buffer.concat([b, h.name, extra]);
}

function centralHeader(h: Header, zip64: boolean): Buffer {
  const extra = zip64 ? zip64Extra([h.size, h.compressedSize, h.offset]) : Buffer.alloc(0);
  const b = Buffer.alloc(46);
  b.writeUInt32LE(0x02014b50, 0);
  b.writeUInt16LE(zip64 ? 45 : 20, 4);
  b.writeUInt16LE(zip64 ? 45 : 20, 6);
  b.writeUInt16LE(h.flags, 8);
  b.writeUInt16LE(h.method, 10);
  b.writeUInt32LE(0, 12);
  b.writeUInt32LE(h.crc, 16);
  b.writeUInt32LE(zip64 ? SAT32 : h.compressedSize, 20);
  b.writeUInt32LE(zip64 ? SAT32 : h.size, 24);
  b.writeUInt16LE(h.name.length, 28);
  b.writeUInt16LE(extra.length, 30);
  b.writeUInt32LE(zip64 ? SAT32 : h.offset, 42);
  return Buffer.concat([b, h.name, extra]);
}

function zip64Extra(values: number[]): Buffer {
  const b = Buffer.alloc(4 + values.length * 8);
  b.writeUInt16LE(0x0001, 0);
  b.writeUInt16LE(values.length * 8, 2);
  values.forEach((v, i) => b.writeBigUInt64LE(BigInt(v), 4 + i * 8));
  return b;
}

function zip64Records(count: number, size: number, offset: number): Buffer {
  const rec = Buffer.alloc(56);
  rec.writeUInt32LE(0x06064b50, 0);
  rec.writeBigUInt64LE(44n, 4);
  rec.writeUInt16LE(45, 12);
  rec.writeUInt16LE(45, 14);
  rec.writeBigUInt64LE(BigInt(count), 24);
  rec.writeBigUInt64LE(BigInt(count), 32);
  rec.writeBigUInt64LE(BigInt(size), 40);
  rec.writeBigUInt64LE(BigInt(offset), 48);
  const loc = Buffer.alloc(20);
  loc.writeUInt32LE(0x07064b50, 0);
  loc.writeBigUInt64LE(BigInt(offset + size), 8);
  loc.writeUInt32LE(1, 16);
  return Buffer.concat([rec, loc]);
}

function endRecord(count: number, size: number, offset: number, comment: string, zip64: boolean): Buffer {
  const c = Buffer.from(comment, 'utf8');
  const b = Buffer.alloc(22);
  b.writeUInt32LE(0x06054b50, 0);
  b.writeUInt16LE(zip64 ? 0xffff : count, 8);
  b.writeUInt16LE(zip64 ? 0xffff : count, 10);
  b.writeUInt32LE(zip64 ? SAT32 : size, 12);
  b.writeUInt32LE(zip64 ? SAT32 : offset, 16);
  b.writeUInt16LE(c.length, 20);
  return Buffer.concat([b, c]);
}

// ---------------------------------------------------------------------------------------------
// Minimal workbooks

const MAIN_NS = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL_NS = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG_REL_NS = 'http://schemas.openxmlformats.org/package/2006/relationships';

export interface XlsxParts {
  /** Worksheets in workbook order: name and the inner XML of `<sheetData>` (or a whole document in `xml`). */
  sheets: { name: string; rows?: string; xml?: string }[];
  /** Inner XML of each `<si>`, or a whole sharedStrings.xml document; no part when absent. */
  sharedStrings?: string[] | string;
  /** Entry names to leave out, to build broken workbooks. */
  omit?: string[];
}

/** The entries of a minimal .xlsx as Excel lays it out, for `writeZip`. */
export function xlsxEntries(parts: XlsxParts): ZipWriterEntry[] {
  const sheetList = parts.sheets.map((s, i) => `<sheet name="${s.name}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join('');
  const sheetRels = parts.sheets.map(
    (_, i) => `<Relationship Id="rId${i + 1}" Type="${REL_NS}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`,
  );
  if (parts.sharedStrings !== undefined) {
    sheetRels.push(`<Relationship Id="rIdS" Type="${REL_NS}/sharedStrings" Target="sharedStrings.xml"/>`);
  }
  const entries: ZipWriterEntry[] = [
    { name: '[Content_Types].xml', data: '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>' },
    {
      name: '_rels/.rels',
      data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PKG_REL_NS}"><Relationship Id="rId1" Type="${REL_NS}/officeDocument" Target="xl/workbook.xml"/></Relationships>`,
    },
    {
      name: 'xl/workbook.xml',
      data: `<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheets>${sheetList}</sheets></workbook>`,
    },
    { name: 'xl/_rels/workbook.xml.rels', data: `<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="${PKG_REL_NS}">${sheetRels.join('')}</Relationships>` },
    ...parts.sheets.map((s, i) => ({ name: `xl/worksheets/sheet${i + 1}.xml`, data: s.xml ?? worksheetXml(s.rows ?? '') })),
  ];
  const ss = parts.sharedStrings;
  if (ss !== undefined) {
    const xml = typeof ss === 'string' ? ss : `<?xml version="1.0" encoding="UTF-8"?><sst xmlns="${MAIN_NS}">${ss.map((si) => `<si>${si}</si>`).join('')}</sst>`;
    entries.push({ name: 'xl/sharedStrings.xml', data: xml });
  }
  return entries.filter((e) => !(parts.omit ?? []).includes(e.name));
}

/** A worksheet document around the inner XML of `<sheetData>`. */
export function worksheetXml(rows: string): string {
  return `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="${MAIN_NS}" xmlns:r="${REL_NS}"><sheetData>${rows}</sheetData></worksheet>`;
}
