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

it('the common form yyyy-MM-ddTHH:mm:ss[.f…]Z, read without the regex, gives what the regex reads (lower-case t and z take the regex)', () => {
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2147483648) % n);
  const pad = (v: number, w: number) => String(v).padStart(w, '0');
  const years = [0, 1, 99, 100, 1582, 1900, 1970, 2000, 2023, 2024, 2100, 9999];
  let checked = 0;
  let prevDay = '';
  for (let i = 0; i < 20_000; i++) {
    const y = rnd(3) ? years[rnd(years.length)] : rnd(10_000);
    const frac = rnd(3) === 0 ? '' : '.' + Array.from({ length: 1 + rnd(10) }, () => rnd(10)).join('');
    // Half the dates on the day before (valid or not): the day's midnight is remembered from one date to the next.
    const day = i > 0 && rnd(2) ? prevDay : `${pad(y, 4)}-${pad(rnd(14), 2)}-${pad(rnd(33), 2)}`;
    prevDay = day;
    const s = `${day}T${pad(rnd(25), 2)}:${pad(rnd(61), 2)}:${pad(rnd(61), 2)}${frac}Z`;
    const want = parseDate(s.toLowerCase());
    assert.equal(parseDate(s), want, s);
    assert.equal(dateParserFor('strict_date_optional_time')(s), want, s);
    if (want !== undefined) checked++;
  }
  assert.ok(checked > 1000, `${checked} valid dates compared`);
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

it('parseDate remembers only the last text it read: the same text again, another, then the first once more each give their own value', () => {
  const texts = ['2024-10-01T00:00:00Z', '2024-10-01T00:00:00Z', '2024-10-01T00:00:01Z', 'not a date', 'not a date', '2024-10-01T00:00:00Z', '1717243200000', '2024-02-30', '2024-10-01T00:00:01Z'];
  const expected = ['2024-10-01T00:00:00.000Z', '2024-10-01T00:00:00.000Z', '2024-10-01T00:00:01.000Z', undefined, undefined, '2024-10-01T00:00:00.000Z', '2024-06-01T12:00:00.000Z', undefined, '2024-10-01T00:00:01.000Z'];
  assert.deepEqual(texts.map((t) => iso(parseDate(t))), expected);
  // A number between two equal texts does not disturb the text remembered.
  assert.equal(iso(parseDate('2024-10-01T00:00:01Z')), '2024-10-01T00:00:01.000Z');
  assert.equal(parseDate(5), 5);
  assert.equal(iso(parseDate('2024-10-01T00:00:01Z')), '2024-10-01T00:00:01.000Z');
});
