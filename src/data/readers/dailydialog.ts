import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { DataError, type DataLocation } from '../../errors.js';
import { openZip } from '../archive/zip.js';
import type { DailyDialogReaderConfig, Example, ReadOptions } from '../types.js';
import { parseIndex } from './cells.js';
import { splitLines } from './lines.js';

/**
 * Reads DailyDialog: one example per utterance, labelled with its emotion. `path` is a split's
 * `.zip` as distributed or a folder it was unpacked to. The text and emotion files are read line
 * by line in lockstep, so memory stays at one dialog. A dialog whose lines disagree is a bad row
 * as a whole; `dialog.id` is its 0-based line index, so ids stay stable when dialogs are skipped.
 */
export async function* readDailyDialog(
  path: string,
  config: DailyDialogReaderConfig,
  options: ReadOptions,
): AsyncGenerator<Example> {
  const { text, emotion } = await locateFiles(path);
  const total = text.size + emotion.size;
  const done = { text: 0, emotion: 0 };
  const report = (which: 'text' | 'emotion') => (n: number) => {
    done[which] = n;
    options.onProgress?.(done.text + done.emotion, total);
  };
  const textLines = splitLines(text.open(report('text')), text.location)[Symbol.asyncIterator]();
  const emotionLines = splitLines(emotion.open(report('emotion')), emotion.location)[Symbol.asyncIterator]();
  try {
    for (let line = 1; ; line++) {
      const [t, e] = await Promise.all([textLines.next(), emotionLines.next()]);
      if (t.done && e.done) return;
      const dialog = parseDialog(t.done ? undefined : t.value, e.done ? undefined : e.value, config.labelNames);
      if (dialog === 'blank') continue;
      if ('reason' in dialog) {
        const file = dialog.field === 'text' ? text.location : emotion.location;
        badRow(options, { file, line, field: dialog.field }, dialog.reason);
        continue;
      }
      for (let turn = 0; turn < dialog.utterances.length; turn++) {
        yield {
          text: dialog.utterances[turn],
          labels: [config.labelNames[dialog.codes[turn]]],
          source: { file: text.location, line },
          dialog: { id: line - 1, turn },
        };
      }
    }
  } catch (err) {
    throw asDataError(path, err);
  } finally {
    await Promise.all([textLines.return?.(undefined), emotionLines.return?.(undefined)]);
  }
}

// ---------------------------------------------------------------------------------------------
// Finding the two files

/** One of the two parallel files, wherever it lives. */
interface DialogFile {
  /** How locations name it: the file, or `<zip>:<entry>`. */
  location: string;
  /** Bytes to read (compressed bytes for a zip entry), for progress. */
  size: number;
  /** Its bytes; `report` gets the running count of bytes read. */
  open(report: (bytesRead: number) => void): AsyncIterable<Buffer>;
}

/** `dialogues_train.txt`, `dialogues_text.txt` (the unsplit release); not the act, emotion or topic files. */
const TEXT_FILE = /^dialogues_(?!(?:emotion|act|topic)(?:_|\.txt$))\w+\.txt$/;
const EMOTION_FILE = /^dialogues_emotion(?:_\w+)?\.txt$/;

async function locateFiles(path: string): Promise<{ text: DialogFile; emotion: DialogFile }> {
  let isFolder: boolean;
  try {
    isFolder = (await stat(path)).isDirectory();
  } catch (err) {
    throw asDataError(path, err);
  }
  return isFolder ? locateInFolder(path) : locateInZip(path);
}

async function locateInZip(path: string): Promise<{ text: DialogFile; emotion: DialogFile }> {
  const zip = await openZip(path);
  // macOS adds `__MACOSX/` shadow entries to archives it creates.
  const entries = zip.entries.filter((e) => !e.isDirectory && !e.name.startsWith('__MACOSX/'));
  const pick = (re: RegExp) => entries.filter((e) => re.test(basename(e.name)));
  const [text, emotion] = exactlyOne(pick(TEXT_FILE), pick(EMOTION_FILE), entries.map((e) => e.name), path, 'zip archive');
  const asFile = (entry: (typeof entries)[number]): DialogFile => ({
    location: `${path}:${entry.name}`,
    size: entry.compressedSize,
    open: (report) => zip.openEntryStream(entry, { onProgress: (n) => report(n) }),
  });
  return { text: asFile(text), emotion: asFile(emotion) };
}

/** The folder itself or one level down, since unpacking `train.zip` creates `train/`. */
async function locateInFolder(dir: string): Promise<{ text: DialogFile; emotion: DialogFile }> {
  const files: string[] = [];
  try {
    for (const d of await readdir(dir, { withFileTypes: true })) {
      if (d.name.startsWith('.') || d.name === '__MACOSX') continue;
      if (d.isFile()) files.push(join(dir, d.name));
      else if (d.isDirectory()) {
        for (const f of await readdir(join(dir, d.name), { withFileTypes: true })) {
          if (f.isFile()) files.push(join(dir, d.name, f.name));
        }
      }
    }
  } catch (err) {
    throw asDataError(dir, err);
  }
  const pick = (re: RegExp) => files.filter((f) => re.test(basename(f)));
  const [text, emotion] = exactlyOne(pick(TEXT_FILE), pick(EMOTION_FILE), files, dir, 'folder');
  const asFile = async (file: string): Promise<DialogFile> => ({ location: file, size: (await stat(file)).size, open: (report) => fileChunks(file, report) });
  return { text: await asFile(text), emotion: await asFile(emotion) };
}

function exactlyOne<T>(texts: T[], emotions: T[], all: string[], path: string, where: string): [T, T] {
  if (texts.length === 1 && emotions.length === 1) return [texts[0], emotions[0]];
  const shown = all.slice(0, 30);
  const listing = shown.length === 0 ? 'nothing' : JSON.stringify(shown) + (all.length > shown.length ? ` and ${all.length - shown.length} more` : '');
  throw new DataError(
    { file: path },
    `expected exactly one dialogues_<split>.txt and one dialogues_emotion_<split>.txt in this ${where} ` +
      `(found ${texts.length} and ${emotions.length}); it holds ${listing}`,
  );
}

async function* fileChunks(file: string, report: (bytesRead: number) => void): AsyncGenerator<Buffer> {
  let read = 0;
  for await (const chunk of createReadStream(file) as AsyncIterable<Buffer>) {
    read += chunk.length;
    report(read);
    yield chunk;
  }
}

// ---------------------------------------------------------------------------------------------
// Lines and dialogs

type DialogResult = { utterances: string[]; codes: number[] } | { field: 'text' | 'emotion'; reason: string } | 'blank';

const EOU = '__eou__';

/** One dialog from its two lines (undefined when that file has already ended). */
function parseDialog(textLine: string | undefined, emotionLine: string | undefined, labelNames: string[]): DialogResult {
  const textBlank = textLine === undefined || textLine.trim() === '';
  const emotionBlank = emotionLine === undefined || emotionLine.trim() === '';
  if (textBlank && emotionBlank) return 'blank';
  if (textLine === undefined) return { field: 'text', reason: 'the text file has ended but the emotion file goes on: the two files must have one line per dialog' };
  if (emotionLine === undefined) return { field: 'emotion', reason: 'the emotion file has ended but the text file goes on: the two files must have one line per dialog' };
  if (textLine.includes('\uFFFD')) return { field: 'text', reason: 'invalid UTF-8' };

  const utterances = textBlank ? [] : textLine.split(EOU).map((u) => u.trim());
  // Every utterance ends in __eou__, so the piece after the last one is empty.
  if (utterances.length > 0 && utterances[utterances.length - 1] === '') utterances.pop();
  const empty = utterances.indexOf('');
  if (empty >= 0) return { field: 'text', reason: `utterance ${empty + 1} is empty` };

  const tokens = emotionLine.trim().split(/\s+/).filter((s) => s !== '');
  const codes: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const code = parseIndex(tokens[i]);
    if (code < 0 || code >= labelNames.length) {
      return {
        field: 'emotion',
        reason: `emotion ${JSON.stringify(tokens[i])} (utterance ${i + 1}) is not an integer code between 0 and ${labelNames.length - 1} (labelNames has ${labelNames.length} entries)`,
      };
    }
    codes.push(code);
  }
  if (codes.length !== utterances.length) {
    return { field: 'emotion', reason: `dialog has ${utterances.length} utterances but ${codes.length} emotion labels` };
  }
  return { utterances, codes };
}

function badRow(options: ReadOptions, location: DataLocation, reason: string): void {
  if (options.onBadRow !== 'skip') throw new DataError(location, reason);
  options.skipped.push({ location, reason });
}

function asDataError(file: string, err: unknown): unknown {
  if (err instanceof DataError) return err;
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (code === 'ENOENT') return new DataError({ file }, 'not found');
  if (code === 'EACCES' || code === 'EPERM') return new DataError({ file }, 'permission denied');
  if (typeof code === 'string') return new DataError({ file }, `cannot read: ${(err as Error).message}`);
  return err;
}
