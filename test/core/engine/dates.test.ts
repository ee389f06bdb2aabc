// Dates as Elasticsearch reads them: the default format (strict_date_optional_time||epoch_millis),
// a mapping's named or pattern format, and calendar dates that do not exist (rejected, not rolled over).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dateParserFor, parseDate } from '../../../server/src/core/engine/values';
import { resolveField } from '../../../server/src/core/engine/fields';

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('parseDate (default format)', () => {
  const cases: [unknown, string | undefined][] = [
    ['2024-02-29T10:00:00Z', '2024-02-29T10:00:00.000Z'],
    ['2024-02-30', undefined],
    ['2023-02-29', undefined],
    ['1900-02-29', undefined],
    ['2000-02-29', '2000-02-29T00:00:00.000Z'],
    ['2024-04-31T00:00:00Z', undefined],
    ['2024-13-01', undefined],
    ['2024-00-10', undefined],
    ['2024-01-01T24:00:00Z', undefined],
    ['2024-01-01T23:60:00Z', undefined],
    ['2024-01-01T23:59:60Z', undefined],
    ['2024-12-31T23:59:59.999Z', '2024-12-31T23:59:59.999Z'],
    ['2024-06-01T12:00:00+02:00', '2024-06-01T10:00:00.000Z'],
    ['0050-01-01', '0050-01-01T00:00:00.000Z'],
    ['1717243200000', '2024-06-01T12:00:00.000Z'],
    [1717243200000, '2024-06-01T12:00:00.000Z'],
    ['not a date', undefined],
  ];
  for (const [input, expected] of cases) it(`${JSON.stringify(input)} -> ${expected}`, () => assert.equal(iso(parseDate(input)), expected));
});

describe('dateParserFor (a mapping format)', () => {
  const cases: [string, unknown, string | undefined][] = [
    ['epoch_second', 1717243200, '2024-06-01T12:00:00.000Z'],
    ['epoch_second', '1717243200', '2024-06-01T12:00:00.000Z'],
    ['epoch_second', '1717243200.5', '2024-06-01T12:00:00.500Z'],
    ['epoch_millis', '1717243200000', '2024-06-01T12:00:00.000Z'],
    ['epoch_second', 'yesterday', undefined],
    ['strict_date_optional_time||epoch_second', '2024-06-01T12:00:00Z', '2024-06-01T12:00:00.000Z'],
    ['strict_date_optional_time||epoch_second', '1717243200', '2024-06-01T12:00:00.000Z'],
    ['dd-MM-yyyy', '01-06-2024', '2024-06-01T00:00:00.000Z'],
    ['dd-MM-yyyy', '30-02-2024', undefined],
    ['yyyy/MM/dd HH:mm', '2024/06/01 25:00', undefined],
  ];
  for (const [format, input, expected] of cases)
    it(`${format}: ${JSON.stringify(input)} -> ${expected}`, () => assert.equal(iso(dateParserFor(format)(input)), expected));

  it('a mapped epoch_second field reads seconds', () => {
    const f = resolveField('event.created', (n) => (n === 'event.created' ? 'date;format=epoch_second' : undefined));
    assert.equal(f.get({ event: { created: 1717243200 } }), Date.parse('2024-06-01T12:00:00Z'));
  });
});
