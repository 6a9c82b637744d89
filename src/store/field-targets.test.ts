import assert from 'node:assert/strict'
import { test } from 'node:test'
import { builtinModules } from '../modules/index.js'
import { FIELDS } from '../query/fields.js'
import { fieldTarget } from './field-targets.js'

test('every search field, the modules’ own included, has a place in the store', () => {
  const contributed = builtinModules.flatMap((m) => (m.searchFields ?? []).map((f) => f.name))
  assert.deepEqual(contributed.sort(), [
    'http.server',
    'http.status',
    'http.title',
    'ssh.version',
    'telnet.prompt',
  ])
  for (const field of FIELDS) assert.doesNotThrow(() => fieldTarget(field), field.name)
  assert.throws(() => fieldTarget({ name: 'mqtt.version', type: 'text', description: 'x' }), {
    code: 'ERR_STORE',
    message: /no column for the search field mqtt\.version/,
  })
})
