// JUnit XML for `eql-rules test --reporter junit`: one <testsuite> per rule, one <testcase> per
// expected event (test line), a <failure> with message and body for each failed one. Follows the
// strictest common schema (windyroad JUnit.xsd, which Jenkins, GitLab and Azure read): testsuites
// without attributes; testsuite with id, package, name, timestamp (no zone), hostname, tests,
// failures, errors, time; properties, testcases, system-out, system-err in that order.
import type { RuleTestError } from '../core/ruletests';

export interface JUnitCase {
  name: string;
  classname: string;
  /** Seconds. */
  time: number;
  failure?: { message: string; type: string; body: string };
}

export interface JUnitSuite {
  name: string;
  package: string;
  /** Seconds. */
  time: number;
  properties: [string, string][];
  cases: JUnitCase[];
  systemOut: string;
}

// XML 1.0 forbids most control characters even as references: drop them.
// eslint-disable-next-line no-control-regex
const INVALID_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g;

export function xmlEscape(s: string, attribute = false): string {
  const t = s.replace(INVALID_XML, '').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return attribute ? t.replace(/"/g, '&quot;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;').replace(/\t/g, '&#9;') : t;
}

/** A token (xs:token, non-empty): no line breaks, tabs or repeated spaces. */
function token(s: string): string {
  const t = s.replace(INVALID_XML, '').replace(/\s+/g, ' ').trim();
  return t === '' ? '-' : t;
}

const seconds = (n: number): string => (Math.max(0, n) / 1).toFixed(3);

export function formatJUnit(suites: JUnitSuite[], now: Date, hostname: string): string {
  // xs:dateTime without a zone, as the schema's pattern wants.
  const timestamp = now.toISOString().slice(0, 19);
  const attr = (k: string, v: string) => ` ${k}="${xmlEscape(v, true)}"`;
  const out: string[] = ['<?xml version="1.0" encoding="UTF-8"?>', '<testsuites>'];
  suites.forEach((s, id) => {
    const failures = s.cases.filter((c) => c.failure).length;
    out.push(
      `  <testsuite${attr('id', String(id))}${attr('package', token(s.package))}${attr('name', token(s.name))}${attr('timestamp', timestamp)}${attr('hostname', token(hostname))}` +
        `${attr('tests', String(s.cases.length))}${attr('failures', String(failures))}${attr('errors', '0')}${attr('time', seconds(s.time))}>`,
    );
    out.push('    <properties>');
    for (const [k, v] of s.properties) out.push(`      <property${attr('name', token(k))}${attr('value', v)}/>`);
    out.push('    </properties>');
    for (const c of s.cases) {
      const head = `    <testcase${attr('name', token(c.name))}${attr('classname', token(c.classname))}${attr('time', seconds(c.time))}`;
      if (!c.failure) out.push(`${head}/>`);
      else {
        out.push(`${head}>`);
        out.push(`      <failure${attr('message', c.failure.message)}${attr('type', token(c.failure.type))}>${xmlEscape(c.failure.body)}</failure>`);
        out.push('    </testcase>');
      }
    }
    out.push(`    <system-out>${xmlEscape(s.systemOut)}</system-out>`);
    out.push('    <system-err/>');
    out.push('  </testsuite>');
  });
  out.push('</testsuites>');
  return out.join('\n') + '\n';
}

/** A test file's format errors as a suite of failed cases (the file cannot be trusted). */
export function errorSuite(testFile: string, errors: RuleTestError[]): JUnitSuite {
  return {
    name: `${testFile} (test file)`,
    package: testFile,
    time: 0,
    properties: [['file', testFile]],
    cases: errors.map((e) => ({
      name: `${e.file}:${e.line}:${e.column}`,
      classname: testFile,
      time: 0,
      failure: { message: `${e.code} ${e.message}`, type: e.code, body: `${e.file}:${e.line}:${e.column}: ${e.code} ${e.message}` },
    })),
    systemOut: '',
  };
}
