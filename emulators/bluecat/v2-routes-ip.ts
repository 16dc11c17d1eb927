import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { idParam, type BamContext } from './bluecat-context.ts'
import type { Entity, NetworkEntity } from './bluecat-model.ts'
import { parseV4, parseV4Cidr } from './bluecat-parse.ts'
import { usableRange, type GatewaySpec } from './bluecat-state.ts'
import { v2Address } from './v2-address.ts'
import type { FilterField } from './v2-filter.ts'
import { commonFields, expectType, udfsFrom, type AddressRow } from './v2-fields.ts'
import { bodyOf, sendCollection } from './v2-http.ts'
import { respond } from './v2-respond.ts'

/** Configurations, blocks, networks and addresses of the RESTful v2 API. */
export function registerV2IpRoutes(v2: FastifyInstance, ctx: BamContext): void {
  const { state } = ctx
  const entityFields = commonFields<Entity>(ctx, (e) => e)
  const rangeFields: Record<string, FilterField<Entity>> = {
    ...entityFields,
    range: {
      type: 'range',
      get: (e) => (e.kind === 'IP4Block' || e.kind === 'IP4Network' ? e.cidr : undefined),
    },
  }
  const out = (req: FastifyRequest, reply: FastifyReply) => respond(state, req, reply)
  const list = (req: FastifyRequest, reply: FastifyReply, items: Entity[], fields = entityFields) =>
    out(req, reply).list(items, fields)
  const one = (req: FastifyRequest, reply: FastifyReply, entity: Entity, status = 200) =>
    out(req, reply).one(entity, status)
  const remove = async (req: FastifyRequest, reply: FastifyReply, kind: Entity['kind']) => {
    state.delete(state.require(idParam(req), kind).id)
    return reply.code(204).send()
  }

  v2.get('/configurations', async (req, reply) => list(req, reply, state.all('Configuration')))
  v2.get('/configurations/:id', async (req, reply) =>
    one(req, reply, state.require(idParam(req), 'Configuration')),
  )

  v2.get('/blocks', async (req, reply) => list(req, reply, state.all('IP4Block'), rangeFields))
  v2.get('/blocks/:id', async (req, reply) =>
    one(req, reply, state.require(idParam(req), 'IP4Block')),
  )
  v2.delete('/blocks/:id', async (req, reply) => remove(req, reply, 'IP4Block'))
  for (const parent of ['configurations', 'blocks'] as const) {
    v2.get(`/${parent}/:id/blocks`, async (req, reply) => {
      const p = state.require(idParam(req), parent === 'blocks' ? 'IP4Block' : 'Configuration')
      return list(req, reply, state.childrenOf(p.id, 'IP4Block'), rangeFields)
    })
    v2.post(`/${parent}/:id/blocks`, async (req, reply) => {
      const p = state.require(idParam(req), parent === 'blocks' ? 'IP4Block' : 'Configuration')
      const body = bodyOf(req)
      expectType(body, 'IPv4Block')
      const cidr = parseV4Cidr(typeof body.range === 'string' ? body.range : undefined, 'range')
      const name = typeof body.name === 'string' ? body.name : null
      return one(
        req,
        reply,
        state.addBlock(p.id, cidr, name, udfsFrom(body.userDefinedFields)),
        201,
      )
    })
  }

  v2.get('/networks', async (req, reply) => list(req, reply, state.all('IP4Network'), rangeFields))
  v2.get('/networks/:id', async (req, reply) =>
    one(req, reply, state.require(idParam(req), 'IP4Network')),
  )
  v2.delete('/networks/:id', async (req, reply) => remove(req, reply, 'IP4Network'))
  v2.put('/networks/:id', async (req, reply) => {
    const network = state.require(idParam(req), 'IP4Network')
    const body = bodyOf(req)
    network.name = typeof body.name === 'string' ? body.name : null
    network.udfs = udfsFrom(body.userDefinedFields)
    return one(req, reply, network)
  })
  v2.get('/blocks/:id/networks', async (req, reply) => {
    const block = state.require(idParam(req), 'IP4Block')
    return list(req, reply, state.childrenOf(block.id, 'IP4Network'), rangeFields)
  })
  v2.post('/blocks/:id/networks', async (req, reply) => {
    const block = state.require(idParam(req), 'IP4Block')
    const body = bodyOf(req)
    expectType(body, 'IPv4Network')
    const range = typeof body.range === 'string' ? body.range : ''
    // NOTE: "range":"/24" asks for the next free /24 of the block; only the default traversal
    // (lowest address first) is emulated, x-bcn-traversal-method / x-bcn-reuse-existing are ignored.
    const size = /^\/([0-9]{1,2})$/.exec(range)?.[1]
    const cidr =
      size === undefined
        ? parseV4Cidr(range, 'range')
        : state.freePrefix(block.id, Number.parseInt(size, 10))
    let gateway: GatewaySpec = { kind: 'auto' }
    if (req.headers['x-bcn-no-gateway'] === 'true') gateway = { kind: 'none' }
    else if (typeof body.gateway === 'string')
      gateway = { kind: 'at', value: parseV4(body.gateway, 'gateway') }
    const name = typeof body.name === 'string' ? body.name : null
    return one(
      req,
      reply,
      state.addNetwork(block.id, cidr, name, gateway, udfsFrom(body.userDefinedFields)),
      201,
    )
  })

  const addressFields: Record<string, FilterField<AddressRow>> = {
    ...commonFields<AddressRow>(ctx, (row) => row.entity ?? row.network),
    id: { type: 'number', get: (row) => row.entity?.id },
    name: { type: 'string', get: (row) => row.entity?.name ?? null },
    type: { type: 'enum', get: () => 'IPv4Address' },
    address: { type: 'address', get: (row) => row.value },
    state: { type: 'enum', get: (row) => row.entity?.state ?? 'UNASSIGNED' },
  }
  const renderRow = (req: FastifyRequest, reply: FastifyReply) => {
    const { render } = out(req, reply)
    return (row: AddressRow) =>
      row.entity === undefined
        ? render.unassigned(row.network, row.value)
        : render.resource(row.entity)
  }

  function* rowsOf(network: NetworkEntity): Generator<AddressRow> {
    const { first, last } = usableRange(network.cidr)
    for (let value = first; value <= last; value++) {
      yield { network, value, entity: state.addressIn(network, value) }
    }
  }
  function* assignedRows(): Generator<AddressRow> {
    for (const entity of state.all('IP4Address')) {
      yield { network: state.require(entity.parentId, 'IP4Network'), value: entity.value, entity }
    }
  }

  v2.get('/networks/:id/addresses', async (req, reply) => {
    const network = state.require(idParam(req), 'IP4Network')
    return sendCollection(req, reply, rowsOf(network), addressFields, renderRow(req, reply))
  })
  v2.post('/networks/:id/addresses', async (req, reply) => {
    const network = state.require(idParam(req), 'IP4Network')
    const address = v2Address(
      ctx,
      network,
      bodyOf(req),
      req.headers['x-bcn-create-reverse-record'] === 'true',
    )
    return one(req, reply, address, 201)
  })
  v2.get('/addresses', async (req, reply) =>
    sendCollection(req, reply, assignedRows(), addressFields, renderRow(req, reply)),
  )
  v2.get('/addresses/:id', async (req, reply) =>
    one(req, reply, state.require(idParam(req), 'IP4Address')),
  )
  v2.delete('/addresses/:id', async (req, reply) => remove(req, reply, 'IP4Address'))
  v2.put('/addresses/:id', async (req, reply) => {
    const address = state.require(idParam(req), 'IP4Address')
    v2Address(ctx, state.require(address.parentId, 'IP4Network'), bodyOf(req), false, address)
    return one(req, reply, address)
  })
  v2.get('/addresses/:id/resourceRecords', async (req, reply) => {
    const address = state.require(idParam(req), 'IP4Address')
    return list(req, reply, state.hostRecordsOf(address))
  })
}
