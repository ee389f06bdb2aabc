// The run's progress bar: the reader's per-file byte counts become a share of all the samples.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { progressTracker } from '../../server/src/lsp/runs';

test('progress: share of all sample bytes across files, at most every 100 ms', () => {
  const reports: [string, number | undefined][] = [];
  let t = 0;
  const track = progressTracker(new Map([['/a.json', 300], ['/b.json', 100]]), { report: (m, p) => reports.push([m, p]) }, () => t);
  track({ events: 10, files: 0, file: '/a.json', bytesRead: 150, totalBytes: 300 });
  t = 50;
  track({ events: 20, files: 0, file: '/a.json', bytesRead: 300, totalBytes: 300 }); // too soon: dropped
  t = 200;
  track({ events: 30, files: 1, file: '/b.json', bytesRead: 50, totalBytes: 100 });
  t = 400;
  track({ events: 40, files: 2 });
  assert.deepEqual(reports.map(([, p]) => p), [37.5, 87.5, 87.5]);
  assert.equal(reports[2][0], '40 events · 2 files read');
});

test('progress without known sizes has no percentage', () => {
  const reports: (number | undefined)[] = [];
  progressTracker(new Map(), { report: (_m, p) => reports.push(p) }, () => 0)({ events: 1, files: 0 });
  assert.deepEqual(reports, [undefined]);
});
