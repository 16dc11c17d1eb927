import { BamError } from './bluecat-model.ts'

/**
 * Every failure the emulated Address Manager reports, with the v2 status and `code` of the
 * RESTful v2 error enums (external-apis.md §4.B).
 *
 * NOTE: the contract marks several of these [U] (exact trigger or wording not captured from a real
 * appliance): `NoSpaceForAddress`, `ResourceAlreadyExists` for a used address, the overlap codes.
 * Codes not in the contract at all (`InvalidIpRange`, `ZoneNotFound`, `MissingMACAddress`,
 * `InvalidFieldValue`, `InvalidFilterOperator`) are ours; messages are ours throughout.
 */
export const BamErrors = {
  notFound: (id: number | string) =>
    new BamError(404, 'ResourceNotFound', `Resource with ID ${id} was not found`),
  noSpace: (range: string) =>
    new BamError(400, 'NoSpaceForAddress', `There is no available address in network ${range}`),
  addressInUse: (address: string) =>
    new BamError(409, 'ResourceAlreadyExists', `The address ${address} is already allocated`),
  notInNetwork: (address: string) =>
    new BamError(
      400,
      'AddressNotInNetwork',
      `The address ${address} is not within the range of the network`,
    ),
  noNetworkFor: (address: string) =>
    new BamError(
      400,
      'AddressNotInNetwork',
      `The address ${address} is not within any network of the configuration`,
    ),
  networkId: (address: string) =>
    new BamError(400, 'AddressIsNetworkId', `The address ${address} is the network ID`),
  broadcast: (address: string) =>
    new BamError(
      400,
      'AddressIsBroadcastAddress',
      `The address ${address} is the broadcast address`,
    ),
  overlapsSiblings: (range: string, other: string) =>
    new BamError(400, 'IpRangeOverlapsSiblings', `The range ${range} overlaps with ${other}`),
  conflicts: (range: string) =>
    new BamError(
      409,
      'ResourceConflictsWithOther',
      `A range ${range} already exists in the configuration`,
    ),
  outsideParent: (range: string, parent: string) =>
    new BamError(400, 'InvalidIpRange', `The range ${range} is not within the parent ${parent}`),
  noFreeRange: (size: number, parent: string) =>
    new BamError(400, 'NoSpaceForAddress', `There is no free /${size} range in ${parent}`),
  invalidValue: (field: string, value: string) =>
    new BamError(400, 'InvalidFieldValue', `The value '${value}' of field ${field} is invalid`),
  missingMac: () =>
    new BamError(400, 'MissingMACAddress', 'A MAC address is required for a DHCP_RESERVED address'),
  zoneNotFound: (fqdn: string) =>
    new BamError(400, 'ZoneNotFound', `No zone was found for the name ${fqdn}`),
  duplicateName: (name: string) =>
    new BamError(409, 'ResourceAlreadyExists', `An object named ${name} already exists`),
  invalidFilter: (message: string) => new BamError(400, 'InvalidFilter', message),
  invalidFilterField: (field: string, allowed: readonly string[]) =>
    new BamError(
      400,
      'InvalidFilterField',
      `Field ${field} is not a supported filter field. Supported fields: ${allowed.join(', ')}`,
    ),
  invalidFilterOperator: (field: string, operator: string) =>
    new BamError(
      400,
      'InvalidFilterOperator',
      `Operator ${operator} is not supported for field ${field}`,
    ),
  wrongParent: (what: string, parentType: string) =>
    new BamError(400, 'InvalidFieldValue', `A ${what} cannot be created under a ${parentType}`),
} as const
