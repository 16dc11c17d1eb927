import type { Db } from '../db/database.ts'
import type { MacOctets } from '../domain/mac-address.ts'
import type { IpamDriver } from '../ipam/driver.ts'
import { AvailabilityService } from './availability-service.ts'
import { IpamAdminService } from './ipam-admin-service.ts'
import { NetworkService } from './network-service.ts'
import { PortService } from './port-service.ts'
import { SubnetPoolService } from './subnet-pool-service.ts'
import { SubnetService } from './subnet-service.ts'
import { TagService } from './tag-service.ts'

/** Every service of the API, wired to one database and one IPAM driver. */
export interface AppServices {
  readonly db: Db
  readonly ipam: IpamDriver
  readonly networks: NetworkService
  readonly subnets: SubnetService
  readonly subnetPools: SubnetPoolService
  readonly ports: PortService
  readonly tags: TagService
  readonly availability: AvailabilityService
  readonly ipamAdmin: IpamAdminService
}

export interface ServiceOptions {
  readonly baseMac: MacOctets
  readonly physnetMtu: number
  readonly dnsDomain: string
}

export function createServices(db: Db, ipam: IpamDriver, options: ServiceOptions): AppServices {
  return {
    db,
    ipam,
    networks: new NetworkService(db, ipam, { physnetMtu: options.physnetMtu }),
    subnets: new SubnetService(db, ipam),
    subnetPools: new SubnetPoolService(db),
    tags: new TagService(db),
    ports: new PortService(db, ipam, { baseMac: options.baseMac, dnsDomain: options.dnsDomain }),
    availability: new AvailabilityService(db),
    ipamAdmin: new IpamAdminService(db, ipam),
  }
}
