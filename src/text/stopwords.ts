import { createRequire } from 'node:module';

/** Stop-word lists of the `stopword` package (English: its `eng`; Russian: `rus`, Snowball's list). */
export type StopWordLanguage = 'en' | 'ru';

const require = createRequire(import.meta.url);

const LISTS: Record<StopWordLanguage, string> = { en: 'eng', ru: 'rus' };

/** The stop words of `language`, lowercase: they match tokens of lowercased text (the default). */
export function stopWordSet(language: StopWordLanguage): ReadonlySet<string> {
  const key = LISTS[language];
  if (!key) throw new Error(`unknown stop-word language ${String(language)}`);
  const lists = require('stopword') as Record<string, readonly string[] | undefined>;
  const list = lists[key];
  if (!Array.isArray(list)) throw new Error(`the stopword package has no list ${key}`);
  return new Set(list);
}
