/**
 * Checks shared by the report's tests: markup that a browser and an XML parser both accept,
 * without pulling in a parser dependency.
 */

const VOID_HTML_ELEMENTS = new Set(['meta', 'link', 'br', 'img', 'input', 'hr', 'wbr', 'source']);

/**
 * Problems with the markup's structure: unbalanced or misnested tags, a raw "&" that starts no
 * entity, a "<" that starts no tag, and NaN/Infinity in attribute values. Empty when fine.
 * Text inside <script> and <style> is skipped (it is code, checked elsewhere).
 */
export function markupProblems(markup: string): string[] {
  const problems: string[] = [];
  const stack: string[] = [];
  const body = markup.replace(/<(script|style)\b[^>]*>[\s\S]*?<\/\1>/g, '').replace(/^<!doctype html>/i, '');
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+(?:="[^"]*")?)*)\s*(\/?)>/g;
  let at = 0;
  for (let m = tag.exec(body); m !== null; m = tag.exec(body)) {
    checkText(body.slice(at, m.index), problems);
    at = m.index + m[0].length;
    const [, closing, name, attributes, selfClosing] = m;
    if (/="[^"]*\b(NaN|Infinity)\b/.test(attributes)) problems.push(`non-finite number in <${name}${attributes}>`);
    checkText(attributes.replace(/"/g, ''), problems, true);
    if (selfClosing || VOID_HTML_ELEMENTS.has(name.toLowerCase())) continue;
    if (!closing) {
      stack.push(name);
    } else if (stack.pop() !== name) {
      problems.push(`</${name}> closes the wrong element`);
      break;
    }
  }
  checkText(body.slice(at), problems);
  if (stack.length > 0) problems.push(`unclosed: ${stack.join(' > ')}`);
  return problems;
}

function checkText(text: string, problems: string[], inAttribute = false): void {
  if (!inAttribute && text.includes('<')) problems.push(`stray "<" in text: ${JSON.stringify(text.slice(0, 60))}`);
  if (!inAttribute && text.includes('>')) problems.push(`stray ">" in text: ${JSON.stringify(text.slice(0, 60))}`);
  const amp = /&(?!(?:amp|lt|gt|quot|#39|#x?[0-9a-fA-F]+);)/.exec(text);
  if (amp) problems.push(`raw "&" in ${JSON.stringify(text.slice(Math.max(0, amp.index - 20), amp.index + 20))}`);
}
