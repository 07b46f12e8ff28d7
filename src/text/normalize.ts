/** How raw text is cleaned before tokenization. Stored in the model manifest. */
export interface NormalizeConfig {
  /** Unicode normalization form; NFKC folds full-width and compatibility characters. */
  unicode: 'NFKC' | 'NFC' | 'none';
  lowercase: boolean;
  /** Replace HTML line breaks and tags (`<br />`, `<i>`) by a space: IMDB reviews are full of them. */
  stripHtml: boolean;
  /**
   * Replace URLs, e-mail addresses, @mentions and numbers by one placeholder token each (`xxurl`,
   * `xxemail`, `xxuser`, `xxnum`): their exact spelling is noise, their presence is signal.
   * Absent in models written before 0.2 (nothing replaced).
   */
  urls?: boolean;
  emails?: boolean;
  mentions?: boolean;
  numbers?: boolean;
  /**
   * Fold letter variants that real Persian, Arabic, Urdu and Russian text mixes (FOLDED_LETTERS):
   * Arabic kaf/yeh → Persian keheh/yeh, tatweel and harakat removed, Arabic-Indic and Persian
   * digits → ASCII, ё → е. Absent in older models (nothing folded).
   */
  foldLetters?: boolean;
}

export const DEFAULT_NORMALIZE: NormalizeConfig = { unicode: 'NFKC', lowercase: true, stripHtml: true };

/** The placeholder tokens; letters only, so every tokenizer keeps them whole. */
export const PLACEHOLDERS = { url: 'xxurl', email: 'xxemail', mention: 'xxuser', number: 'xxnum' } as const;

// Exported for src/explain/normalize-offsets.ts, which replays these steps with an offset map.
export const URL = /\b(?:https?:\/\/|www\.)[^\s<>"']+/giu;
export const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}/gu;
// A mention starts a word: not inside an e-mail address (already replaced) or a word.
export const MENTION = /(^|[^\p{L}\p{N}_@])@[\p{L}\p{N}_]{1,30}/gu;
export const NUMBER = /\p{Nd}+(?:[.,]\p{Nd}+)*/gu;

export const HTML_TAG = /<\/?[a-zA-Z][^<>]{0,200}>/g;
export const HTML_ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&nbsp;': ' ' };
export const HTML_ENTITY = /&(?:amp|lt|gt|quot|#39|nbsp);/g;

export function normalizeText(text: string, config: NormalizeConfig): string {
  let s = text;
  if (config.stripHtml && s.indexOf('<') !== -1) s = s.replace(HTML_TAG, ' ');
  if (config.stripHtml && s.indexOf('&') !== -1) s = s.replace(HTML_ENTITY, (m) => HTML_ENTITIES[m] ?? m);
  if (config.unicode !== 'none') s = s.normalize(config.unicode);
  // After Unicode normalization (presentation forms are plain letters by then), before the
  // placeholders (Persian digits become ASCII for xxnum) and lowercasing (Ё and ё both fold).
  if (config.foldLetters) s = foldLetters(s);
  s = replacePlaceholders(s, config);
  if (config.lowercase) s = s.toLowerCase();
  return s;
}

/**
 * The letter folding of `foldLetters`, code point → replacement ('' deletes it). Every key and
 * value is one UTF-16 unit in U+0401..U+06F9, so the fold is a table lookup per unit.
 * Not folded on purpose: the madda and hamza marks U+0653–U+0655, which NFC/NFKC compose into
 * letters of their own (آ أ إ ؤ ئ ۀ) — deleting them would turn alef-with-madda into alef.
 */
export const FOLDED_LETTERS: Readonly<Record<string, string>> = Object.freeze(buildFoldedLetters());

function buildFoldedLetters(): Record<string, string> {
  const map: Record<string, string> = {};
  const ch = (cp: number): string => String.fromCharCode(cp);
  map[ch(0x0643)] = ch(0x06a9); // Arabic kaf ك → Persian keheh ک
  map[ch(0x064a)] = ch(0x06cc); // Arabic yeh ي → Farsi yeh ی
  map[ch(0x0649)] = ch(0x06cc); // alef maksura ى → Farsi yeh ی
  map[ch(0x0640)] = ''; // tatweel (kashida) ـ, stretching for emphasis
  for (let cp = 0x064b; cp <= 0x0652; cp++) map[ch(cp)] = ''; // tanwin, fatha, damma, kasra, shadda, sukun
  for (let cp = 0x0656; cp <= 0x065f; cp++) map[ch(cp)] = ''; // other vowel marks
  map[ch(0x0670)] = ''; // superscript (dagger) alef
  for (let d = 0; d <= 9; d++) {
    map[ch(0x0660 + d)] = String(d); // Arabic-Indic digits ٠–٩
    map[ch(0x06f0 + d)] = String(d); // extended (Persian, Urdu) digits ۰–۹
  }
  map[ch(0x0451)] = ch(0x0435); // ё → е
  map[ch(0x0401)] = ch(0x0415); // Ё → Е
  return map;
}

const FOLD_FIRST = 0x0401;
const FOLD_LAST = 0x06f9;
const KEEP = 0xffff;
const DELETE = 0xfffe;
/** FOLDED_LETTERS as a table from (unit − FOLD_FIRST) to its replacement unit, KEEP or DELETE. */
const FOLD_TABLE: Uint16Array = (() => {
  const table = new Uint16Array(FOLD_LAST - FOLD_FIRST + 1).fill(KEEP);
  for (const [from, to] of Object.entries(FOLDED_LETTERS)) table[from.charCodeAt(0) - FOLD_FIRST] = to === '' ? DELETE : to.charCodeAt(0);
  return table;
})();

/**
 * Finds the first unit to fold. One regex search, not a loop in JavaScript: V8 scans a character
 * class natively (2–3× faster on Hangul or English text), and skips one-byte (Latin-1) strings
 * outright, since none of these units can occur in them.
 */
const FOLDABLE = new RegExp(`[${Object.keys(FOLDED_LETTERS).map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}]`);

/** FOLDED_LETTERS applied in one pass; the text itself when nothing in it folds. */
export function foldLetters(text: string): string {
  let i = text.search(FOLDABLE);
  if (i === -1) return text;
  const n = text.length;
  const out = new Uint16Array(n);
  let o = 0;
  for (let j = 0; j < i; j++) out[o++] = text.charCodeAt(j);
  for (; i < n; i++) {
    const c = text.charCodeAt(i);
    const r = c >= FOLD_FIRST && c <= FOLD_LAST ? FOLD_TABLE[c - FOLD_FIRST] : KEEP;
    if (r === KEEP) out[o++] = c;
    else if (r !== DELETE) out[o++] = r;
  }
  return decodeUnits(out, o);
}

/** The string of the first `length` units (in chunks: fromCharCode takes a bounded argument list). */
function decodeUnits(units: Uint16Array, length: number): string {
  const CHUNK = 8192;
  if (length <= CHUNK) return String.fromCharCode.apply(null, units.subarray(0, length) as unknown as number[]);
  const parts: string[] = [];
  for (let k = 0; k < length; k += CHUNK) parts.push(String.fromCharCode.apply(null, units.subarray(k, Math.min(length, k + CHUNK)) as unknown as number[]));
  return parts.join('');
}

function replacePlaceholders(text: string, config: NormalizeConfig): string {
  let s = text;
  // The cheap indexOf checks skip the regexes for the many texts without any of these.
  if (config.urls && (s.indexOf('http') !== -1 || s.indexOf('www.') !== -1 || s.indexOf('WWW.') !== -1)) s = s.replace(URL, ` ${PLACEHOLDERS.url} `);
  if (s.indexOf('@') !== -1) {
    if (config.emails) s = s.replace(EMAIL, ` ${PLACEHOLDERS.email} `);
    if (config.mentions) s = s.replace(MENTION, `$1 ${PLACEHOLDERS.mention} `);
  }
  if (config.numbers) s = s.replace(NUMBER, ` ${PLACEHOLDERS.number} `);
  return s;
}
