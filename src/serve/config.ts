import net from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { UsageError } from '../errors.js';

/**
 * The server's settings: flags, then environment variables, then defaults (the table in
 * docs/api.md). One zod schema validates the merged result, so a bad value is refused at start
 * with a message naming the flag, never discovered mid-request.
 */
export interface ServeConfig {
  port: number;
  host: string;
  modelsDir: string;
  dbPath: string;
  maxTexts: number;
  maxTextChars: number;
  longTexts: 'refuse' | 'window';
  bodyLimit: number;
  uploadLimit: number;
  /** Requests per second per key (or per address without a key); 0 = off. */
  rateLimit: number;
  /** Allowed CORS origin; null = CORS off (no headers sent). */
  cors: string | null;
  /** Days predictions are kept in the prediction log; 0 = no log. */
  logPredictions: number;
  /** Days a finished batch job (row and files) is kept after it ended; 0 = forever. */
  jobRetentionDays: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'silent';
  /** Seconds between rescans of the models folder (the folder is also watched). */
  rescanSeconds: number;
  /** The experiment-tracking database the Runs view reads (read-only); a missing file means no runs yet. */
  runsDb: string;
  /** The folder of recommendation catalogs (CSV / SQLite) that /v1/catalogs and /v1/recommend serve. */
  catalogsDir: string;
  /** The Redis of distributed runs (redis://host:port[/db]) whose progress the Runs view shows; null = not shown. */
  queue: string | null;
}

/** A setting: its flag, its environment variable and its default (as the string a user would type). */
interface Setting {
  key: keyof ServeConfig;
  flag: string;
  env: string;
  fallback: string;
}

export const SETTINGS: readonly Setting[] = [
  { key: 'port', flag: 'port', env: 'TEXTCLASS_PORT', fallback: '8080' },
  { key: 'host', flag: 'host', env: 'TEXTCLASS_HOST', fallback: '127.0.0.1' },
  { key: 'modelsDir', flag: 'models', env: 'TEXTCLASS_MODELS', fallback: './models' },
  { key: 'dbPath', flag: 'db', env: 'TEXTCLASS_DB', fallback: './textclass.sqlite' },
  { key: 'maxTexts', flag: 'max-texts', env: 'TEXTCLASS_MAX_TEXTS', fallback: '1000' },
  { key: 'maxTextChars', flag: 'max-text-chars', env: 'TEXTCLASS_MAX_TEXT_CHARS', fallback: '100000' },
  { key: 'longTexts', flag: 'long-texts', env: 'TEXTCLASS_LONG_TEXTS', fallback: 'refuse' },
  { key: 'bodyLimit', flag: 'body-limit', env: 'TEXTCLASS_BODY_LIMIT', fallback: String(10 * 1024 * 1024) },
  { key: 'uploadLimit', flag: 'upload-limit', env: 'TEXTCLASS_UPLOAD_LIMIT', fallback: String(1024 * 1024 * 1024) },
  { key: 'rateLimit', flag: 'rate-limit', env: 'TEXTCLASS_RATE_LIMIT', fallback: '100' },
  { key: 'cors', flag: 'cors', env: 'TEXTCLASS_CORS', fallback: '' },
  { key: 'logPredictions', flag: 'log-predictions', env: 'TEXTCLASS_LOG_PREDICTIONS', fallback: '0' },
  { key: 'jobRetentionDays', flag: 'job-retention-days', env: 'TEXTCLASS_JOB_RETENTION_DAYS', fallback: '7' },
  { key: 'logLevel', flag: 'log-level', env: 'TEXTCLASS_LOG_LEVEL', fallback: 'info' },
  { key: 'rescanSeconds', flag: 'rescan-seconds', env: 'TEXTCLASS_RESCAN_SECONDS', fallback: '5' },
  { key: 'runsDb', flag: 'runs-db', env: 'TEXTCLASS_RUNS_DB', fallback: './textclass-runs.sqlite' },
  { key: 'queue', flag: 'queue', env: 'TEXTCLASS_QUEUE', fallback: '' },
  { key: 'catalogsDir', flag: 'catalogs', env: 'TEXTCLASS_CATALOGS', fallback: './data/catalog' },
];

const intIn = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** Accepts "10485760", "10MiB", "512KiB", "1GiB" (binary units; also KB/MB/GB as the same). */
const byteSize = z.string().transform((s, ctx) => {
  const m = /^\s*(\d+)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$/i.exec(s);
  if (!m) {
    ctx.addIssue({ code: 'custom', message: `expected a size in bytes such as 10485760 or 10MiB, got "${s}"` });
    return z.NEVER;
  }
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  const mult = unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : unit === 'g' ? 1024 ** 3 : 1;
  return Number(m[1]) * mult;
});

export const serveConfigSchema = z.object({
  port: intIn(0, 65535),
  host: z.string().min(1),
  modelsDir: z.string().min(1),
  dbPath: z.string().min(1),
  maxTexts: intIn(1, 1_000_000),
  maxTextChars: intIn(1, 100_000_000),
  longTexts: z.enum(['refuse', 'window']),
  bodyLimit: byteSize.pipe(z.number().int().min(1024)),
  uploadLimit: byteSize.pipe(z.number().int().min(1024)),
  rateLimit: z.coerce.number().min(0),
  cors: z.string().transform((s) => (s === '' || s === 'off' ? null : s)),
  logPredictions: intIn(0, 36500),
  jobRetentionDays: intIn(0, 36500),
  logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'silent']),
  rescanSeconds: z.coerce.number().min(0.05).max(3600),
  runsDb: z.string().min(1),
  queue: z.string().transform((s) => (s === '' || s === 'off' ? null : s)),
  catalogsDir: z.string().min(1),
});

/**
 * Merges flags (already parsed, by flag name), environment and defaults, and validates them.
 * Paths are made absolute against `cwd`.
 */
export function resolveServeConfig(flags: Record<string, string | undefined>, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): ServeConfig {
  const raw: Record<string, string> = {};
  const origin = new Map<string, string>();
  for (const s of SETTINGS) {
    const fromFlag = flags[s.flag];
    const fromEnv = env[s.env];
    if (fromFlag !== undefined) {
      raw[s.key] = fromFlag;
      origin.set(s.key, `--${s.flag}`);
    } else if (fromEnv !== undefined && fromEnv !== '') {
      raw[s.key] = fromEnv;
      origin.set(s.key, s.env);
    } else {
      raw[s.key] = s.fallback;
      origin.set(s.key, `--${s.flag}`);
    }
  }
  const parsed = serveConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue.path[0]);
    throw new UsageError(`${origin.get(key) ?? key}: ${issue.message} (got "${raw[key]}"; see \`textclass serve --help\`)`);
  }
  const config: ServeConfig = { ...parsed.data, modelsDir: path.resolve(cwd, parsed.data.modelsDir), dbPath: path.resolve(cwd, parsed.data.dbPath), runsDb: path.resolve(cwd, parsed.data.runsDb), catalogsDir: path.resolve(cwd, parsed.data.catalogsDir) };
  return config;
}

/** True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost') return true;
  if (net.isIPv4(h)) return h.startsWith('127.');
  if (net.isIPv6(h)) return h === '::1' || h.startsWith('::ffff:127.');
  return false;
}

/** The defaults, for tests and for callers that build an app without flags. */
export function defaultServeConfig(overrides: Partial<ServeConfig> = {}): ServeConfig {
  return { ...resolveServeConfig({}, {}), ...overrides };
}
