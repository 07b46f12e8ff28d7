/** How raw text is cleaned before tokenization. Stored in the model manifest. */
export interface NormalizeConfig {
  /** Unicode normalization form; NFKC folds full-width and compatibility characters. */
  unicode: 'NFKC' | 'NFC' | 'none';
  lowercase: boolean;
  /** Replace HTML line breaks and tags (`<br />`, `<i>`) by a space: IMDB reviews are full of them. */
  stripHtml: boolean;
}

export const DEFAULT_NORMALIZE: NormalizeConfig = { unicode: 'NFKC', lowercase: true, stripHtml: true };

const HTML_TAG = /<\/?[a-zA-Z][^<>]{0,200}>/g;
const HTML_ENTITIES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"', '&#39;': "'", '&nbsp;': ' ' };
const HTML_ENTITY = /&(?:amp|lt|gt|quot|#39|nbsp);/g;

export function normalizeText(text: string, config: NormalizeConfig): string {
  let s = text;
  if (config.stripHtml && s.indexOf('<') !== -1) s = s.replace(HTML_TAG, ' ');
  if (config.stripHtml && s.indexOf('&') !== -1) s = s.replace(HTML_ENTITY, (m) => HTML_ENTITIES[m] ?? m);
  if (config.unicode !== 'none') s = s.normalize(config.unicode);
  if (config.lowercase) s = s.toLowerCase();
  return s;
}
