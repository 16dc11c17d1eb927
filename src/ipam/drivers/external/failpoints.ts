/**
 * Crash points for the crash tests: `XLOUD_FAILPOINTS=allocate:after-reserve,…` makes the process
 * kill itself (SIGKILL, no clean-up) when it reaches one of the named points, as a power cut
 * would. Unset in production; then a check of an empty set.
 *
 * Points: allocate:before-call (intent journaled, external call not made), allocate:after-reserve
 * (reserved externally, our commit not made), allocate:after-commit (port committed, not yet
 * answered), release:after-commit (port deleted and release queued, call not made),
 * release:during (release call sent, answer not read).
 */
const armed = new Set((process.env.XLOUD_FAILPOINTS ?? '').split(',').filter((p) => p !== ''))

export function failpoint(name: string): void {
  if (armed.size === 0 || !armed.has(name)) return
  if (name.endsWith(':during')) {
    // The call was just sent: die before its answer can be read.
    setTimeout(() => process.kill(process.pid, 'SIGKILL'), 5)
    return
  }
  process.kill(process.pid, 'SIGKILL')
}
