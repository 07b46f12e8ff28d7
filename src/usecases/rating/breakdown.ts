import { applyStarMap, naiveStars, type StarMap } from './star-map.js';
import { MAX_STARS, MIN_STARS } from './stars.js';

/** How one true star rating fares: what the map and the naive rule give reviews that have it. */
export interface StarRow {
  true_stars: number;
  n: number;
  mean_learnt: number;
  mean_naive: number;
  mae_learnt: number;
  mae_naive: number;
}

/** Per true star (only those present): mean predicted stars and MAE of the learnt map and the naive rule. */
export function breakdownByTrueStars(map: StarMap, scores: ArrayLike<number>, stars: ArrayLike<number>): StarRow[] {
  const rows: StarRow[] = [];
  for (let s = MIN_STARS; s <= MAX_STARS; s++) {
    let n = 0;
    let sumLearnt = 0;
    let sumNaive = 0;
    let errLearnt = 0;
    let errNaive = 0;
    for (let i = 0; i < scores.length; i++) {
      if (stars[i] !== s) continue;
      const learnt = applyStarMap(map, scores[i]);
      const naive = naiveStars(scores[i]);
      n++;
      sumLearnt += learnt;
      sumNaive += naive;
      errLearnt += Math.abs(learnt - s);
      errNaive += Math.abs(naive - s);
    }
    if (n > 0) rows.push({ true_stars: s, n, mean_learnt: sumLearnt / n, mean_naive: sumNaive / n, mae_learnt: errLearnt / n, mae_naive: errNaive / n });
  }
  return rows;
}

export function breakdownTable(rows: readonly StarRow[]): string {
  const head = 'true stars      n   mean learnt  mean naive   MAE learnt  MAE naive';
  const lines = rows.map((r) =>
    [String(r.true_stars).padStart(10), String(r.n).padStart(6), r.mean_learnt.toFixed(2).padStart(13), r.mean_naive.toFixed(2).padStart(11), r.mae_learnt.toFixed(3).padStart(12), r.mae_naive.toFixed(3).padStart(10)].join(''),
  );
  return [head, ...lines].join('\n') + '\n';
}
