import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadVocabulary } from '../vocab.js'
import { lintOwnRules } from './lint-rules.js'
import { loadOwnRules, loadOwnRulesText } from './load-own-rules.js'

test("mamori's rule files load and pass the data linter", () => {
  const load = loadOwnRules()
  assert.deepEqual(load.problems, [])
  const problems = lintOwnRules(load.rules, loadVocabulary())
  assert.deepEqual(problems, [])
  assert.ok(load.rules.length >= 50, `${load.rules.length} rules`)
  const keys = new Set(load.rules.map((r) => r.matchKey))
  for (const k of [
    'telnet.banner',
    'ssh.banner',
    'http.server',
    'http.title',
    'http.wwwauth',
    'ftp.banner',
    'rtsp.server',
  ])
    assert.ok(keys.has(k), k)
  const devices = new Set(
    load.rules.flatMap((r) => r.params.filter((p) => p.name === 'hw.device').map((p) => p.value)),
  )
  for (const d of ['camera', 'dvr', 'router', 'nas', 'printer', 'industrial-gateway'])
    assert.ok(devices.has(d), d)
})

const good = (rule: string) => `match: http.server\npreference: 0.9\nrules:\n${rule}`

test('the linter reports each kind of mistake with file, line and rule id', () => {
  const text = good(`  - id: one
    description: d
    pattern: '^A/(\\d+) (\\w+)$'
    set: { service.product: A, service.version: $1, service.cpe23: 'cpe:/a:a:a:{service.verison}', hw.colour: red }
    examples: [{ text: 'A/1 x', expect: { service.version: '2' } }]
  - id: one
    description: dup
    pattern: '^B'
    set: { hw.device: toaster, hw.vendor: Nobody }
    examples: [{ text: 'C' }]
  - id: broad
    description: claims others' examples
    pattern: '^A/(\\d+)'
    set: { service.product: A, service.version: $1, service.vendor: ACME, hw.device: camera }
    examples: [{ text: 'A/3' }]
`)
  const load = loadOwnRulesText(text, 'x.yaml')
  assert.deepEqual(load.problems, [])
  const messages = lintOwnRules(load.rules, loadVocabulary()).map((p) => `${p.rule}@${p.line}: ${p.message}`)
  const expectSome = (re: RegExp) =>
    assert.ok(
      messages.some((m) => re.test(m)),
      `${re} in ${messages.join('\n')}`,
    )
  expectSome(/^one@4: capture group 2 sets no field/)
  expectSome(/^one@4: service.cpe23 interpolates \{service.verison\}/)
  expectSome(/^one@4: unknown field hw.colour/)
  expectSome(/^one@4: example "A\/1 x": service.version is "1", expected "2"/)
  expectSome(/^one@4: example "A\/1 x" is claimed by broad/)
  expectSome(/^one@9: duplicate id/)
  expectSome(/^one@9: unknown device type toaster/)
  expectSome(/^one@9: unknown vendor Nobody/)
  expectSome(/^one@9: example does not match: "C"/)
})

test('a rule on a key no registered module emits is reported, and the key counts once a module emits it', () => {
  const text = `match: mdns.deviceinfo
preference: 0.9
rules:
  - id: printer-mdns
    description: d
    pattern: '^ty=(\\w+)$'
    set: { hw.product: $1 }
    examples: [{ text: 'ty=Printer' }]
`
  const load = loadOwnRulesText(text, 'm.yaml')
  assert.deepEqual(load.problems, [])
  const messages = lintOwnRules(load.rules, loadVocabulary()).map((p) => `${p.rule}@${p.line}: ${p.message}`)
  assert.deepEqual(messages, [
    'printer-mdns@4: match key mdns.deviceinfo is emitted by no registered protocol module (matchKeys)',
  ])
  assert.deepEqual(lintOwnRules(load.rules, loadVocabulary(), new Set(['mdns.deviceinfo'])), [])
})

test('bad files and bad rules give clear problems, and the good rules still load', () => {
  const bad = loadOwnRulesText(
    good(`  - id: ok
    description: d
    pattern: '^ok$'
    set: { service.product: ok }
    examples: [{ text: ok }]
  - id: Bad_Id
    description: d
    pattern: '^x'
    set: {}
    examples: [{ text: x }]
  - id: bad-regex
    description: d
    pattern: '^(x'
    set: {}
    examples: [{ text: x }]
  - id: redos
    description: d
    pattern: '^(\\w+\\s?)*$'
    set: {}
    examples: [{ text: x }]
  - id: no-examples
    description: d
    pattern: x
    set: {}
    examples: []
`),
    'y.yaml',
  )
  assert.deepEqual(
    bad.rules.map((r) => r.id),
    ['ok'],
  )
  const messages = bad.problems.map((p) => `${p.line} ${p.rule ?? ''} ${p.message}`)
  assert.match(messages[0] as string, /^9 Bad_Id .*kebab-case/)
  assert.match(messages[1] as string, /^14 bad-regex bad pattern/)
  assert.match(messages[2] as string, /^19 redos pattern may backtrack catastrophically/)
  assert.match(messages[3] as string, /^24 no-examples .*at least one example/)
  assert.match(loadOwnRulesText('match: [unclosed', 'z.yaml').problems[0]?.message ?? '', /^YAML:/)
  assert.match(
    loadOwnRulesText('match: x.y\npreference: 5\nrules: []', 'z.yaml').problems[0]?.message ?? '',
    /preference/,
  )
  assert.match(
    loadOwnRulesText('match: x.y\nmatch: x.z\npreference: 0.5\nrules: []', 'z.yaml').problems[0]?.message ??
      '',
    /^YAML:/,
  )
})
