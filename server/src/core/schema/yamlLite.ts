// A small YAML reader for field definition files (integration fields.yml, ECS-style flat YAML):
// block mappings and sequences, plain/quoted scalars (multi-line too), `|`/`>` block scalars,
// simple flow lists and maps. Anchors, tags and multi-document streams are not needed by
// these files and are not supported. Never throws: problems become errors with a line number,
// and parsing goes on with the next line.

export type YamlValue = string | number | boolean | null | YamlValue[] | { [key: string]: YamlValue };

export interface YamlError {
  line: number;
  column: number;
  message: string;
}

interface Line {
  indent: number;
  text: string;
  n: number;
}

function stripComment(s: string): string {
  let q: string | undefined;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (q) {
      if (c === '\\' && q === '"') i++;
      else if (c === q) q = undefined;
    } else if (c === '"' || c === "'") {
      if (i === 0 || /[\s:[{,-]/.test(s[i - 1])) q = c;
    } else if (c === '#' && (i === 0 || /\s/.test(s[i - 1]))) return s.slice(0, i).trimEnd();
  }
  return s.trimEnd();
}

function scalar(raw: string): YamlValue {
  const s = raw.trim();
  if (s === '' || s === '~' || s === 'null' || s === 'Null' || s === 'NULL') return null;
  if (s === 'true' || s === 'True') return true;
  if (s === 'false' || s === 'False') return false;
  if (/^-?\d+$/.test(s) && s.length < 16) return Number(s);
  if (/^-?\d*\.\d+(e[+-]?\d+)?$/i.test(s)) return Number(s);
  if (s.startsWith('"') && s.endsWith('"') && s.length >= 2) {
    try {
      return JSON.parse(s.replace(/\\'/g, "'").replace(/\t/g, '\\t')) as string;
    } catch {
      return s.slice(1, -1);
    }
  }
  if (s.startsWith("'") && s.endsWith("'") && s.length >= 2) return s.slice(1, -1).replace(/''/g, "'");
  if (s.startsWith('[') && s.endsWith(']')) return splitFlow(s.slice(1, -1)).map(scalar);
  if (s.startsWith('{') && s.endsWith('}')) {
    const out: { [k: string]: YamlValue } = {};
    for (const part of splitFlow(s.slice(1, -1))) {
      const i = part.indexOf(':');
      if (i > 0) out[String(scalar(part.slice(0, i)))] = scalar(part.slice(i + 1));
    }
    return out;
  }
  return s;
}

function splitFlow(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let q: string | undefined;
  let cur = '';
  for (const c of s) {
    if (q) {
      if (c === q) q = undefined;
    } else if (c === '"' || c === "'") q = c;
    else if (c === '[' || c === '{') depth++;
    else if (c === ']' || c === '}') depth--;
    else if (c === ',' && depth === 0) {
      if (cur.trim()) out.push(cur.trim());
      cur = '';
      continue;
    }
    cur += c;
  }
  if (cur.trim()) out.push(cur.trim());
  return out;
}

const KEY = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s"'#][^#]*?)\s*:(?:\s+|$)/;

export function parseYaml(text: string): { value: YamlValue; errors: YamlError[] } {
  const raw = text.replace(/\r\n?/g, '\n').split('\n');
  const errors: YamlError[] = [];
  const lines: (Line | undefined)[] = raw.map((r, n) => {
    if (/^\s*(#.*)?$/.test(r) || r.startsWith('---') || r.startsWith('...')) return undefined;
    const indent = r.length - r.trimStart().length;
    return { indent, text: stripComment(r.trimStart()), n };
  });
  let i = 0;
  const peek = (): Line | undefined => {
    while (i < lines.length && !lines[i]) i++;
    return lines[i];
  };

  function blockScalar(header: string, parentIndent: number): string {
    const folded = header.startsWith('>');
    const keep = header.includes('+');
    const strip = header.includes('-');
    const body: string[] = [];
    let indent = -1;
    let k = i + 1;
    for (; k < raw.length; k++) {
      const r = raw[k];
      if (r.trim() === '') {
        body.push('');
        continue;
      }
      const ind = r.length - r.trimStart().length;
      if (ind <= parentIndent) break;
      if (indent < 0) indent = ind;
      body.push(r.slice(Math.min(indent, ind)));
    }
    while (!keep && body.length && body[body.length - 1] === '') body.pop();
    i = k;
    const joined = folded ? body.join('\n').replace(/([^\n])\n(?=[^\n ])/g, '$1 ') : body.join('\n');
    return strip ? joined : joined + '\n';
  }

  /** A scalar value that may continue on more-indented lines (plain) or until its closing quote. */
  function inlineValue(rest: string, line: Line): YamlValue {
    let s = rest;
    i++;
    const quote = s[0] === '"' || s[0] === "'" ? s[0] : undefined;
    if (quote) {
      const closed = (x: string) => new RegExp(quote === '"' ? '^"(?:[^"\\\\]|\\\\.)*"\\s*$' : "^'(?:[^']|'')*'\\s*$").test(x);
      while (!closed(s) && i < raw.length) {
        s += ' ' + raw[i].trim();
        i++;
      }
      return scalar(s);
    }
    if (s.startsWith('[') || s.startsWith('{')) {
      let depth = 0;
      const bal = (x: string) => [...x].reduce((d, c) => d + (c === '[' || c === '{' ? 1 : c === ']' || c === '}' ? -1 : 0), 0);
      depth = bal(s);
      while (depth > 0 && i < raw.length) {
        const next = stripComment(raw[i].trim());
        s += ' ' + next;
        depth += bal(next);
        i++;
      }
      return scalar(s);
    }
    for (let next = peek(); next && next.indent > line.indent && !KEY.test(next.text) && !next.text.startsWith('- '); next = peek()) {
      s += ' ' + next.text;
      i++;
    }
    return scalar(s);
  }

  function block(indent: number): YamlValue {
    const line = peek();
    if (!line || line.indent < indent) return null;
    if (line.text === '-' || line.text.startsWith('- ')) return sequence(line.indent);
    if (KEY.test(line.text)) return mapping(line.indent);
    return inlineValue(line.text, line);
  }

  function sequence(indent: number): YamlValue[] {
    const out: YamlValue[] = [];
    for (let line = peek(); line && line.indent === indent && (line.text === '-' || line.text.startsWith('- ')); line = peek()) {
      const content = line.text.slice(1).trimStart();
      if (!content) {
        i++;
        const next = peek();
        out.push(next && next.indent > indent ? block(next.indent) : null);
        continue;
      }
      // `- key: value` opens a mapping whose other keys align with `key`.
      const col = indent + (line.text.length - content.length);
      lines[i] = { indent: col, text: content, n: line.n };
      out.push(block(col));
    }
    return out;
  }

  function mapping(indent: number): { [key: string]: YamlValue } {
    const out: { [key: string]: YamlValue } = {};
    for (let line = peek(); line && line.indent === indent; line = peek()) {
      const m = KEY.exec(line.text);
      if (!m) {
        errors.push({ line: line.n + 1, column: line.indent + 1, message: 'expected `key: value`' });
        i++;
        continue;
      }
      const key = String(scalar(m[1]));
      const rest = line.text.slice(m[0].length).trim();
      if (rest === '') {
        i++;
        const next = peek();
        if (next && next.indent > indent) out[key] = block(next.indent);
        else if (next && next.indent === indent && (next.text === '-' || next.text.startsWith('- '))) out[key] = sequence(indent);
        else out[key] = null;
      } else if (/^[|>][+-]?\d*$/.test(rest)) out[key] = blockScalar(rest, indent);
      else out[key] = inlineValue(rest, line);
    }
    return out;
  }

  const first = peek();
  const value = first ? block(first.indent) : null;
  const left = peek();
  if (left) errors.push({ line: left.n + 1, column: left.indent + 1, message: 'unexpected indentation; the rest of the file was ignored' });
  return { value, errors };
}
