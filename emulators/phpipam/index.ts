export {
  startPhpipamEmulator,
  type PhpipamEmulatorHandle,
  type PhpipamEmulatorOptions,
} from './phpipam-emulator.ts'
export { PhpipamState, type AddressView, type PiApp, type PiSubnet } from './phpipam-state.ts'
