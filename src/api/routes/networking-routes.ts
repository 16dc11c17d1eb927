import type { FastifyInstance } from 'fastify'
import type { AppServices } from '../../services/app-services.ts'
import type { NetworkView } from '../../services/resources.ts'
import { networkCreate, networkUpdate } from '../resources/network-attributes.ts'
import { portCreate, portUpdate } from '../resources/port-attributes.ts'
import { subnetCreate, subnetUpdate } from '../resources/subnet-attributes.ts'
import { subnetPoolCreate, subnetPoolUpdate } from '../resources/subnetpool-attributes.ts'
import { registerResource } from './resource-routes.ts'

/** Non-admins do not see a network's provider attributes (Neutron's policy). */
function hideProvider(view: NetworkView): NetworkView {
  const {
    'provider:network_type': _t,
    'provider:physical_network': _p,
    'provider:segmentation_id': _s,
    ...rest
  } = view
  return rest as NetworkView
}

export function registerNetworkingRoutes(app: FastifyInstance, s: AppServices): void {
  registerResource(app, {
    resource: 'network',
    collection: 'networks',
    list: (ctx, o) => s.networks.list(ctx, o),
    get: (ctx, id) => s.networks.get(ctx, id),
    parseCreate: networkCreate,
    parseUpdate: networkUpdate,
    createBulk: (ctx, inputs) => s.networks.createBulk(ctx, inputs),
    update: (ctx, id, input) => s.networks.update(ctx, id, input),
    delete: (ctx, id) => s.networks.delete(ctx, id),
    redact: (ctx, view) => (ctx.isAdmin ? view : hideProvider(view)),
  })
  registerResource(app, {
    resource: 'subnet',
    collection: 'subnets',
    list: (ctx, o) => s.subnets.list(ctx, o),
    get: (ctx, id) => s.subnets.get(ctx, id),
    parseCreate: subnetCreate,
    parseUpdate: subnetUpdate,
    createBulk: (ctx, inputs) => s.subnets.createBulk(ctx, inputs),
    update: (ctx, id, input) => s.subnets.update(ctx, id, input),
    delete: (ctx, id) => s.subnets.delete(ctx, id),
  })
  registerResource(app, {
    resource: 'subnetpool',
    collection: 'subnetpools',
    list: (ctx, o) => s.subnetPools.list(ctx, o),
    get: (ctx, id) => s.subnetPools.get(ctx, id),
    parseCreate: subnetPoolCreate,
    parseUpdate: subnetPoolUpdate,
    createBulk: async (ctx, inputs) => Promise.all(inputs.map((i) => s.subnetPools.create(ctx, i))),
    update: (ctx, id, input) => s.subnetPools.update(ctx, id, input),
    delete: (ctx, id) => s.subnetPools.delete(ctx, id),
  })
  registerResource(app, {
    resource: 'port',
    collection: 'ports',
    list: (ctx, o) => s.ports.list(ctx, o),
    get: (ctx, id) => s.ports.get(ctx, id),
    parseCreate: portCreate,
    parseUpdate: portUpdate,
    createBulk: (ctx, inputs) => s.ports.createBulk(ctx, inputs),
    update: (ctx, id, input) => s.ports.update(ctx, id, input),
    delete: (ctx, id) => s.ports.delete(ctx, id),
  })
}
