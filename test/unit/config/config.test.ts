import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { ConfigError, loadConfig } from '../../../src/config/load-config.ts'
import { renderSample } from '../../../src/config/sample.ts'
import { parseConnectionUrl } from '../../../src/db/connection-url.ts'
import { ROOT } from '../../support/server.ts'

function write(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'xloud-conf-')), 'neutron.conf')
  writeFileSync(file, text)
  return file
}

describe('neutron.conf', () => {
  test('etc/neutron.conf.sample documents every option (regenerate with npm run config:sample)', () => {
    assert.equal(readFileSync(join(ROOT, 'etc/neutron.conf.sample'), 'utf8'), renderSample())
  })

  test('the sample, uncommented, is itself a valid configuration', () => {
    const text = renderSample()
      .replace(/^#(\w+ = )/gm, '$1')
      .replace(/ = <secret>$/gm, ' = x')
    assert.doesNotThrow(() => loadConfig(write(text)))
  })

  test('values are typed, defaults apply, $state_path is substituted', () => {
    const c = loadConfig(
      write(
        '[DEFAULT]\nbind_port = 9797\napi_workers = 3\nstate_path = /srv/x\ndebug = yes\n[ipam]\nallocation_strategy = random\n',
      ),
    )
    assert.equal(c.DEFAULT.bind_port, 9797)
    assert.equal(c.DEFAULT.api_workers, 3)
    assert.equal(c.DEFAULT.debug, true)
    assert.equal(c.DEFAULT.auth_strategy, 'token')
    assert.equal(c.ipam.allocation_strategy, 'random')
    assert.equal(c.database.connection, 'sqlite:////srv/x/xloud.sqlite')
    assert.equal(c.token.token_file, '/srv/x/tokens.json')
  })

  test('passwords may hold # and ; (oslo keeps them; the ini package would not)', () => {
    const c = loadConfig(write('[database]\nconnection = postgresql://u:p#a;ss@db/neutron\n'))
    assert.equal(c.database.connection, 'postgresql://u:p#a;ss@db/neutron')
  })

  const bad: [string, RegExp][] = [
    [
      '[DEFAULT]\nbind_port = http\n',
      /neutron\.conf:2: \[DEFAULT\] bind_port: expected an integer/,
    ],
    [
      '[DEFAULT]\nbind_port = 70000\n',
      /\[DEFAULT\] bind_port: expected an integer from 0 to 65535/,
    ],
    [
      '[DEFAULT]\nipam_driver = foo\n',
      /\[DEFAULT\] ipam_driver: expected one of internal, infoblox/,
    ],
    ['[DEFAULT]\ndebug = maybe\n', /\[DEFAULT\] debug: expected a boolean/],
    [
      '[ipam]\nallocation_stratgy = random\n',
      /neutron\.conf:2: \[ipam\] allocation_stratgy: unknown option/,
    ],
    ['not an option line\n', /neutron\.conf:1: line 1 is neither a \[section\] nor key = value/],
    [
      '[phpipam]\nurl = https://svc:S3cret@ipam.example.net\n',
      /neutron\.conf:2: \[phpipam\] url: credentials in the URL are refused/,
    ],
    ['[infoblox]\nwapi_url = gm.example.net\n', /\[infoblox\] wapi_url: expected an http/],
  ]
  for (const [text, message] of bad) {
    test(`refused: ${JSON.stringify(text)}`, () => {
      const file = write(text)
      assert.throws(
        () => loadConfig(file),
        (e: Error) => {
          assert.ok(e instanceof ConfigError)
          assert.match(e.message, message)
          assert.ok(e.message.includes(file), 'names the file')
          assert.ok(!e.message.includes('S3cret'), 'never echoes a password')
          return true
        },
      )
    })
  }

  test('a missing file is named', () => {
    assert.throws(
      () => loadConfig('/nonexistent/neutron.conf'),
      /cannot read configuration file \/nonexistent\/neutron\.conf/,
    )
  })
})

describe('[database] connection URLs (SQLAlchemy forms, as Neutron)', () => {
  test('sqlite relative, absolute and memory', () => {
    assert.deepEqual(parseConnectionUrl('sqlite:////var/lib/x.db'), {
      dialect: 'sqlite',
      path: '/var/lib/x.db',
    })
    assert.equal(parseConnectionUrl('sqlite:///data/x.db').dialect, 'sqlite')
    assert.deepEqual(parseConnectionUrl('sqlite://'), { dialect: 'sqlite', path: ':memory:' })
  })
  test('postgresql and mysql+pymysql with credentials, port and options', () => {
    assert.deepEqual(
      parseConnectionUrl('postgresql+psycopg2://neutron:s%40cret@db.example:5433/neutron'),
      {
        dialect: 'postgres',
        host: 'db.example',
        port: 5433,
        user: 'neutron',
        password: 's@cret',
        database: 'neutron',
      },
    )
    assert.deepEqual(
      parseConnectionUrl('mysql+pymysql://neutron:pw@127.0.0.1/neutron?charset=utf8'),
      {
        dialect: 'mysql',
        host: '127.0.0.1',
        port: 3306,
        user: 'neutron',
        password: 'pw',
        database: 'neutron',
      },
    )
  })
  test('errors never echo the password', () => {
    assert.throws(
      () => parseConnectionUrl('oracle://u:topsecret@h/db'),
      (e: Error) => !e.message.includes('topsecret'),
    )
    assert.throws(
      () => parseConnectionUrl('postgresql://u:topsecret@h'),
      (e: Error) => !e.message.includes('topsecret'),
    )
  })
})
