import { test } from 'node:test';
import assert from 'node:assert/strict';
import { contentSecurityPolicy, makeNonce, panelHtml } from '../../client/src/panel/panelHtml';

const opts = { cspSource: 'https://file+.vscode-resource.vscode-cdn.net', nonce: 'abc123', scriptUri: 'https://x/dist/webview.js', styleUri: 'https://x/dist/webview.css' };
const page = panelHtml(opts);

test('the policy allows nothing but our nonce script and own styles/images', () => {
  assert.equal(
    contentSecurityPolicy(opts.cspSource, opts.nonce),
    `default-src 'none'; script-src 'nonce-abc123'; style-src ${opts.cspSource} 'nonce-abc123'; img-src ${opts.cspSource} data:; font-src ${opts.cspSource}`,
  );
  assert.ok(page.includes(`content="default-src 'none'; script-src 'nonce-abc123';`));
});

test('every script carries the nonce; no inline handlers or remote hosts', () => {
  const scripts = [...page.matchAll(/<script[^>]*>/g)].map((m) => m[0]);
  assert.equal(scripts.length, 1);
  assert.ok(scripts.every((s) => s.includes('nonce="abc123"')));
  assert.doesNotMatch(page, /\son\w+=/);
  const urls = [...page.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
  assert.deepEqual(urls, [opts.styleUri, opts.scriptUri]);
});

test('nonces are 32 alphanumerics and differ per call', () => {
  const rnd = (n: number) => Uint8Array.from({ length: n }, () => Math.floor(Math.random() * 256));
  const a = makeNonce(rnd);
  assert.match(a, /^[A-Za-z0-9]{32}$/);
  assert.notEqual(a, makeNonce(rnd));
});
