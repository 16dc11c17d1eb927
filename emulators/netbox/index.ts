export {
  startNetboxEmulator,
  type NetboxEmulatorHandle,
  type NetboxEmulatorOptions,
} from './netbox-emulator.ts'
export {
  NetboxState,
  type IpAddressView,
  type NbPrefix,
  type NbTag,
  type NbVrf,
} from './netbox-state.ts'
export type { NetboxGeneration } from './netbox-auth.ts'
