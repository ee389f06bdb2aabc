import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml, html, trusted } from '../../client/webview/html';
import { unexpectedMarkup, textOf } from './helpers';

const cases: [unknown, string][] = [
  ['<img src=x onerror=alert(1)>', '&lt;img src=x onerror=alert(1)&gt;'],
  ['a & b', 'a &amp; b'],
  [`"quoted" 'single'`, '&quot;quoted&quot; &#39;single&#39;'],
  [42, '42'],
  [null, ''],
  [undefined, ''],
  [false, ''],
  [['<a>', '<b>'], '&lt;a&gt;&lt;b&gt;'],
  [trusted('<b>ok</b>'), '<b>ok</b>'],
  [html`<i>${'<x>'}</i>`, '<i>&lt;x&gt;</i>'],
];

for (const [value, expected] of cases) {
  test(`html interpolates ${JSON.stringify(String(value))}`, () => {
    assert.equal(html`${value}`.value, expected);
  });
}

test('an attribute value cannot break out of its quotes', () => {
  const out = html`<div title="${'" onmouseover="alert(1)'}"></div>`.value;
  assert.deepEqual(unexpectedMarkup(out), []);
  assert.equal(textOf(out), '');
});

test('escapeHtml round-trips through textOf', () => {
  const s = `<script>alert("x")</script> & 'y'`;
  assert.equal(textOf(escapeHtml(s)), s);
});
