// One IP parser (engine/ip.ts) with Elasticsearch's rules (InetAddresses.forString): the engine, the
// analyzer's cidrMatch check (EQL107) and CloudTrail's source.ip all give the same answer.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ipKey, parseCidr, parseIp } from '../../../server/src/core/engine/ip';
import { isCidr, analyze } from '../../../server/src/core/analysis/analyzer';
import { parse } from '../../../server/src/core/syntax/parser';
import { isIpAddress, normalizeCloudTrail } from '../../../server/src/core/samples/cloudtrail';

// [text, is an address, is a CIDR block]
const CASES: [string, boolean, boolean][] = [
  ['10.0.0.1', true, true],
  ['10.0.0.0/8', false, true],
  ['255.255.255.255', true, true],
  ['256.0.0.1', false, false],
  [' 10.0.0.1', false, false],
  ['10.0.0.1 ', false, false],
  ['010.0.0.1', false, false],
  ['10.0.0', false, false],
  ['0.0.0.0', true, true],
  ['1.2.3.4.', false, false],
  ['.1.2.3.4', false, false],
  ['1..2.3', false, false],
  ['1.2.3.4.5', false, false],
  ['1.2.3.00', false, false],
  ['1.2.3.1000', false, false],
  ['1.2.3.+4', false, false],
  ['1.2.3.٤', false, false],
  ['192.168.1.250', true, true],
  ['10.0.0.1%eth0', false, false],
  ['fe80::1', true, true],
  ['fe80::1%eth0', true, true],
  ['fe80::1%', false, false],
  ['fe80::/10', false, true],
  ['::ffff:10.0.0.1', true, true],
  ['::', true, true],
  ['1:2:3:4:5:6:7:8', true, true],
  ['1:2:3:4:5:6:7:8:9', false, false],
  ['1::2::3', false, false],
  ['10.0.0.0/33', false, false],
  ['::/129', false, false],
  ['10.0.0.0/', false, false],
  ['', false, false],
];

describe('IP addresses and CIDR blocks', () => {
  for (const [text, ip, cidr] of CASES) {
    it(`${JSON.stringify(text)}: address ${ip}, cidr ${cidr}`, () => {
      assert.equal(parseIp(text) !== undefined, ip, 'engine parseIp');
      assert.equal(isIpAddress(text), ip, 'CloudTrail source.ip');
      assert.equal(parseCidr(text) !== undefined, cidr, 'engine parseCidr');
      assert.equal(isCidr(text), cidr, 'analyzer isCidr');
      const d = analyze(parse(`any where cidrMatch(source.ip, ${JSON.stringify(text)})`)).map((x) => x.code);
      assert.equal(d.includes('EQL107'), !cidr, `EQL107 in ${d.join(',')}`);
    });
  }

  it('a scope is dropped: fe80::1%eth0 equals fe80::1', () => assert.equal(ipKey('fe80::1%eth0'), ipKey('fe80::1')));

  it('CloudTrail: sourceIPAddress becomes source.ip only when it is an address', () => {
    const doc = (ip: string) => normalizeCloudTrail({ eventTime: '2024-01-01T00:00:00Z', eventName: 'X', sourceIPAddress: ip }) as { source?: { ip?: string; address?: string } };
    assert.equal(doc('198.51.100.7').source?.ip, '198.51.100.7');
    assert.equal(doc('fe80::1%eth0').source?.ip, 'fe80::1%eth0');
    assert.equal(doc(' 198.51.100.7').source?.ip, undefined);
  });
});
