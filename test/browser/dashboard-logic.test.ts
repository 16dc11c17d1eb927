import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { isAutoAddress } from '../../src/services/ipam-spec.ts'
import { ApiError, errorFromResponse, nextMarker } from '../../web/src/api/api-client.ts'
import { ipamCall } from '../../web/src/pages/ipam/ipam-call.ts'
import {
  parseJson,
  toBigInt,
  type JsonObject,
  type JsonValue,
} from '../../web/src/api/json-bigint.ts'
import type { Whoami } from '../../web/src/api/neutron-types.ts'
import {
  automaticAddresses,
  describeAutomaticAddresses,
  isAutoAddressSubnet,
  type AddressingSubnet,
} from '../../web/src/lib/automatic-addresses.ts'
import { formatIp, parseCidr, parseIp } from '../../web/src/lib/ip-address.ts'
import { mayChange } from '../../web/src/lib/ownership.ts'
import {
  cidrProblem,
  EMPTY_SUBNET_FORM,
  fieldForRefusal,
  isValid,
  subnetRequestBody,
  validateSubnetForm,
} from '../../web/src/lib/subnet-form.ts'
import { usagePercent } from '../../web/src/lib/usage-percent.ts'

describe('parseJson (BigInt-safe)', () => {
  test('keeps integers beyond 2^53 exact', () => {
    const v = parseJson(
      '{"used_ips": 1, "total_ips": 18446744073709551615, "sum": 18446744073709551868, "n": -9007199254740993}',
    )
    assert.deepEqual(v, {
      used_ips: 1,
      total_ips: 18446744073709551615n,
      sum: 18446744073709551868n,
      n: -9007199254740993n,
    })
    const total = (parseJson('{"total_ips": 18446744073709551615}') as JsonObject).total_ips
    assert.equal(toBigInt(total).toString(), '18446744073709551615')
  })

  test('agrees with JSON.parse, except that only unsafe integers become BigInts', () => {
    /** BigInts back to (rounded) numbers, checking each is beyond Number's exact range. */
    const rounded = (v: JsonValue): unknown => {
      if (typeof v === 'bigint') {
        assert.ok(!Number.isSafeInteger(Number(v)), `${v.toString()} should have stayed a number`)
        return Number(v)
      }
      if (Array.isArray(v)) return v.map(rounded)
      if (v !== null && typeof v === 'object') {
        return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, rounded(x)]))
      }
      return v
    }
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const text = JSON.stringify(value)
        assert.deepEqual(rounded(parseJson(text)), JSON.parse(text))
      }),
      { numRuns: 500 },
    )
  })

  test('decodes escapes, keeps "__proto__" as data, and refuses what is not JSON', () => {
    assert.deepEqual(parseJson(' ["a\\"b\\u00e9\\n", 1.5e3, true, null] '), [
      'a"bé\n',
      1500,
      true,
      null,
    ])
    const o = parseJson('{"__proto__": {"x": 1}}') as Record<string, unknown>
    assert.deepEqual(Object.keys(o), ['__proto__'])
    assert.equal(Object.getPrototypeOf(o), Object.prototype)
    for (const bad of ['', '{', '[1,]', '{"a" 1}', '01', 'tru', '"x', '1 2', '{"a":1,}']) {
      assert.throws(() => parseJson(bad), SyntaxError, bad)
    }
  })
})

describe('usagePercent (BigInt arithmetic)', () => {
  test('exact shares, including IPv6 sizes', () => {
    assert.deepEqual(usagePercent(0n, 253n), { basisPoints: 0, label: '0%' })
    assert.deepEqual(usagePercent(1n, 253n), { basisPoints: 39, label: '0.4%' })
    assert.deepEqual(usagePercent(253n, 253n), { basisPoints: 10000, label: '100%' })
    assert.deepEqual(usagePercent(1n, 18446744073709551615n), { basisPoints: 0, label: '<0.1%' })
    assert.deepEqual(usagePercent(18446744073709551614n, 18446744073709551615n), {
      basisPoints: 9999,
      label: '>99.9%',
    })
    assert.deepEqual(usagePercent(9223372036854775808n, 18446744073709551616n), {
      basisPoints: 5000,
      label: '50%',
    })
    assert.equal(usagePercent(0n, 0n).label, '0%')
  })
})

describe('IP addresses and CIDRs', () => {
  test('parse and format IPv4 and IPv6', () => {
    assert.equal(parseIp('10.50.0.7')?.value, 0x0a320007n)
    assert.equal(parseIp('10.50.0.256'), undefined)
    assert.equal(parseIp('010.1.1.1'), undefined)
    assert.equal(parseIp('fd00::1')?.value, (0xfd00n << 112n) | 1n)
    assert.equal(parseIp('::ffff:10.0.0.1')?.value, (0xffffn << 32n) | 0x0a000001n)
    assert.equal(parseIp('1::2::3'), undefined)
    assert.equal(parseIp('1:2:3:4:5:6:7:8:9'), undefined)
    assert.equal(formatIp(6, (0xfd00n << 112n) | 1n), 'fd00::1')
    assert.equal(formatIp(6, 0n), '::')
    assert.equal(formatIp(6, (1n << 112n) | (1n << 64n)), '1:0:0:1::')
    assert.equal(formatIp(4, 0x0a320000n), '10.50.0.0')
    const cidr = parseCidr('fd00:50::/64')
    assert.equal(cidr?.last, (0xfd00_0050n << 96n) | 0xffff_ffff_ffff_ffffn)
  })

  test('CIDR problems while typing', () => {
    assert.equal(cidrProblem('', 4, false), undefined)
    assert.match(cidrProblem('', 4, true) ?? '', /Enter/)
    assert.match(
      cidrProblem('10.50.0.0', 4, false) ?? '',
      /Add a prefix length, e.g. 10.50.0.0\/24/,
    )
    assert.match(cidrProblem('10.50.0.1/24', 4, false) ?? '', /host bits.*10\.50\.0\.0\/24/)
    assert.match(cidrProblem('10.50.0.0/33', 4, false) ?? '', /prefix length/)
    assert.match(cidrProblem('10.50.x.0/24', 4, false) ?? '', /not a valid/)
    assert.match(cidrProblem('fd00::/64', 4, false) ?? '', /IPv6 range/)
    assert.equal(cidrProblem('10.50.0.0/24', 4, false), undefined)
    assert.equal(cidrProblem('fd00:50::/64', 6, false), undefined)
  })
})

describe('the Create Subnet form', () => {
  const form = { ...EMPTY_SUBNET_FORM, cidr: '10.50.0.0/24' }

  test('pools must lie inside the CIDR, not overlap, and not hold the gateway', () => {
    const outside = validateSubnetForm(
      { ...form, pools: [{ start: '10.50.0.10', end: '10.50.1.20' }] },
      [],
      false,
    )
    assert.match(outside.poolRows[0] ?? '', /inside 10\.50\.0\.0\/24/)
    const broadcast = validateSubnetForm(
      { ...form, pools: [{ start: '10.50.0.10', end: '10.50.0.255' }] },
      [],
      false,
    )
    assert.match(broadcast.poolRows[0] ?? '', /broadcast/)
    const overlap = validateSubnetForm(
      {
        ...form,
        pools: [
          { start: '10.50.0.10', end: '10.50.0.20' },
          { start: '10.50.0.20', end: '10.50.0.30' },
        ],
      },
      [],
      false,
    )
    assert.match(overlap.poolRows[1] ?? '', /overlaps pool 1/)
    const gateway = validateSubnetForm(
      { ...form, pools: [{ start: '10.50.0.1', end: '10.50.0.20' }] },
      [],
      false,
    )
    assert.match(gateway.poolRows[0] ?? '', /gateway 10\.50\.0\.1/)
    const fine = validateSubnetForm(
      { ...form, pools: [{ start: '10.50.0.10', end: '10.50.0.20' }] },
      [],
      true,
    )
    assert.ok(isValid(fine))
  })

  test('gateway: explicit inside the CIDR, or none', () => {
    const outside = validateSubnetForm(
      { ...form, gatewayMode: 'explicit', gatewayIp: '10.60.0.1' },
      [],
      false,
    )
    assert.match(outside.fields.gateway ?? '', /inside 10\.50\.0\.0\/24/)
    assert.deepEqual(
      subnetRequestBody({ ...form, gatewayMode: 'none', name: ' web ' }, 'net-1').subnet,
      {
        network_id: 'net-1',
        ip_version: 4,
        enable_dhcp: true,
        name: 'web',
        cidr: '10.50.0.0/24',
        gateway_ip: null,
      },
    )
  })

  test('IPv6 modes: equal when both set; SLAAC needs a /64', () => {
    const v6 = { ...EMPTY_SUBNET_FORM, ipVersion: 6 as const, cidr: 'fd00:50::/80' }
    assert.match(
      validateSubnetForm(
        { ...v6, ipv6RaMode: 'slaac', ipv6AddressMode: 'dhcpv6-stateful' },
        [],
        false,
      ).fields.ipv6 ?? '',
      /must be the same/,
    )
    assert.match(
      validateSubnetForm({ ...v6, ipv6AddressMode: 'slaac' }, [], false).fields.ipv6 ?? '',
      /\/64/,
    )
  })

  test('a subnet pool and a prefix length within its limits', () => {
    const pool = {
      id: 'p1',
      name: 'pool',
      ip_version: 4,
      min_prefixlen: 16,
      max_prefixlen: 28,
      default_prefixlen: 24,
      prefixes: ['10.100.0.0/16'],
    }
    const values = {
      ...EMPTY_SUBNET_FORM,
      source: 'pool' as const,
      subnetpoolId: 'p1',
      prefixLength: '30',
    }
    assert.match(validateSubnetForm(values, [pool], false).fields.prefixLength ?? '', /16 to 28/)
    assert.deepEqual(subnetRequestBody({ ...values, prefixLength: '26' }, 'n').subnet, {
      network_id: 'n',
      ip_version: 4,
      enable_dhcp: true,
      subnetpool_id: 'p1',
      prefixlen: 26,
    })
  })

  test('a refusal goes beside the field it concerns', () => {
    assert.equal(
      fieldForRefusal(
        'Invalid input for operation: Requested subnet with cidr: 10.50.0.0/25 for network: x overlaps with another subnet.',
        'cidr',
      ),
      'cidr',
    )
    assert.equal(
      fieldForRefusal(
        'IPAM driver error: range 10.50.0.0/24 is not pre-defined in network view default',
        'cidr',
      ),
      'cidr',
    )
    assert.equal(
      fieldForRefusal(
        'The allocation pool 10.52.0.1-10.52.0.5 spans beyond the subnet cidr 10.51.0.0/24.',
        'cidr',
      ),
      'pools',
    )
    assert.equal(
      fieldForRefusal('Gateway ip 10.50.0.9 conflicts with allocation pool', 'cidr'),
      'pools',
    )
    assert.equal(fieldForRefusal('Invalid gateway', 'cidr'), 'gateway')
    assert.equal(fieldForRefusal('Prefix length 30 is beyond the pool', 'pool'), 'prefixLength')
  })
})

describe('API errors for people', () => {
  test('NeutronError, the 401 body, webob messages and bare statuses become sentences', () => {
    assert.equal(
      errorFromResponse(
        409,
        '{"NeutronError":{"type":"NetworkInUse","message":"Unable to complete operation on network x.","detail":""}}',
      ).message,
      'Unable to complete operation on network x.',
    )
    assert.equal(
      errorFromResponse(
        401,
        '{"error":{"code":401,"title":"Unauthorized","message":"The request you have made requires authentication."}}',
      ).message,
      'The request you have made requires authentication.',
    )
    assert.equal(
      errorFromResponse(
        404,
        '{"message":"The resource could not be found.<br /><br />\\nExtension x\\n\\n","code":"404 Not Found"}',
      ).message,
      'The resource could not be found. Extension x',
    )
    const bare = errorFromResponse(502, '<html>Bad Gateway</html>')
    assert.doesNotMatch(bare.message, /[{<]/)
    assert.match(bare.message, /502/)
  })

  test('the next page marker comes from the next link', () => {
    assert.equal(
      nextMarker([
        { rel: 'next', href: 'http://h/v2.0/ports?limit=20&marker=abc' },
        { rel: 'previous', href: 'http://h/v2.0/ports?limit=20&marker=x&page_reverse=True' },
      ]),
      'abc',
    )
    assert.equal(nextMarker([{ rel: 'previous', href: 'http://h/v2.0/ports?marker=x' }]), undefined)
  })

  test('IPAM calls: a server without the admin API, and a non-admin, get sentences', async () => {
    await assert.rejects(
      ipamCall(
        Promise.reject(new ApiError(404, 'HTTPNotFound', 'The resource could not be found.')),
      ),
      /does not offer the IPAM administration API/,
    )
    await assert.rejects(
      ipamCall(
        Promise.reject(
          new ApiError(403, 'PolicyNotAuthorized', 'rule:get_ipam_status is disallowed by policy'),
        ),
      ),
      /Only administrators may see this/,
    )
  })
})

describe('automatic port addresses, as the Create Port dialog describes them', () => {
  const v4: AddressingSubnet = { ip_version: 4, ipv6_address_mode: null, ipv6_ra_mode: null }
  const v6 = (address: string | null, ra: string | null = null): AddressingSubnet => ({
    ip_version: 6,
    ipv6_address_mode: address,
    ipv6_ra_mode: ra,
  })

  test('one IPv4 and one stateful IPv6 however many subnets, plus one per SLAAC subnet', () => {
    const subnets = [v4, v4, v6('dhcpv6-stateful'), v6(null), v6('slaac'), v6('dhcpv6-stateless')]
    assert.deepEqual(automaticAddresses(subnets), { ipv4: 1, ipv6: 1, slaac: 2, total: 4 })
    assert.equal(
      describeAutomaticAddresses(subnets),
      'On this network (6 subnets) the port gets 4 addresses: one IPv4, one stateful IPv6 and one on each of 2 SLAAC subnets.',
    )
    assert.equal(
      describeAutomaticAddresses([v4]),
      'On this network (1 subnet) the port gets 1 address: one IPv4.',
    )
    assert.equal(
      describeAutomaticAddresses([]),
      'This network has no subnet: the port gets no address.',
    )
  })

  test('a SLAAC subnet is one the server treats as one (the RA mode counts when no address mode)', () => {
    const mode = fc.constantFrom(null, 'slaac', 'dhcpv6-stateful', 'dhcpv6-stateless')
    fc.assert(
      fc.property(mode, mode, (address, ra) => {
        assert.equal(isAutoAddressSubnet(v6(address, ra)), isAutoAddress(v6(address, ra)))
      }),
    )
    assert.equal(isAutoAddressSubnet(v4), false)
  })
})

describe('which resources the dashboard offers to change', () => {
  const user = (project_id: string, is_admin: boolean): Whoami => ({
    project_id,
    user_id: 'someone',
    roles: is_admin ? ['admin'] : ['member'],
    is_admin,
  })

  test('its own project’s, or any for an admin', () => {
    assert.equal(mayChange(user('demo', false), 'demo'), true)
    assert.equal(mayChange(user('demo', false), 'ops'), false)
    assert.equal(mayChange(user('admin', true), 'ops'), true)
  })
})
