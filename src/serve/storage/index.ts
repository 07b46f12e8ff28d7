import { ApiKeyStore } from './api-keys.js';
import { openDatabase, type Db } from './db.js';
import { FeedbackStore } from './feedback.js';
import { JobStore } from './jobs.js';
import { PredictionLog } from './prediction-log.js';

/** Everything the server keeps in SQLite, behind one handle. */
export interface Storage {
  db: Db;
  keys: ApiKeyStore;
  jobs: JobStore;
  feedback: FeedbackStore;
  predictionLog: PredictionLog;
  close(): void;
}

export function openStorage(file: string, logPredictionDays = 0): Storage {
  const db = openDatabase(file);
  return {
    db,
    keys: new ApiKeyStore(db),
    jobs: new JobStore(db),
    feedback: new FeedbackStore(db),
    predictionLog: new PredictionLog(db, logPredictionDays),
    close: () => {
      if (db.open) db.close();
    },
  };
}
