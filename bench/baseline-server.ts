/**
 * The baseline: a bare Fastify app answering a JSON POST with a port-sized JSON body, started
 * like our server (its own process, loopback). Our figures are printed as ratios to it.
 */
import Fastify from 'fastify'

const port = Number(process.argv[2] ?? '0')
const app = Fastify({ logger: false })
const reply = {
  port: {
    id: '00000000-0000-4000-8000-000000000000',
    name: '',
    network_id: '00000000-0000-4000-8000-000000000000',
    tenant_id: 'admin',
    mac_address: 'fa:16:3e:00:00:01',
    admin_state_up: true,
    status: 'DOWN',
    device_id: '',
    device_owner: '',
    fixed_ips: [{ subnet_id: '00000000-0000-4000-8000-000000000000', ip_address: '10.0.0.2' }],
  },
}
// NOTE: Fastify parses the JSON body before the handler runs, as it does for ours.
app.post('/echo', async (_request, res) => res.code(201).send(reply))
await app.listen({ host: '127.0.0.1', port })
process.stdout.write('ready\n')
