import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { cidrSize, formatCidr, parseCidr, parseCidrText, toCidr } from '../../../src/domain/cidr.ts'
import { IntervalSet, type Interval } from '../../../src/domain/interval-set.ts'
import { eui64InterfaceId, parseMac, randomMac } from '../../../src/domain/mac-address.ts'

describe('CIDRs', () => {
  test('host bits are cleared', () => {
    const parsed = parseCidrText('10.3.0.5/24')
    assert.ok(parsed !== undefined)
    assert.equal(formatCidr(toCidr(parsed.address, parsed.prefixLength)), '10.3.0.0/24')
  })
  test('sizes are exact, far beyond 2^53', () => {
    assert.equal(cidrSize(parseCidr('2001:db8::/64') ?? assert.fail()), 18446744073709551616n)
    assert.equal(cidrSize(parseCidr('::/0') ?? assert.fail()), 1n << 128n)
    assert.equal(cidrSize(parseCidr('10.0.0.0/8') ?? assert.fail()), 16777216n)
    assert.equal(cidrSize(parseCidr('10.0.0.1/32') ?? assert.fail()), 1n)
  })
  test('bad prefixes are refused', () => {
    for (const t of [
      '10.0.0.0/33',
      '2001:db8::/129',
      '10.0.0.0/-1',
      '10.0.0.0/',
      'x/24',
      '10.0.0.0/2a',
    ])
      assert.equal(parseCidr(t), undefined, t)
  })
})

const small = fc
  .array(fc.tuple(fc.integer({ min: 0, max: 300 }), fc.integer({ min: 0, max: 40 })), {
    maxLength: 12,
  })
  .map((pairs) =>
    IntervalSet.of(pairs.map(([s, len]) => ({ start: BigInt(s), end: BigInt(s + len) }))),
  )
const members = (set: IntervalSet): Set<number> => {
  const out = new Set<number>()
  for (const i of set.intervals) for (let v = i.start; v <= i.end; v++) out.add(Number(v))
  return out
}

describe('interval sets (checked against explicit sets of small numbers)', () => {
  test('normalised: sorted, disjoint, not adjacent', () => {
    fc.assert(
      fc.property(small, (set) => {
        const is = set.intervals
        for (let k = 1; k < is.length; k++)
          assert.ok((is[k] as Interval).start > (is[k - 1] as Interval).end + 1n)
      }),
    )
  })
  test('union, subtract, intersect agree with set algebra; size is exact', () => {
    fc.assert(
      fc.property(small, small, (a, b) => {
        const ma = members(a)
        const mb = members(b)
        assert.deepEqual(members(a.union(b)), new Set([...ma, ...mb]))
        assert.deepEqual(members(a.subtract(b)), new Set([...ma].filter((x) => !mb.has(x))))
        assert.deepEqual(members(a.intersect(b)), new Set([...ma].filter((x) => mb.has(x))))
        assert.equal(a.size(), BigInt(ma.size))
        assert.equal(
          a.covers(b),
          [...mb].every((x) => ma.has(x)),
        )
        for (let v = 0; v < 360; v += 7) assert.equal(a.has(BigInt(v)), ma.has(v))
      }),
      { numRuns: 500 },
    )
  })
  test('toCidrs covers exactly the set with aligned blocks', () => {
    fc.assert(
      fc.property(small, (set) => {
        const cidrs = set.toCidrs(4)
        assert.deepEqual(members(IntervalSet.ofCidrs(cidrs)), members(set))
        for (const c of cidrs) assert.equal(c.network % cidrSize(c), 0n)
      }),
    )
  })
  test('adjacent prefixes merge (Neutron stores 10.251.0.0/24 + 10.251.1.0/24 as /23)', () => {
    const merged = IntervalSet.ofCidrs([
      parseCidr('10.251.0.0/24') ?? assert.fail(),
      parseCidr('10.251.1.0/24') ?? assert.fail(),
    ])
    assert.deepEqual(merged.toCidrs(4).map(formatCidr), ['10.251.0.0/23'])
  })
  test('firstFreePrefix finds the lowest aligned block inside the set', () => {
    const pool = IntervalSet.ofCidrs([parseCidr('10.0.0.0/16') ?? assert.fail()]).subtract(
      IntervalSet.ofCidrs([parseCidr('10.0.0.0/26') ?? assert.fail()]),
    )
    assert.equal(formatCidr(pool.firstFreePrefix(4, 26) ?? assert.fail()), '10.0.0.64/26')
    assert.equal(formatCidr(pool.firstFreePrefix(4, 24) ?? assert.fail()), '10.0.1.0/24')
    assert.equal(pool.firstFreePrefix(4, 15), undefined)
  })
})

describe('MACs and EUI-64', () => {
  test('the EUI-64 of fa:16:3e:2c:0d:62 is what Neutron computed (f816:3eff:fe2c:d62)', () => {
    assert.equal(
      eui64InterfaceId(parseMac('fa:16:3e:2c:0d:62') ?? assert.fail()).toString(16),
      'f8163efffe2c0d62',
    )
  })
  test('random MACs keep the base OUI and are unicast', () => {
    const base = parseMac('fa:16:3e:00:00:00') ?? assert.fail()
    for (let i = 0; i < 50; i++) {
      const mac = randomMac(base)
      assert.match(mac, /^fa:16:3e:[0-9a-f]{2}:[0-9a-f]{2}:[0-9a-f]{2}$/)
    }
  })
})
