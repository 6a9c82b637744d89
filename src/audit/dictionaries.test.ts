import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { MamoriError } from '../core/errors.js'
import { dataPath } from '../core/paths.js'
import { loadVocabulary } from '../fingerprint/vocab.js'
import { vendorMatches } from '../lib/vendor-name.js'
import { sharedData } from '../testing/shared-data.js'
import { loadDictionaries } from './dictionaries.js'

const dicts = loadDictionaries()

test('the Mirai table is the public one, in source order, with the decoded (corrected) pairs', () => {
  const tsv = readFileSync(sharedData('mirai-credentials.tsv'), 'utf8')
    .split('\n')
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => {
      const [username = '', password = ''] = l.split('\t')
      return { username, password }
    })
  assert.equal(dicts.mirai.length, 62)
  assert.deepEqual(
    dicts.mirai.map(({ username, password }) => ({ username, password })),
    tsv,
  )
  assert.equal(
    dicts.mirai.reduce((sum, e) => sum + (e.weight ?? 0), 0),
    152,
    'weights add up to 152 (DOMAIN.md §1.3)',
  )
  const pair = (id: string) => dicts.mirai.find((e) => e.id === id)
  assert.deepEqual([pair('mirai-27')?.username, pair('mirai-27')?.password], ['Administrator', 'meinsm'])
  assert.deepEqual([pair('mirai-58')?.username, pair('mirai-58')?.password], ['admin', '4321'])
  assert.equal(pair('mirai-01')?.weight, 10)
})

test('every entry has a source, a unique id, and no id gives its password away', () => {
  const all = [...dicts.mirai, ...dicts.common, ...dicts.vendors.flatMap((v) => v.entries)]
  assert.ok(all.length > 300)
  for (const e of all) assert.ok(e.source.length > 0, e.id)
  // ids are built from the list, the user name and a counter: never from the password
  const slug = (s: string) =>
    s
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'blank'
  for (const e of dicts.mirai) assert.match(e.id, /^mirai-\d\d$/)
  for (const e of dicts.common) assert.match(e.id, /^common-\d{3}$/)
  for (const v of dicts.vendors) {
    for (const e of v.entries) assert.match(e.id, new RegExp(`^${v.vendor}-${slug(e.username)}-\\d+$`), e.id)
  }
  assert.equal(new Set(all.map((e) => e.id)).size, all.length)
  // the common list opens with Mirai's most used pairs
  assert.deepEqual(
    dicts.common.slice(0, 3).map((e) => `${e.username}:${e.password}`),
    ['root:xc3511', 'root:vizxv', 'root:admin'],
  )
})

test('every vendor with defaults can be selected: a vocabulary vendor name matches one of its aliases', () => {
  const names = [...loadVocabulary().vendors]
  const unreachable = loadDictionaries()
    .vendors.filter((v) => !names.some((name) => vendorMatches(v.aliases, name)))
    .map((v) => v.vendor)
  assert.deepEqual(unreachable, [], 'add the vendor to data/vocab/vendors.txt (as fingerprint rules name it)')
})

test('a broken dictionary is refused with every problem named, file and entry', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mamori-dict-'))
  writeFileSync(
    join(dir, 'mirai.yaml'),
    'entries:\n  - { id: Bad_Id, username: root, password: x, source: s }\n',
  )
  writeFileSync(
    join(dir, 'common.yaml'),
    'entries:\n  - { id: a-1, username: root, password: x, source: s }\n  - { id: a-1, username: u, password: y, source: s }\n',
  )
  mkdirSync(join(dir, 'vendors'))
  writeFileSync(join(dir, 'vendors', 'x.yaml'), 'vendor: x\nrank: 1\naliases: []\nentries: []\n: : :\n')
  const vendor = (name: string, rank: number, id: string) =>
    `vendor: ${name}\nrank: ${rank}\naliases: [${name}]\nentries:\n  - { id: ${id}, username: u, password: p, source: s }\n`
  writeFileSync(join(dir, 'vendors', 'y.yaml'), vendor('z', 2, 'a-1'))
  writeFileSync(join(dir, 'vendors', 'w.yaml'), vendor('w', 2, 'w-u-1'))
  assert.throws(
    () => loadDictionaries(dir),
    (err: unknown) =>
      err instanceof MamoriError &&
      err.code === 'ERR_DATA_INVALID' &&
      /mirai\.yaml: entries\.0\.id/.test(err.message) &&
      /duplicate id a-1/.test(err.message) &&
      /vendors\/x\.yaml/.test(err.message) &&
      /vendors\/y\.yaml: vendor z belongs in z\.yaml/.test(err.message) &&
      /vendors\/y\.yaml: rank 2 is also vendors\/w\.yaml's/.test(err.message),
  )
  // the shipped files are where dataPath says, one file per vendor named after it
  assert.ok(readFileSync(dataPath('credentials', 'mirai.yaml'), 'utf8').includes('mirai-62'))
  assert.ok(
    readFileSync(dataPath('credentials', 'vendors', 'hikvision.yaml'), 'utf8').includes('hikvision-admin-1'),
  )
})

test('vendors come in rank order, one file each, named after the vendor', () => {
  const names = dicts.vendors.map((v) => v.vendor)
  assert.equal(names.length, 40)
  assert.deepEqual(names.slice(0, 3), ['hikvision', 'dahua', 'hisilicon'])
  assert.equal(names.at(-1), 'cisco')
})
