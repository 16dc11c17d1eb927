export {
  startBluecatEmulator,
  type BluecatEmulator,
  type BluecatEmulatorOptions,
} from './bluecat-emulator.ts'
export {
  BluecatStateHelpers,
  type BamAddressSnapshot,
  type BamHostRecordSnapshot,
} from './bluecat-seed.ts'
export type { AddressState } from './bluecat-model.ts'
