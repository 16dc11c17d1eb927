/**
 * The error catalogue: every failure the service reports, with Neutron's type name, HTTP status
 * and message template. Services throw these; the API renders them into Neutron's envelope
 * `{"NeutronError": {"type", "message", "detail"}}`; nothing else builds error bodies.
 */
export class NeutronError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
  ) {
    super(message)
    this.name = type
  }
}

const make =
  <A extends unknown[]>(type: string, status: number, template: (...args: A) => string) =>
  (...args: A): NeutronError =>
    new NeutronError(type, status, template(...args))

export const Errors = {
  // --- request shape (webob's HTTP errors in Neutron)
  badRequest: make('HTTPBadRequest', 400, (message: string) => message),
  notFound: make('HTTPNotFound', 404, () => 'The resource could not be found.'),
  methodNotAllowed: make(
    'HTTPMethodNotAllowed',
    405,
    () =>
      'The server could not comply with the request since it is either malformed or otherwise incorrect.',
  ),
  unauthorized: make('HTTPUnauthorized', 401, () => 'Authentication required'),
  policyNotAuthorized: make(
    'PolicyNotAuthorized',
    403,
    (action: string) => `${action} is disallowed by policy`,
  ),
  invalidInput: make(
    'InvalidInput',
    400,
    (message: string) => `Invalid input for operation: ${message}.`,
  ),
  genericBadRequest: make(
    'BadRequest',
    400,
    (resource: string, message: string) => `Bad ${resource} request: ${message}.`,
  ),

  // --- not found
  networkNotFound: make(
    'NetworkNotFound',
    404,
    (id: string) => `Network ${id} could not be found.`,
  ),
  subnetNotFound: make('SubnetNotFound', 404, (id: string) => `Subnet ${id} could not be found.`),
  portNotFound: make('PortNotFound', 404, (id: string) => `Port ${id} could not be found.`),
  subnetPoolNotFound: make(
    'SubnetPoolNotFound',
    404,
    (id: string) => `Subnet pool ${id} could not be found.`,
  ),

  // --- tags (standard-attr-tag: Neutron's tagging extension names the collection, not the type)
  tagNotFound: make('TagNotFound', 404, (tag: string) => `Tag ${tag} could not be found.`),
  tagResourceNotFound: make(
    'TagResourceNotFound',
    404,
    (collection: string, id: string) => `Resource ${collection} ${id} could not be found.`,
  ),
  tagCreateNotSupported: make('HTTPNotFound', 404, () => 'not supported'),

  // --- conflicts
  networkInUse: make(
    'NetworkInUse',
    409,
    (id: string, portIds: readonly string[]) =>
      `Unable to complete operation on network ${id}. There are one or more ports still in use on the network, id for these ports is: ${portIds.join(',')}.`,
  ),
  subnetInUse: make(
    'SubnetInUse',
    409,
    (id: string) =>
      `Unable to complete operation on subnet ${id}: One or more ports have an IP allocation from this subnet.`,
  ),
  subnetPoolInUse: make(
    'SubnetPoolInUse',
    409,
    (id: string) =>
      `Unable to complete operation on subnet pool ${id}. Subnets are still allocated from it.`,
  ),
  macAddressInUse: make(
    'MacAddressInUse',
    409,
    (mac: string, netId: string) =>
      `Unable to complete operation for network ${netId}. The mac address ${mac} is in use.`,
  ),
  portChangedConcurrently: make(
    'PortUpdateConflict',
    409,
    (id: string) =>
      `Port ${id} was changed by another request while its addresses were reserved; retry the update.`,
  ),
  ipAddressGenerationFailure: make(
    'IpAddressGenerationFailure',
    409,
    (netId: string) => `No more IP addresses available on network ${netId}.`,
  ),
  ipAddressAlreadyAllocated: make(
    'IpAddressAlreadyAllocated',
    409,
    (ip: string, subnetId: string) => `IP address ${ip} already allocated in subnet ${subnetId}`,
  ),
  invalidIpForSubnet: make(
    'InvalidIpForSubnet',
    400,
    (ip: string) => `IP address ${ip} is not a valid IP for the specified subnet.`,
  ),
  invalidIpForNetwork: make(
    'InvalidIpForNetwork',
    400,
    (ip: string) =>
      `IP address ${ip} is not a valid IP for any of the subnets on the specified network.`,
  ),
  allocationOnAutoAddressSubnet: make(
    'AllocationOnAutoAddressSubnet',
    400,
    (ip: string, subnetId: string) =>
      `IPv6 address ${ip} cannot be directly assigned to a port on subnet ${subnetId} as the subnet is configured for automatic addresses`,
  ),

  // --- subnets and allocation pools
  gatewayConflictWithAllocationPools: make(
    'GatewayConflictWithAllocationPools',
    409,
    (gateway: string, pool: string) =>
      `Gateway ip ${gateway} conflicts with allocation pool ${pool}.`,
  ),
  outOfBoundsAllocationPool: make(
    'OutOfBoundsAllocationPool',
    400,
    (pool: string, cidr: string) =>
      `The allocation pool ${pool} spans beyond the subnet cidr ${cidr}.`,
  ),
  invalidAllocationPool: make(
    'InvalidAllocationPool',
    400,
    (start: string, end: string) =>
      `The allocation pool {'start': '${start}', 'end': '${end}'} is not valid.`,
  ),
  overlappingAllocationPools: make(
    'OverlappingAllocationPools',
    409,
    (a: string, b: string, cidr: string) =>
      `Found overlapping allocation pools: ${a} ${b} for subnet ${cidr}.`,
  ),

  // --- subnet pools
  maxPrefixSubnetAllocationError: make(
    'MaxPrefixSubnetAllocationError',
    400,
    (prefixlen: number, max: number) =>
      `Unable to allocate subnet with prefix length ${prefixlen}, maximum allowed prefix is ${max}.`,
  ),
  minPrefixSubnetAllocationError: make(
    'MinPrefixSubnetAllocationError',
    400,
    (prefixlen: number, min: number) =>
      `Unable to allocate subnet with prefix length ${prefixlen}, minimum allowed prefix is ${min}.`,
  ),
  // NOTE: Neutron answers 500 for both of these; they are the client's problem (a CIDR outside the
  // pool) or a state conflict (the pool is full), so we answer 400 and 409 with the same type.
  subnetOutsidePool: make(
    'SubnetAllocationError',
    400,
    () =>
      'Failed to allocate subnet: Cannot allocate requested subnet from the available set of prefixes.',
  ),
  subnetPoolExhausted: make(
    'SubnetAllocationError',
    409,
    (prefixlen: number) =>
      `Failed to allocate subnet: Insufficient prefix space to allocate subnet size /${prefixlen}.`,
  ),
  subnetPoolRaced: make(
    'SubnetAllocationError',
    409,
    (cidr: string) =>
      `Failed to allocate subnet: ${cidr} was taken by a concurrent request; retry.`,
  ),
  networkSubnetPoolAffinity: make(
    'NetworkSubnetPoolAffinityError',
    400,
    () => 'Subnets hosted on the same network must be allocated from the same subnet pool.',
  ),
  illegalSubnetPoolPrefixUpdate: make(
    'IllegalSubnetPoolPrefixUpdate',
    400,
    (message: string) => `Illegal update to prefixes: ${message}.`,
  ),

  // --- allowed address pairs and extra DHCP options (neutron-lib's messages)
  allowedAddressPairsMissingIp: make(
    'AllowedAddressPairsMissingIP',
    400,
    () => 'AllowedAddressPair must contain ip_address',
  ),
  duplicateAddressPairInRequest: make(
    'DuplicateAddressPairInRequest',
    400,
    (mac: string | undefined, ip: string) =>
      `Request contains duplicate address pair: mac_address ${mac ?? 'None'} ip_address ${ip}.`,
  ),
  allowedAddressPairExhausted: make(
    'AllowedAddressPairExhausted',
    400,
    (max: number) => `The number of allowed address pair exceeds the maximum ${max}.`,
  ),
  addressPairAndPortSecurityRequired: make(
    'AddressPairAndPortSecurityRequired',
    409,
    () => 'Port Security must be enabled in order to have allowed address pairs on a port.',
  ),
  duplicateExtraDhcpOpt: make(
    'NeutronDbObjectDuplicateEntry',
    409,
    (portId: string, name: string, ipVersion: number) =>
      `Failed to create a duplicate ExtraDhcpOpt: for attribute(s) ['portid', 'optname', 'ipversion'] with value(s) ${portId}-${name}-${ipVersion}`,
  ),

  // --- per-subnet limits (Neutron's max_dns_nameservers, max_subnet_host_routes)
  dnsNameServersExhausted: make(
    'DNSNameServersExhausted',
    400,
    (subnet: string, quota: number) =>
      `Unable to complete operation for ${subnet}. The number of DNS nameservers exceeds the limit ${quota}.`,
  ),
  hostRoutesExhausted: make(
    'HostRoutesExhausted',
    400,
    (subnet: string, quota: number) =>
      `Unable to complete operation for ${subnet}. The number of host routes exceeds the limit ${quota}.`,
  ),
  valueTooLarge: make(
    'HTTPBadRequest',
    400,
    (attribute: string, bytes: number, max: number) =>
      `Invalid input for ${attribute}. Reason: it takes ${bytes} bytes as stored, more than the ${max} a row can hold.`,
  ),

  // --- external IPAM
  ipamDriverError: make(
    'IpamDriverError',
    503,
    (driver: string, endpoint: string, cause: string) =>
      `IPAM driver error: ${driver} at ${endpoint}: ${cause}`,
  ),
  serviceUnavailable: make('ServiceUnavailable', 503, (message: string) => message),
} as const
