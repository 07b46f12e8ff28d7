import path from 'node:path';
import { UsageError } from '../../errors.js';
import { openStorage } from '../../serve/storage/index.js';
import { parseCommandArgs, requireFlag, stringFlag, boolFlag } from '../args.js';
import { out } from '../output.js';

export const keysHelp = `Usage: textclass keys <create|list|revoke> [options]

Manages the API keys of \`textclass serve\`, stored hashed in its SQLite database. A key is shown
once, when it is created; keep it somewhere safe. With at least one key in the database every
API request needs one (Authorization: Bearer <key>, or x-api-key: <key>); without keys, auth is
off, which the server allows only on a loopback address.

Scopes:
  read     list models, predict, read jobs, send feedback
  admin    also upload batch jobs and reload models

Commands:
  keys create --scope read|admin [--name <label>]   create a key and print it (once)
  keys list [--json]                                id, name, scope, created, revoked
  keys revoke <id>                                  the key stops working within a second

Options:
  --db <file>      the server's database (default: $TEXTCLASS_DB, else ./textclass.sqlite)
  -h, --help       show this help

Examples:
  textclass keys create --scope admin --name ops
  curl -H "Authorization: Bearer tc_…" http://127.0.0.1:8080/v1/models
  textclass keys revoke 3f2a9c0d1e4b5a6f
`;

function dbPath(flag: string | undefined): string {
  return path.resolve(flag ?? (process.env.TEXTCLASS_DB || './textclass.sqlite'));
}

export async function runKeys(argv: string[]): Promise<number> {
  const args = parseCommandArgs('keys', argv, { scope: { type: 'string' }, name: { type: 'string' }, db: { type: 'string' }, json: { type: 'boolean' } }, { min: 1, max: 2, names: 'a subcommand (create, list or revoke)' });
  if (args.values.help) {
    out(keysHelp);
    return 0;
  }
  const [sub, id] = args.positionals;
  if (sub !== 'create' && sub !== 'list' && sub !== 'revoke') throw new UsageError(`unknown subcommand "${sub}": use create, list or revoke (see \`textclass keys --help\`)`);
  if (sub !== 'revoke' && id !== undefined) throw new UsageError(`unexpected argument "${id}" (see \`textclass keys --help\`)`);
  const storage = openStorage(dbPath(stringFlag(args, 'db')));
  try {
    if (sub === 'create') {
      const scope = requireFlag(args, 'keys', 'scope', 'read|admin');
      if (scope !== 'read' && scope !== 'admin') throw new UsageError(`--scope must be read or admin, got "${scope}"`);
      const { key, info } = storage.keys.create(scope, stringFlag(args, 'name') ?? '');
      out(`${key}\n`);
      process.stderr.write(`created ${scope} key ${info.id}${info.name ? ` (${info.name})` : ''}; it is shown only now. Revoke it with \`textclass keys revoke ${info.id}\`.\n`);
    } else if (sub === 'list') {
      const keys = storage.keys.list();
      if (boolFlag(args, 'json')) out(JSON.stringify(keys) + '\n');
      else if (keys.length === 0) out('no API keys (auth is off on loopback addresses)\n');
      else for (const k of keys) out(`${k.id}  ${k.scope.padEnd(5)}  ${k.created_at}  ${k.revoked_at ? `revoked ${k.revoked_at}` : 'active'}  ${k.name}\n`);
    } else {
      if (id === undefined) throw new UsageError('missing the key id to revoke (see `textclass keys list`)');
      if (!storage.keys.revoke(id)) throw new UsageError(`no active key with id "${id}" (see \`textclass keys list\`)`);
      out(`revoked ${id}\n`);
    }
  } finally {
    storage.close();
  }
  return 0;
}
