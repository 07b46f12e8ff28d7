import { escapeMarkup } from '../report/escape.js';

type Json = Record<string, unknown>;

/**
 * /docs: the OpenAPI document rendered on the server into one self-contained HTML page (no
 * script, no CDN), so it works offline and with a strict Content-Security-Policy.
 */
export function renderDocsPage(doc: Json): string {
  const info = doc.info as { title: string; version: string; description: string };
  const paths = doc.paths as Record<string, Record<string, Json>>;
  const sections: string[] = [];
  const toc: string[] = [];
  for (const [p, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const anchor = `${method}-${p}`.replace(/[^A-Za-z0-9]+/g, '-');
      toc.push(`<li><a href="#${anchor}"><code>${method.toUpperCase()} ${escapeMarkup(p)}</code></a> ${escapeMarkup(String(op.summary ?? ''))}</li>`);
      const parts = [`<section id="${anchor}"><h2><span class="m ${method}">${method.toUpperCase()}</span> <code>${escapeMarkup(p)}</code></h2>`, `<p>${escapeMarkup(String(op.summary ?? ''))}</p>`];
      if (op.description) parts.push(`<p>${escapeMarkup(String(op.description))}</p>`);
      const params = (op.parameters ?? []) as Json[];
      if (params.length) {
        parts.push('<h3>Parameters</h3><table><tr><th>name</th><th>in</th><th>description</th></tr>');
        for (const prm of params) parts.push(`<tr><td><code>${escapeMarkup(String(prm.name))}</code></td><td>${escapeMarkup(String(prm.in))}</td><td>${escapeMarkup(String(prm.description ?? ''))}</td></tr>`);
        parts.push('</table>');
      }
      const body = op.requestBody as { content: Record<string, { schema?: unknown }> } | undefined;
      if (body) {
        for (const [type, c] of Object.entries(body.content)) {
          parts.push(`<h3>Request body <code>${escapeMarkup(type)}</code></h3>`);
          if (c.schema) parts.push(`<pre>${escapeMarkup(JSON.stringify(c.schema, null, 2))}</pre>`);
        }
      }
      parts.push('<h3>Responses</h3><ul>');
      for (const [code, r] of Object.entries((op.responses ?? {}) as Record<string, Json>)) {
        const content = r.content as Record<string, { schema?: unknown }> | undefined;
        const firstSchema = content ? Object.values(content)[0]?.schema : undefined;
        parts.push(`<li><b>${escapeMarkup(code)}</b> ${escapeMarkup(String(r.description ?? ''))}${firstSchema && code.startsWith('2') ? `<details><summary>schema</summary><pre>${escapeMarkup(JSON.stringify(firstSchema, null, 2))}</pre></details>` : ''}</li>`);
      }
      parts.push('</ul></section>');
      sections.push(parts.join('\n'));
    }
  }
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeMarkup(info.title)} API ${escapeMarkup(info.version)}</title>
<style>
body{font:16px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1b1b1b}
code,pre{font-family:ui-monospace,monospace;font-size:.9em}pre{background:#f4f4f4;padding:.75rem;overflow:auto;border-radius:4px}
section{border-top:1px solid #ddd;margin-top:2rem}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:.25rem .5rem;text-align:left}
.m{display:inline-block;min-width:4rem;padding:0 .4rem;border-radius:3px;color:#fff;font-size:.8em;text-align:center}.get{background:#1a6d3a}.post{background:#1d4f91}
a{color:#1d4f91}a:focus{outline:3px solid #f2a900}
</style></head>
<body><main>
<h1>${escapeMarkup(info.title)} API <small>${escapeMarkup(info.version)}</small></h1>
<p>${escapeMarkup(info.description)}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI 3.1).</p>
<nav aria-label="routes"><ul>${toc.join('\n')}</ul></nav>
${sections.join('\n')}
</main></body></html>
`;
}
