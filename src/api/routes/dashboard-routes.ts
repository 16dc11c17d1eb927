import { existsSync } from 'node:fs'
import { extname, join, resolve } from 'node:path'
import fastifyStatic from '@fastify/static'
import type { FastifyInstance, FastifyReply } from 'fastify'

/** Where `npx vite build web` writes the dashboard. */
export const DASHBOARD_DIST = resolve(import.meta.dirname, '../../../web/dist')

export interface DashboardOptions {
  /** The built dashboard (web/dist by default). */
  readonly root?: string
}

/**
 * NOTE: the dashboard only talks to this same origin, with no inline script; the policy keeps
 * a cross-site script from running in the page that holds the user's token. Inline styles stay
 * allowed because the availability bars set their width.
 */
const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy':
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'self'; form-action 'self'",
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
}

const NOT_BUILT = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Dashboard not built - Xloud Networking</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:40rem;margin:4rem auto;padding:0 1rem;color:#1d2430}code{background:#eef1f5;padding:.1rem .3rem;border-radius:3px}</style>
</head>
<body>
<main>
<h1>The dashboard has not been built</h1>
<p>This server serves the web dashboard from <code>web/dist</code>, which does not exist yet.</p>
<p>Run <code>npm start</code> (it builds the dashboard, then serves), or build it alone with
<code>npx vite build web</code>, then restart the server.</p>
<p>The API itself is available under <code>/v2.0/</code>.</p>
</main>
</body>
</html>
`

function withSecurityHeaders(reply: FastifyReply): FastifyReply {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) reply.header(name, value)
  return reply
}

/**
 * The web dashboard under `/dashboard/`: the files of the Vite build, and `index.html` for every
 * other path below it (the single-page app's own routes, e.g. `/dashboard/networks/<id>`).
 * When the build is missing, a page saying how to build it. `/` stays the version document.
 */
export function registerDashboardRoutes(
  app: FastifyInstance,
  options: DashboardOptions = {},
): void {
  const root = options.root ?? DASHBOARD_DIST
  if (!existsSync(join(root, 'index.html'))) {
    const notBuilt = async (_request: unknown, reply: FastifyReply): Promise<FastifyReply> =>
      withSecurityHeaders(reply).code(503).type('text/html; charset=utf-8').send(NOT_BUILT)
    app.get('/dashboard', notBuilt)
    app.get('/dashboard/*', notBuilt)
    return
  }
  // NOTE: registered in its own prefixed scope so that the SPA fallback below replaces the
  // API's NeutronError 404 for dashboard paths only.
  void app.register(
    async (scope) => {
      await scope.register(fastifyStatic, {
        root,
        prefix: '/',
        index: 'index.html',
        wildcard: true,
        setHeaders: (reply, path) => {
          withSecurityHeaders(reply)
          // NOTE: Vite names assets by content hash, so they never change; index.html must be
          // revalidated to pick up a new build.
          reply.header(
            'cache-control',
            path.startsWith(join(root, 'assets'))
              ? 'public, max-age=31536000, immutable'
              : 'no-cache',
          )
        },
      })
      scope.setNotFoundHandler(async (request, reply) => {
        const path = request.url.split('?')[0] ?? ''
        // A missing asset (a file name with an extension) is a real 404; anything else is a
        // client route of the app.
        if (request.method !== 'GET' && request.method !== 'HEAD') {
          return reply.code(405).type('text/plain').send('Method Not Allowed')
        }
        if (extname(path) !== '') return reply.code(404).type('text/plain').send('Not Found')
        withSecurityHeaders(reply).header('cache-control', 'no-cache')
        return reply.sendFile('index.html')
      })
    },
    { prefix: '/dashboard' },
  )
}
