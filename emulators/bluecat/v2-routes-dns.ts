import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { idParam, type BamContext } from './bluecat-context.ts'
import { BamErrors } from './bluecat-errors.ts'
import type { AddressEntity, Entity, EntityKind } from './bluecat-model.ts'
import { parseV4 } from './bluecat-parse.ts'
import type { FilterField } from './v2-filter.ts'
import { commonFields, expectType, shown } from './v2-fields.ts'
import { bodyOf } from './v2-http.ts'
import { respond } from './v2-respond.ts'

type Json = Record<string, unknown>

/** Views, zones and host records of the RESTful v2 API. */
export function registerV2DnsRoutes(v2: FastifyInstance, ctx: BamContext): void {
  const { state } = ctx
  const fields: Record<string, FilterField<Entity>> = {
    ...commonFields<Entity>(ctx, (e) => e),
    absoluteName: {
      type: 'string',
      get: (e) => (e.kind === 'Zone' || e.kind === 'HostRecord' ? e.absoluteName : undefined),
    },
  }
  const list = (req: FastifyRequest, reply: FastifyReply, items: Entity[]) =>
    respond(state, req, reply).list(items, fields)
  const one = (req: FastifyRequest, reply: FastifyReply, entity: Entity, status = 200) =>
    respond(state, req, reply).one(entity, status)
  const crud = (collection: string, kind: EntityKind) => {
    v2.get(`/${collection}`, async (req, reply) => list(req, reply, state.all(kind)))
    v2.get(`/${collection}/:id`, async (req, reply) =>
      one(req, reply, state.require(idParam(req), kind)),
    )
    v2.delete(`/${collection}/:id`, async (req, reply) => {
      state.delete(state.require(idParam(req), kind).id)
      return reply.code(204).send()
    })
  }
  crud('views', 'View')
  crud('zones', 'Zone')
  crud('resourceRecords', 'HostRecord')

  v2.get('/configurations/:id/views', async (req, reply) => {
    const config = state.require(idParam(req), 'Configuration')
    return list(req, reply, state.childrenOf(config.id, 'View'))
  })
  v2.post('/configurations/:id/views', async (req, reply) => {
    const config = state.require(idParam(req), 'Configuration')
    const body = bodyOf(req)
    expectType(body, 'View')
    if (typeof body.name !== 'string' || body.name === '')
      throw BamErrors.invalidValue('name', shown(body.name))
    return one(req, reply, state.addView(config.id, body.name), 201)
  })

  for (const parent of ['views', 'zones'] as const) {
    v2.get(`/${parent}/:id/zones`, async (req, reply) => {
      const p = state.require(idParam(req), parent === 'views' ? 'View' : 'Zone')
      return list(req, reply, state.childrenOf(p.id, 'Zone'))
    })
    v2.post(`/${parent}/:id/zones`, async (req, reply) => {
      const p = state.require(idParam(req), parent === 'views' ? 'View' : 'Zone')
      const body = bodyOf(req)
      expectType(body, 'Zone')
      const given = typeof body.absoluteName === 'string' ? body.absoluteName : body.name
      if (typeof given !== 'string' || given === '')
        throw BamErrors.invalidValue('absoluteName', shown(given))
      const view = p.kind === 'View' ? p : state.viewOf(p)
      if (view === undefined) throw BamErrors.notFound(p.id)
      const fqdn =
        p.kind === 'Zone' && !given.endsWith(p.absoluteName) ? `${given}.${p.absoluteName}` : given
      if (state.zoneFor(view.id, fqdn)?.name === '') throw BamErrors.duplicateName(fqdn)
      return one(req, reply, state.ensureZone(view.id, fqdn), 201)
    })
  }

  v2.get('/zones/:id/resourceRecords', async (req, reply) => {
    const zone = state.require(idParam(req), 'Zone')
    return list(req, reply, state.childrenOf(zone.id, 'HostRecord'))
  })
  v2.post('/zones/:id/resourceRecords', async (req, reply) => {
    const zone = state.require(idParam(req), 'Zone')
    const body = bodyOf(req)
    expectType(body, 'HostRecord')
    if (typeof body.name !== 'string') throw BamErrors.invalidValue('name', shown(body.name))
    const entries = Array.isArray(body.addresses) ? (body.addresses as unknown[]) : []
    if (entries.length === 0) throw BamErrors.invalidValue('addresses', '[]')
    const values = entries.map((entry) => {
      const e = (entry ?? {}) as Json
      if (typeof e.address === 'string') return parseV4(e.address, 'addresses.address')
      if (typeof e.id === 'number') return state.require(e.id, 'IP4Address').value
      throw BamErrors.invalidValue('addresses', JSON.stringify(entry))
    })
    const ttl = typeof body.ttl === 'number' ? body.ttl : undefined
    const reverse =
      body.reverseRecord === true || req.headers['x-bcn-create-reverse-record'] === 'true'
    return one(req, reply, state.addHostRecord(zone.id, body.name, values, reverse, ttl), 201)
  })
  v2.get('/resourceRecords/:id/addresses', async (req, reply) => {
    const record = state.require(idParam(req), 'HostRecord')
    const config = state.configurationOf(record)
    const linked = record.addresses.flatMap((value): AddressEntity[] => {
      const network = state.networkContaining(config.id, value)
      const address = network === undefined ? undefined : state.addressIn(network, value)
      return address === undefined ? [] : [address]
    })
    return list(req, reply, linked)
  })
}
