import type { FastifyInstance } from 'fastify'
import type { BamContext } from './bluecat-context.ts'
import { BamError } from './bluecat-model.ts'
import { genericCode, sendV2Error, v2ErrorBody } from './v2-http.ts'
import { V2_PREFIX } from './v2-render.ts'
import { registerV2DnsRoutes } from './v2-routes-dns.ts'
import { registerV2IpRoutes } from './v2-routes-ip.ts'
import { registerV2Sessions } from './v2-sessions.ts'

/**
 * The RESTful v2 API (`/api/v2/…`, BAM ≥ 9.5): sessions with Basic `user:apiToken` credentials,
 * HAL or plain JSON by `Accept`, collections with `count`/`data`/`_links`, the filter grammar,
 * and errors as `{"status","reason","code","message"}`.
 */
export function registerV2Routes(app: FastifyInstance, ctx: BamContext): void {
  void app.register(
    async (v2) => {
      v2.setErrorHandler(async (error, _request, reply) => {
        if (error instanceof BamError) return sendV2Error(reply, error)
        const status = (error as { statusCode?: number }).statusCode ?? 500
        const code = status === 400 ? 'InvalidRequestBody' : genericCode(status)
        return reply
          .code(status)
          .type('application/json')
          .send(v2ErrorBody(status, code, error instanceof Error ? error.message : String(error)))
      })
      v2.setNotFoundHandler(async (request, reply) =>
        reply
          .code(404)
          .type('application/json')
          .send(
            v2ErrorBody(
              404,
              'EndpointNotFound',
              `No endpoint ${request.method} ${request.url.split('?')[0] ?? ''}`,
            ),
          ),
      )
      registerV2Sessions(v2, ctx)
      registerV2IpRoutes(v2, ctx)
      registerV2DnsRoutes(v2, ctx)
    },
    { prefix: V2_PREFIX },
  )
}
