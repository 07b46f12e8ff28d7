import { DataError } from '../../errors.js';
import type { ScoredCatalog } from './catalog-scores.js';
import { argmax } from './distribution.js';

/** How often the model's top emotion of an item is the one the catalog says it was written for. */
export interface Agreement {
  column: string;
  items: number;
  agree: number;
  fraction: number;
  /** Per intended label: items written for it, and how many the model put there. */
  per_label: Record<string, { items: number; agree: number }>;
  /** intended → predicted → count, for the items where they differ. */
  confusions: Record<string, Record<string, number>>;
}

/**
 * A sanity check of a scored catalog against a column of intended labels (e.g. `written_for`).
 * Every item must carry a label of the model there: a typo would silently lower the figure.
 */
export function agreementWith(scored: ScoredCatalog, column: string, file: string): Agreement {
  const key = column.trim().toLowerCase();
  const perLabel: Agreement['per_label'] = {};
  const confusions: Agreement['confusions'] = {};
  for (const label of scored.labels) perLabel[label] = { items: 0, agree: 0 };
  let agree = 0;
  scored.items.forEach((item, i) => {
    const intended = item.extra[key];
    if (intended === undefined) throw new DataError({ file, line: 1, field: key }, `no such column; the catalog's extra columns are ${Object.keys(item.extra).join(', ') || 'none'}`);
    const want = intended.trim();
    if (!scored.labels.includes(want)) throw new DataError({ file, line: item.line, field: key }, `"${want.slice(0, 60)}" is not a label of the model (${scored.labels.join(', ')})`);
    const got = scored.labels[argmax(scored.distributions[i])];
    perLabel[want].items++;
    if (got === want) {
      agree++;
      perLabel[want].agree++;
    } else {
      confusions[want] ??= {};
      confusions[want][got] = (confusions[want][got] ?? 0) + 1;
    }
  });
  return { column: key, items: scored.items.length, agree, fraction: scored.items.length ? agree / scored.items.length : 0, per_label: perLabel, confusions };
}
