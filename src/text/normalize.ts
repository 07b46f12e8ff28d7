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
  s = replacePlaceholders(s, config);
  if (config.lowercase) s = s.toLowerCase();
  return s;
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
