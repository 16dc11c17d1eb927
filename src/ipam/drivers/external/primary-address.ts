import type { Queryable } from '../../../db/transaction.ts'
import { ipKey, parseIp } from '../../../domain/ip-address.ts'

/**
 * Whether an address is its port's first one (IPv4 before IPv6, then the lowest): the address the
 * port's DNS name points at, where the system keeps DNS with the reservation (host records).
 */
export async function isPrimaryAddress(
  q: Queryable,
  portId: string,
  ipAddress: string,
): Promise<boolean> {
  const rows = await q
    .selectFrom('ip_allocations')
    .select('ip_address')
    .where('port_id', '=', portId)
    .execute()
  const order = (text: string): string => {
    const ip = parseIp(text)
    return ip === undefined ? text : `${ip.version}${ipKey(ip.value)}`
  }
  const first = rows
    .map((r) => r.ip_address)
    .sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0))[0]
  return first === ipAddress
}
