/**
 * `npm run emulator -- <vendor> --port N [vendor options]`: serves a vendor IPAM emulator on
 * 127.0.0.1:N until interrupted. Each vendor folder exports `runFromCli(args)`.
 */
const [vendor, ...args] = process.argv.slice(2)
const known = ['infoblox', 'netbox', 'phpipam', 'bluecat', 'solarwinds']
if (vendor === undefined || !known.includes(vendor)) {
  process.stderr.write(`usage: npm run emulator -- <${known.join('|')}> --port N [options]\n`)
  process.exit(2)
}
const module = (await import(`./${vendor}/cli.ts`)) as {
  runFromCli: (args: string[]) => Promise<void>
}
await module.runFromCli(args)
