/** A Neutron resource type, as the API and the openstack CLI's messages name it. */
export interface ResourceKind {
  /** The body key of one item (`network`, `subnetpool`). */
  readonly singular: string
  /** The body key of a collection (`networks`, `network_ip_availabilities`). */
  readonly collection: string
  /** The URL segment under /v2.0 (`networks`, `network-ip-availabilities`). */
  readonly path: string
  /** The openstacksdk class name used in messages ("No Network found for x"). */
  readonly label: string
  /** How delete messages name it ("Failed to delete subnet pool with name or ID ..."). */
  readonly noun: string
}

export const NETWORK: ResourceKind = {
  singular: 'network',
  collection: 'networks',
  path: 'networks',
  label: 'Network',
  noun: 'network',
}

export const SUBNET: ResourceKind = {
  singular: 'subnet',
  collection: 'subnets',
  path: 'subnets',
  label: 'Subnet',
  noun: 'subnet',
}

export const SUBNET_POOL: ResourceKind = {
  singular: 'subnetpool',
  collection: 'subnetpools',
  path: 'subnetpools',
  label: 'SubnetPool',
  noun: 'subnet pool',
}

export const PORT: ResourceKind = {
  singular: 'port',
  collection: 'ports',
  path: 'ports',
  label: 'Port',
  noun: 'port',
}

export const NETWORK_IP_AVAILABILITY: ResourceKind = {
  singular: 'network_ip_availability',
  collection: 'network_ip_availabilities',
  path: 'network-ip-availabilities',
  label: 'NetworkIPAvailability',
  noun: 'network ip availability',
}
