import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import YAML from 'yaml'
import { repoRoot } from '../../core/paths.js'
import { afterPassword, afterUsername, preLoginPrompt } from './login-rules.js'

interface Corpus {
  pre_login: { source: string; screen: string; kind: string }[]
  after_password: { source: string; before: string; screen: string; closed?: boolean; expect: string }[]
}
const corpus = YAML.parse(
  readFileSync(join(repoRoot, 'src', 'modules', 'telnet', 'fixtures', 'login-screens.yaml'), 'utf8'),
) as Corpus

test('pre-login screens: the prompt each device ends on', () => {
  for (const c of corpus.pre_login) assert.equal(preLoginPrompt(c.screen)?.kind ?? 'none', c.kind, c.source)
})

test('after the password: success only on positive evidence, failure on negative, else unknown', () => {
  for (const c of corpus.after_password) {
    assert.equal(
      afterPassword(c.screen, c.before, c.closed === true)?.verdict ?? 'unknown',
      c.expect,
      c.source,
    )
  }
})

test('after the username: password prompt, refusal, lockout', () => {
  assert.equal(afterUsername('root\r\nPassword: '), 'password')
  assert.equal(afterUsername('root\r\nLogin incorrect\r\nlogin: '), 'failure')
  assert.equal(afterUsername('root\r\nToo many attempts\r\n'), 'lockout')
  assert.equal(afterUsername('root\r\n'), undefined)
})

test('random screens never throw and a success always ends on a prompt-like line', () => {
  let seed = 7
  const next = () => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff
    return seed
  }
  const pieces = [
    '# ',
    '$ ',
    'login: ',
    'Password: ',
    '\r\n',
    'incorrect',
    'Main Menu',
    'x',
    '>',
    ':',
    '\x00',
    'ÿ',
  ]
  for (let i = 0; i < 5000; i++) {
    const screen = Array.from({ length: 1 + (next() % 8) }, () => pieces[next() % pieces.length]).join('')
    const v = afterPassword(screen, 'Password:', next() % 2 === 0)
    if (v?.verdict === 'success') assert.ok(/[#$>%]\s*$|menu/i.test(screen), JSON.stringify(screen))
  }
})
