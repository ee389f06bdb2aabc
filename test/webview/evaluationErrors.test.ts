// The results panel shows events the engine could not evaluate as a visible warning with their place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunRuleResult } from '../../server/src/protocol';
import { renderHeader } from '../../client/webview/render';
import { fixture, textOf, unexpectedMarkup } from './helpers';

const event = fixture<RunRuleResult>('event-result.json');
const XSS = '<img src=x onerror=alert(1)>';

test('header: evaluation errors as an alert with file:line and the message as text', () => {
  const result: RunRuleResult = {
    ...event,
    evaluationErrors: { count: 3, first: [{ file: '/s/big.ndjson', line: 7, column: 1, message: `too long ${XSS}` }] },
  };
  const out = renderHeader(result, 'samples').value;
  assert.deepEqual(unexpectedMarkup(out), []);
  assert.match(out, /class="evaluation-errors" role="alert"/);
  const text = textOf(out).replace(/\s+/g, ' ');
  assert.ok(text.includes('3 events could not be evaluated and are left out of the results.'), text);
  assert.ok(text.includes(`big.ndjson:7:1 too long ${XSS}`), text);
});

test('header: no warning when every event was evaluated', () => {
  assert.doesNotMatch(renderHeader(event, 'samples').value, /evaluation-errors/);
});
