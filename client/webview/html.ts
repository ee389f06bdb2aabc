// Safe HTML building for the panel. Every interpolated value is escaped unless it is already an
// `Html` made by this module, so a sample value such as `<img src=x onerror=alert(1)>` can only
// ever reach the page as text. Pure: no DOM, so rendering is testable in node.

export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c]);
}

/** Interpolation: Html as is, arrays joined, null/undefined/false dropped, anything else escaped as text. */
function part(value: unknown): string {
  if (value instanceof Html) return value.value;
  if (Array.isArray(value)) return value.map(part).join('');
  if (value === null || value === undefined || value === false) return '';
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): Html {
  let out = strings[0];
  for (let i = 0; i < values.length; i++) out += part(values[i]) + strings[i + 1];
  return new Html(out);
}

/** For markup this module's callers generate themselves (never for sample data). */
export function trusted(markup: string): Html {
  return new Html(markup);
}
