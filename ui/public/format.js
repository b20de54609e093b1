// Helpers shared by the pages (plain browser module, no build step).

/** Fetches JSON from the UI's read-only API. */
export async function getJson(path) {
  const res = await fetch(path, { headers: { accept: 'application/json' } });
  const body = await res.json();
  if (!res.ok) throw new Error(body.error ?? `${path}: HTTP ${res.status}`);
  return body;
}

/** Escapes text for HTML. */
export function esc(value) {
  return String(value ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
}

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

/** A count with thousands separators. */
export const count = (n) => (n === null || n === undefined ? '-' : integer.format(n));

/** Milliseconds with one decimal, or '-' when unknown. */
export const ms = (n) => (n === null || n === undefined ? '-' : `${n.toFixed(1)} ms`);

/** A table from column definitions [{ title, value(row), num }]. */
export function table(columns, rows) {
  const head = columns.map((c) => `<th class="${c.num ? 'num' : ''}">${esc(c.title)}</th>`).join('');
  const body = rows
    .map((r) => `<tr>${columns.map((c) => `<td class="${c.num ? 'num' : ''}">${c.html ? c.html(r) : esc(c.value(r))}</td>`).join('')}</tr>`)
    .join('');
  return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}

/** The current UTC time as the pages show it. */
export const utcNow = () => `${new Date().toISOString().slice(0, 19).replace('T', ' ')} UTC`;
