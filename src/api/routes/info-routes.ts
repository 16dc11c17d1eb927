import type { FastifyInstance, FastifyRequest } from 'fastify'
import extensions from '../extensions.json' with { type: 'json' }

const RESOURCES: [string, string][] = [
  ['network', 'networks'],
  ['subnet', 'subnets'],
  ['subnetpool', 'subnetpools'],
  ['port', 'ports'],
]

function origin(request: FastifyRequest): string {
  return `${request.protocol}://${request.headers.host ?? '127.0.0.1'}`
}

/** Version discovery (`GET /`), the v2.0 resource index and the extension list, as Neutron. */
export function registerInfoRoutes(app: FastifyInstance): void {
  app.get('/', async (request) => ({
    versions: [
      { id: 'v2.0', status: 'CURRENT', links: [{ rel: 'self', href: `${origin(request)}/v2.0/` }] },
    ],
  }))
  app.get('/v2.0', async (request) => ({
    resources: RESOURCES.map(([name, collection]) => ({
      name,
      collection,
      links: [{ rel: 'self', href: `${origin(request)}/v2.0/${collection}` }],
    })),
  }))
  app.get('/v2.0/extensions', async () => ({ extensions }))
  app.get('/v2.0/extensions/:alias', async (request, reply) => {
    const { alias } = request.params as { alias: string }
    const found = extensions.find((e) => e.alias === alias)
    if (found !== undefined) return { extension: found }
    // NOTE: Neutron answers this one 404 in webob's shape, not NeutronError's.
    return reply.code(404).send({
      message: `The resource could not be found.<br /><br />\nExtension with alias ${alias} does not exist\n\n`,
      code: '404 Not Found',
      title: 'Not Found',
    })
  })
}
