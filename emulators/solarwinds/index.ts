export {
  startSolarwindsEmulator,
  type SolarwindsEmulator,
  type SolarwindsEmulatorOptions,
} from './solarwinds-emulator.ts'
export {
  SolarwindsStateHelpers,
  type SwisNodeSnapshot,
  type SwisSubnetSnapshot,
} from './solarwinds-seed.ts'
export { NODE_STATUS, type NodeStatus, type NodeStatusName } from './swis-model.ts'
export { SWIS_PREFIX } from './swis-routes.ts'
