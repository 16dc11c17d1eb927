import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import {
  canonicalIp,
  formatIp,
  ipFromKey,
  ipKey,
  parseIp,
  parseIpv4,
} from '../../../src/domain/ip-address.ts'

describe('IPv4 parsing', () => {
  test('plain dotted quads parse to their exact value', () => {
    assert.deepEqual(parseIp('10.0.0.1'), { version: 4, value: 0x0a000001n })
    assert.deepEqual(parseIp('255.255.255.255'), { version: 4, value: 0xffffffffn })
    assert.deepEqual(parseIp('0.0.0.0'), { version: 4, value: 0n })
  })
  test('leading zeros are refused (never read as octal or silently as decimal)', () => {
    for (const text of ['010.0.0.1', '10.00.0.1', '10.0.0.01', '00.0.0.0'])
      assert.equal(parseIp(text), undefined, text)
  })
  test('with zerofill, leading zeros are read as decimal (netaddr ZEROFILL)', () => {
    assert.deepEqual(parseIpv4('010.090.0.001', true), { version: 4, value: 0x0a5a0001n })
  })
  test('malformed text is refused', () => {
    for (const text of [
      '10.0.0',
      '10.0.0.0.1',
      '10.0.0.256',
      '1.2.3.4 ',
      ' 1.2.3.4',
      '0x0a.0.0.1',
      '',
      '1..2.3',
      '-1.0.0.0',
    ]) {
      assert.equal(parseIp(text), undefined, JSON.stringify(text))
    }
  })
})

describe('IPv6 parsing and canonical form (RFC 5952)', () => {
  const cases: [string, string][] = [
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['2001:0db8:0000:0000:0000:0000:0000:00ab', '2001:db8::ab'],
    ['2001:db8:1:0:f816:3eff:fe2c:d62', '2001:db8:1:0:f816:3eff:fe2c:d62'],
    ['::', '::'],
    ['::1', '::1'],
    ['1::', '1::'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['::ffff:10.0.0.1', '::ffff:10.0.0.1'],
    ['::FFFF:0A00:0001', '::ffff:10.0.0.1'],
    ['1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:102:304'],
    ['fe80::1:2:3:4', 'fe80::1:2:3:4'],
  ]
  for (const [input, canonical] of cases) {
    test(`${input} → ${canonical}`, () => {
      assert.equal(canonicalIp(input), canonical)
    })
  }
  test('malformed text is refused', () => {
    for (const text of [
      ':::',
      '1:::2',
      '1::2::3',
      '12345::',
      '1:2:3:4:5:6:7:8:9',
      'g::1',
      'fe80::1%eth0',
      '1:2:3:4:5:6:7',
      ':1::',
      '::1.2.3',
    ]) {
      assert.equal(parseIp(text), undefined, text)
    }
  })
})

describe('properties', () => {
  test('format then parse gives the same address (both families)', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc
            .bigInt({ min: 0n, max: (1n << 32n) - 1n })
            .map((value) => ({ version: 4 as const, value })),
          fc
            .bigInt({ min: 0n, max: (1n << 128n) - 1n })
            .map((value) => ({ version: 6 as const, value })),
        ),
        (ip) => {
          assert.deepEqual(parseIp(formatIp(ip)), ip)
        },
      ),
      { numRuns: 2000 },
    )
  })
  test('storage keys sort in numeric order', () => {
    fc.assert(
      fc.property(
        fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
        fc.bigInt({ min: 0n, max: (1n << 128n) - 1n }),
        (a, b) => {
          const ka = ipKey(a)
          const kb = ipKey(b)
          assert.equal(ka < kb, a < b)
          assert.equal(ipFromKey(6, ka).value, a)
        },
      ),
      { numRuns: 2000 },
    )
  })
})
