import type { Readable } from 'node:stream';
import { SaxesParser } from 'saxes';
import { DataError } from '../../errors.js';

/**
 * Receives the events of one XML document and turns them into items (rows, strings) that the
 * reader hands on after each chunk. Element names arrive without their namespace prefix, since
 * some writers spell `<c>` as `<x:c>`; attribute names arrive as written (`r`, `xml:space`, `r:id`).
 */
export interface XmlSink<T> {
  open(name: string, attributes: Record<string, string>): void;
  close(name: string): void;
  /** Character data (entities decoded) and CDATA sections, possibly in several pieces. */
  text(text: string): void;
  /** Items completed since the last call. */
  take(): T[];
}

/**
 * Parses an XML stream incrementally and yields the sink's items chunk by chunk, so memory stays
 * bounded by one chunk's worth of items. Malformed or cut-off XML is a DataError naming the file,
 * the entry and the position in it.
 */
export async function* parseXml<T>(input: Readable, sink: XmlSink<T>, file: string, entry: string): AsyncGenerator<T> {
  const parser = sinkParser(sink);
  // Bytes are decoded here rather than by the stream so that a character split between chunks survives.
  const decoder = new TextDecoder('utf-8');
  try {
    for await (const chunk of input as AsyncIterable<Buffer>) {
      feed(parser, decoder.decode(chunk, { stream: true }), false, file, entry);
      yield* sink.take();
    }
    feed(parser, decoder.decode(), true, file, entry);
    yield* sink.take();
  } finally {
    input.destroy();
  }
}

/** Parses a small XML document held in memory. */
export function parseXmlBuffer<T>(data: Buffer, sink: XmlSink<T>, file: string, entry: string): T[] {
  feed(sinkParser(sink), new TextDecoder('utf-8').decode(data), true, file, entry);
  return sink.take();
}

function sinkParser<T>(sink: XmlSink<T>): SaxesParser {
  const parser = new SaxesParser();
  parser.on('opentag', (tag) => sink.open(localName(tag.name), tag.attributes));
  parser.on('closetag', (tag) => sink.close(localName(tag.name)));
  parser.on('text', (t) => sink.text(t));
  parser.on('cdata', (t) => sink.text(t));
  return parser;
}

/** Writes text to the parser; its errors (and a sink's non-DataErrors) become DataErrors. */
function feed(parser: SaxesParser, text: string, end: boolean, file: string, entry: string): void {
  try {
    parser.write(text);
    if (end) parser.close();
  } catch (err) {
    if (err instanceof DataError) throw err;
    const message = (err as Error).message.replace(/^\d+:\d+: /, '');
    const problem = end && /unclosed|unexpected end/i.test(message) ? 'cut-off' : 'malformed';
    throw new DataError({ file }, `${problem} XML in ${entry} at line ${parser.line}, column ${parser.column}: ${message}`);
  }
}

function localName(name: string): string {
  const i = name.indexOf(':');
  return i < 0 ? name : name.slice(i + 1);
}
