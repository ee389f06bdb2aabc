// A strict check of JUnit XML: well-formed XML 1.0 (one root, nesting, quoted unique attributes,
// only the five predefined entities and character references, no raw `<`/`&`, no forbidden
// control characters), then the structure of the common JUnit schema (windyroad JUnit.xsd):
// required elements and attributes, element order, types (int, decimal, zone-less dateTime,
// non-empty tokens), and counts consistent with the children.
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const NAME = '[A-Za-z_:][-A-Za-z0-9_:.]*';
// eslint-disable-next-line no-control-regex
const FORBIDDEN = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/;

function decode(raw: string, where: string): string {
  if (raw.includes('<')) throw new Error(`raw < in ${where}`);
  return raw.replace(/&([^;]*);?/g, (m, ent: string) => {
    if (!m.endsWith(';')) throw new Error(`unterminated entity in ${where}: ${m}`);
    const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };
    if (ent in named) return named[ent];
    const num = /^#(?:x([0-9A-Fa-f]+)|([0-9]+))$/.exec(ent);
    if (!num) throw new Error(`unknown entity &${ent}; in ${where}`);
    const cp = num[1] ? parseInt(num[1], 16) : Number(num[2]);
    const ch = String.fromCodePoint(cp);
    if (FORBIDDEN.test(ch)) throw new Error(`forbidden character reference &${ent}; in ${where}`);
    return ch;
  });
}

/** Parses well-formed XML (no DTD, no CDATA, no processing instructions besides the declaration). */
export function parseXml(xml: string): XmlElement {
  if (FORBIDDEN.test(xml)) throw new Error('a character XML 1.0 forbids');
  let i = 0;
  const decl = /^<\?xml version="1\.0" encoding="UTF-8"\?>\s*/.exec(xml);
  if (!decl) throw new Error('missing <?xml version="1.0" encoding="UTF-8"?> declaration');
  i = decl[0].length;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const tagRe = new RegExp(`<(/?)(${NAME})((?:\\s+${NAME}\\s*=\\s*"[^"]*")*)\\s*(/?)>`, 'y');
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    if (stack.length) stack[stack.length - 1].text += decode(text, `text of <${stack[stack.length - 1].name}>`);
    else if (text.trim() !== '') throw new Error(`text outside the root: ${text.trim().slice(0, 40)}`);
    if (lt < 0) break;
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt);
      if (end < 0) throw new Error('unterminated comment');
      i = end + 3;
      continue;
    }
    tagRe.lastIndex = lt;
    const m = tagRe.exec(xml);
    if (!m) throw new Error(`malformed tag at offset ${lt}: ${xml.slice(lt, lt + 60)}`);
    i = tagRe.lastIndex;
    const [, close, name, attrText, selfClose] = m;
    if (close) {
      if (attrText.trim() || selfClose) throw new Error(`malformed end tag </${name}>`);
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}>`);
      continue;
    }
    if (!stack.length && root) throw new Error('more than one root element');
    const attrs: Record<string, string> = {};
    for (const a of attrText.matchAll(new RegExp(`(${NAME})\\s*=\\s*"([^"]*)"`, 'g'))) {
      if (a[1] in attrs) throw new Error(`duplicate attribute ${a[1]} on <${name}>`);
      attrs[a[1]] = decode(a[2], `attribute ${a[1]} of <${name}>`);
    }
    const el: XmlElement = { name, attrs, children: [], text: '' };
    if (stack.length) stack[stack.length - 1].children.push(el);
    else root = el;
    if (!selfClose) stack.push(el);
  }
  if (stack.length) throw new Error(`unclosed <${stack[stack.length - 1].name}>`);
  if (!root) throw new Error('no root element');
  return root;
}

const isInt = (s: string | undefined) => s !== undefined && /^(0|[1-9][0-9]*)$/.test(s);
const isDecimal = (s: string | undefined) => s !== undefined && /^[0-9]+(\.[0-9]+)?$/.test(s);
const isToken = (s: string | undefined) => s !== undefined && s !== '' && !/[\n\r\t]|^ | $|  /.test(s);
const isDateTime = (s: string | undefined) => s !== undefined && /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}$/.test(s);

function only(el: XmlElement, allowed: string[], required: string[]): void {
  for (const k of Object.keys(el.attrs)) if (!allowed.includes(k)) throw new Error(`<${el.name}> has attribute ${k} the schema does not allow`);
  for (const k of required) if (!(k in el.attrs)) throw new Error(`<${el.name}> lacks required attribute ${k}`);
}

/** Validates a JUnit report; returns the suites for further assertions. */
export function validateJUnit(xml: string): XmlElement[] {
  const root = parseXml(xml);
  if (root.name !== 'testsuites') throw new Error(`root is <${root.name}>, not <testsuites>`);
  only(root, [], []);
  if (root.text.trim()) throw new Error('text in <testsuites>');
  root.children.forEach((suite, index) => {
    if (suite.name !== 'testsuite') throw new Error(`<${suite.name}> in <testsuites>`);
    const req = ['id', 'package', 'name', 'timestamp', 'hostname', 'tests', 'failures', 'errors', 'time'];
    only(suite, req, req);
    if (suite.attrs.id !== String(index)) throw new Error(`testsuite id ${suite.attrs.id} is not its index ${index}`);
    for (const k of ['package', 'name', 'hostname']) if (!isToken(suite.attrs[k])) throw new Error(`testsuite ${k} is not a token: ${JSON.stringify(suite.attrs[k])}`);
    for (const k of ['tests', 'failures', 'errors']) if (!isInt(suite.attrs[k])) throw new Error(`testsuite ${k} is not an int`);
    if (!isDecimal(suite.attrs.time)) throw new Error('testsuite time is not a decimal');
    if (!isDateTime(suite.attrs.timestamp)) throw new Error(`testsuite timestamp ${suite.attrs.timestamp} is not a zone-less dateTime`);
    const names = suite.children.map((c) => c.name);
    const cases = suite.children.filter((c) => c.name === 'testcase');
    const expectedOrder = ['properties', ...cases.map(() => 'testcase'), 'system-out', 'system-err'];
    if (names.join(',') !== expectedOrder.join(',')) throw new Error(`testsuite children ${names.join(',')} not in the order properties, testcase*, system-out, system-err`);
    const props = suite.children[0];
    only(props, [], []);
    for (const p of props.children) {
      if (p.name !== 'property') throw new Error(`<${p.name}> in <properties>`);
      only(p, ['name', 'value'], ['name', 'value']);
      if (!isToken(p.attrs.name)) throw new Error('property name is not a token');
    }
    let failures = 0;
    let errors = 0;
    for (const c of cases) {
      only(c, ['name', 'classname', 'time'], ['name', 'classname', 'time']);
      if (!isToken(c.attrs.name) || !isToken(c.attrs.classname)) throw new Error(`testcase name/classname not tokens: ${c.attrs.name}`);
      if (!isDecimal(c.attrs.time)) throw new Error('testcase time is not a decimal');
      if (c.children.length > 1) throw new Error('a testcase holds at most one failure or error');
      for (const f of c.children) {
        if (f.name !== 'failure' && f.name !== 'error') throw new Error(`<${f.name}> in <testcase>`);
        only(f, ['message', 'type'], ['type']);
        if (!isToken(f.attrs.type)) throw new Error('failure type is not a token');
        if (f.children.length) throw new Error('elements inside <failure>');
        if (f.name === 'failure') failures++;
        else errors++;
      }
    }
    if (Number(suite.attrs.tests) !== cases.length) throw new Error(`tests=${suite.attrs.tests} but ${cases.length} testcases`);
    if (Number(suite.attrs.failures) !== failures) throw new Error(`failures=${suite.attrs.failures} but ${failures} failures`);
    if (Number(suite.attrs.errors) !== errors) throw new Error(`errors=${suite.attrs.errors} but ${errors} errors`);
    for (const k of ['system-out', 'system-err']) {
      const el = suite.children.find((x) => x.name === k) as XmlElement;
      only(el, [], []);
      if (el.children.length) throw new Error(`elements inside <${k}>`);
    }
  });
  return root.children;
}
