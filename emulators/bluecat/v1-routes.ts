import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { cidrContains } from '../../src/domain/cidr.ts'
import { formatIpv4 } from '../../src/domain/ip-address.ts'
import { intParam, queryParam, type BamContext } from './bluecat-context.ts'
import { BamErrors } from './bluecat-errors.ts'
import {
  BamError,
  type AddressState,
  type BlockEntity,
  type Entity,
  type EntityKind,
  type NetworkEntity,
} from './bluecat-model.ts'
import { parseV4, parseV4Cidr } from './bluecat-parse.ts'
import { v1Assign } from './v1-assign.ts'
import { EMPTY_ENTITY, kindOfV1Type, toV1Entity, udfsOf, v1PropertyPairs } from './v1-entities.ts'
import { parseBamMac, parseProperties } from './v1-properties.ts'

/** Where the legacy v1 API is served. */
export const V1_PREFIX = '/Services/REST/v1'

/** Sends a v1 JSON answer: an entity, a list, a bare number (ids) or a quoted string. */
function json(reply: FastifyReply, value: unknown): FastifyReply {
  return reply.type('application/json').send(JSON.stringify(value))
}

/** Renders a failure as v1 does: 401 for sessions, 500 for everything else, message as JSON string. */
export function sendV1Error(reply: FastifyReply, error: BamError): FastifyReply {
  return json(reply.code(error.status === 401 ? 401 : 500), error.message)
}

function kindParam(request: FastifyRequest, name = 'type'): EntityKind {
  const type = queryParam(request, name)
  const kind = kindOfV1Type(type)
  if (kind === undefined) throw BamErrors.invalidValue(name, type ?? '')
  return kind
}

/** `start`/`count` paging; `count` defaults to 0 like the appliance's Java int parameter. */
function page<T>(request: FastifyRequest, items: T[]): T[] {
  // NOTE: `count` is required by v1 (external-apis.md §4.A); a Java int query parameter left
  // out reads as 0, so a forgotten count answers an empty list rather than an error.
  const start = intParam(request, 'start', 0)
  const count = intParam(request, 'count', 0)
  return items.slice(start, start + count)
}

/**
 * The legacy v1 REST API (`/Services/REST/v1/<method>?<params>`): token login, pipe-delimited
 * properties, id 0 entities for "not found" (status 200), bare long ids for created objects, and
 * HTTP 500 for most failures.
 */
export function registerV1Routes(app: FastifyInstance, ctx: BamContext): void {
  const { state, sessions } = ctx
  void app.register(
    async (v1) => {
      v1.addHook('onRequest', async (request) => {
        if (request.url.startsWith(`${V1_PREFIX}/login`)) return
        const header = request.headers.authorization ?? ''
        const match = /^BAMAuthToken:\s*(\S+)\s*$/.exec(header)
        if (match?.[1] === undefined || sessions.live(match[1], 'v1') === undefined) {
          throw new BamError(
            401,
            'InvalidAuthorizationToken',
            'Session token is invalid or has expired',
          )
        }
      })
      v1.setErrorHandler(async (error, _request, reply) => {
        if (error instanceof BamError) return sendV1Error(reply, error)
        const status = (error as { statusCode?: number }).statusCode ?? 500
        return json(
          reply.code(status >= 400 && status < 500 ? status : 500),
          error instanceof Error ? error.message : String(error),
        )
      })
      v1.setNotFoundHandler(async (request, reply) =>
        json(reply.code(404), `No method ${request.method} ${request.url}`),
      )

      v1.get('/login', async (request, reply) => {
        const username = queryParam(request, 'username') ?? ''
        if (username !== ctx.username || queryParam(request, 'password') !== ctx.password) {
          // NOTE: lego looks for "Authentication Error" in the body (external-apis.md §4.A).
          return json(reply.code(500), 'Authentication Error: Invalid username or password')
        }
        const session = sessions.create(username, 'v1')
        return json(
          reply,
          `Session Token-> BAMAuthToken: ${session.token} <- for User : ${username}`,
        )
      })
      v1.get('/logout', async (request, reply) => {
        const token = /^BAMAuthToken:\s*(\S+)/.exec(request.headers.authorization ?? '')?.[1] ?? ''
        const session = sessions.live(token, 'v1')
        if (session !== undefined) sessions.logout(session)
        return json(reply, `User ${ctx.username} logged out successfully`)
      })
      v1.get('/getSystemInfo', async (_request, reply) =>
        json(
          reply,
          'hostName=bam-emulator|version=9.5.0-000.GA.bcn|address=127.0.0.1|clusterRole=STANDALONE|',
        ),
      )

      v1.get('/getEntityById', async (request, reply) => {
        const entity = state.get(intParam(request, 'id'))
        return json(reply, entity === undefined ? EMPTY_ENTITY : toV1Entity(entity))
      })
      v1.get('/getEntityByName', async (request, reply) => {
        const kind = kindParam(request)
        const name = queryParam(request, 'name') ?? ''
        const same = (e: Entity) =>
          kind === 'Zone' ? e.name?.toLowerCase() === name.toLowerCase() : e.name === name
        const found = state.childrenOf(intParam(request, 'parentId'), kind).find(same)
        return json(reply, found === undefined ? EMPTY_ENTITY : toV1Entity(found))
      })
      v1.get('/getEntities', async (request, reply) => {
        const items = state.childrenOf(intParam(request, 'parentId'), kindParam(request))
        return json(reply, page(request, items).map(toV1Entity))
      })
      v1.get('/getEntityByCIDR', async (request, reply) => {
        const kind = kindParam(request)
        const cidr = parseV4Cidr(queryParam(request, 'cidr'), 'cidr')
        const found = state
          .childrenOf(intParam(request, 'parentId'), kind)
          .find(
            (e) =>
              (e.kind === 'IP4Block' || e.kind === 'IP4Network') &&
              e.cidr.network === cidr.network &&
              e.cidr.prefixLength === cidr.prefixLength,
          )
        return json(reply, found === undefined ? EMPTY_ENTITY : toV1Entity(found))
      })
      const rangedByIp = async (request: FastifyRequest, reply: FastifyReply) => {
        const found = rangeByIp(
          ctx,
          intParam(request, 'containerId'),
          queryParam(request, 'type') ?? '',
          parseV4(queryParam(request, 'address'), 'address'),
        )
        return json(reply, found === undefined ? EMPTY_ENTITY : toV1Entity(found))
      }
      v1.get('/getIPRangedByIP', rangedByIp)
      v1.post('/getIPRangedByIP', rangedByIp)

      v1.post('/addIP4BlockByCIDR', async (request, reply) => {
        const props = parseProperties(queryParam(request, 'properties'))
        const block = state.addBlock(
          intParam(request, 'parentId'),
          parseV4Cidr(queryParam(request, 'CIDR'), 'CIDR'),
          props.get('name') ?? null,
          udfsOf(props),
        )
        return json(reply, block.id)
      })
      v1.post('/addIP4Network', async (request, reply) => {
        const props = parseProperties(queryParam(request, 'properties'))
        const gateway = props.get('gateway')
        const network = state.addNetwork(
          intParam(request, 'blockId'),
          parseV4Cidr(queryParam(request, 'CIDR'), 'CIDR'),
          props.get('name') ?? null,
          gateway === undefined
            ? { kind: 'auto' }
            : { kind: 'at', value: parseV4(gateway, 'gateway') },
          udfsOf(props),
        )
        return json(reply, network.id)
      })

      v1.post('/assignNextAvailableIP4Address', async (request, reply) =>
        json(reply, toV1Entity(v1Assign(ctx, request, 'next'))),
      )
      v1.post('/assignIP4Address', async (request, reply) =>
        json(reply, v1Assign(ctx, request, 'specific').id),
      )
      v1.get('/getNextIP4Address', async (request, reply) => {
        const network = state.require(intParam(request, 'parentId'), 'IP4Network')
        const next = state.nextFree(network)
        return json(reply, next === undefined ? null : formatIpv4(next))
      })
      v1.get('/getIP4Address', async (request, reply) => {
        const container = state.require(
          intParam(request, 'containerId'),
          'Configuration',
          'IP4Block',
          'IP4Network',
        )
        const value = parseV4(queryParam(request, 'address'), 'address')
        const network = state.networkContaining(state.configurationOf(container).id, value)
        const inside =
          network !== undefined &&
          (network.id === container.id || state.descendants(container.id).includes(network))
        const address = inside ? state.addressIn(network, value) : undefined
        return json(reply, address === undefined ? EMPTY_ENTITY : toV1Entity(address))
      })
      v1.get('/customSearch', async (request, reply) => {
        const filters = parseProperties(queryParam(request, 'filters'))
        const matches = state.all(kindParam(request)).filter((entity) => {
          const props = new Map(v1PropertyPairs(entity))
          return [...filters].every(([key, value]) =>
            key === 'name' ? entity.name === value : props.get(key) === value,
          )
        })
        return json(reply, page(request, matches).map(toV1Entity))
      })
      v1.get('/getLinkedEntities', async (request, reply) => {
        const entity = state.get(intParam(request, 'entityId'))
        const kind = kindParam(request)
        let linked: Entity[] = []
        if (entity?.kind === 'IP4Address' && kind === 'HostRecord')
          linked = state.hostRecordsOf(entity)
        if (entity?.kind === 'HostRecord' && kind === 'IP4Address') {
          const config = state.configurationOf(entity)
          linked = entity.addresses.flatMap((value) => {
            const network = state.networkContaining(config.id, value)
            const address = network === undefined ? undefined : state.addressIn(network, value)
            return address === undefined ? [] : [address]
          })
        }
        return json(reply, page(request, linked).map(toV1Entity))
      })

      const remove = async (request: FastifyRequest, reply: FastifyReply) => {
        state.delete(intParam(request, 'objectId'))
        // NOTE: the v1 guide says 204; appliances answer 200 with an empty body (lego).
        return reply.code(200).send()
      }
      v1.delete('/delete', remove)
      v1.delete('/deleteWithOptions', remove)

      v1.put('/update', async (request, reply) => {
        const body = (request.body ?? {}) as { id?: unknown; name?: unknown; properties?: unknown }
        const entity = state.get(typeof body.id === 'number' ? body.id : 0)
        if (entity === undefined) throw BamErrors.notFound(String(body.id))
        const props = parseProperties(typeof body.properties === 'string' ? body.properties : '')
        if (typeof body.name === 'string' || body.name === null) entity.name = body.name
        entity.udfs = udfsOf(props)
        if (entity.kind === 'IP4Address') {
          const mac = props.get('macAddress')
          entity.mac = mac === undefined || mac === '' ? entity.mac : parseBamMac(mac)
          const next = props.get('state') as AddressState | undefined
          if (next === 'STATIC' || next === 'RESERVED' || next === 'DHCP_RESERVED')
            entity.state = next
        }
        return reply.code(200).send()
      })

      v1.post('/addHostRecord', async (request, reply) => {
        const viewId = intParam(request, 'viewId')
        state.require(viewId, 'View')
        const fqdn = queryParam(request, 'absoluteName') ?? ''
        const place = state.zoneFor(viewId, fqdn)
        if (place === undefined) throw BamErrors.zoneNotFound(fqdn)
        const props = parseProperties(queryParam(request, 'properties'))
        const addresses = (queryParam(request, 'addresses') ?? '')
          .split(',')
          .filter((a) => a !== '')
          .map((a) => parseV4(a, 'addresses'))
        const ttl = intParam(request, 'ttl', -1)
        const record = state.addHostRecord(
          place.zone.id,
          place.name,
          addresses,
          props.get('reverseRecord') === 'true',
          ttl < 0 ? undefined : ttl,
        )
        return json(reply, record.id)
      })
      v1.post('/addView', async (request, reply) =>
        json(
          reply,
          state.addView(intParam(request, 'configurationId'), queryParam(request, 'name') ?? '').id,
        ),
      )
      v1.post('/addZone', async (request, reply) => {
        const parent = state.require(intParam(request, 'parentId'), 'View', 'Zone')
        const view = parent.kind === 'View' ? parent : state.viewOf(parent)
        const fqdn = queryParam(request, 'absoluteName') ?? ''
        if (view === undefined) throw BamErrors.notFound(parent.id)
        if (state.zoneFor(view.id, fqdn)?.name === '') throw BamErrors.duplicateName(fqdn)
        return json(reply, state.ensureZone(view.id, fqdn).id)
      })
    },
    { prefix: V1_PREFIX },
  )
}

/**
 * `getIPRangedByIP`: the most specific block or network (of `type`, any when empty) containing the
 * address under the container.
 *
 * NOTE: reproduces the quirk in external-apis.md §4.A: when a network has the same CIDR as its
 * block, the block is returned, even when asked for an IP4Network.
 */
function rangeByIp(
  ctx: BamContext,
  containerId: number,
  type: string,
  value: bigint,
): BlockEntity | NetworkEntity | undefined {
  const container = ctx.state.require(containerId, 'Configuration', 'IP4Block', 'IP4Network')
  const wanted = type === '' ? undefined : kindOfV1Type(type)
  if (type !== '' && wanted !== 'IP4Block' && wanted !== 'IP4Network') return undefined
  let best: BlockEntity | NetworkEntity | undefined
  for (const e of [container, ...ctx.state.descendants(containerId)]) {
    if (e.kind !== 'IP4Block' && e.kind !== 'IP4Network') continue
    if (wanted !== undefined && e.kind !== wanted) continue
    if (!cidrContains(e.cidr, { version: 4, value })) continue
    if (best === undefined || e.cidr.prefixLength > best.cidr.prefixLength) best = e
  }
  if (best?.kind === 'IP4Network') {
    const parent = ctx.state.get(best.parentId)
    if (parent?.kind === 'IP4Block' && parent.cidr.prefixLength === best.cidr.prefixLength) {
      return parent
    }
  }
  return best
}
