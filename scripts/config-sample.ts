import { writeFileSync } from 'node:fs'
import { renderSample } from '../src/config/sample.ts'

writeFileSync(new URL('../etc/neutron.conf.sample', import.meta.url), renderSample())
process.stdout.write('wrote etc/neutron.conf.sample\n')
