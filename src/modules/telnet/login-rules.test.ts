import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { test } from 'node:test'
import YAML from 'yaml'
import { repoRoot } from '../../core/paths.js'
import { fuzz } from '../../testing/fuzz.js'
import { afterPassword, afterUsername, preLogin } from './login-rules.js'
import { screenText } from './prompt.js'

interface Corpus {
  pre_login: { source: string; screen: string; kind: string }[]
  after_username: { source: string; screen: string; expect: string }[]
  after_password: { source: string; before: string; screen: string; closed?: boolean; expect: string }[]
}
const corpus = YAML.parse(
  readFileSync(join(repoRoot, 'src', 'modules', 'telnet', 'fixtures', 'login-screens.yaml'), 'utf8'),
) as Corpus

test('pre-login screens: the prompt each device ends on', () => {
  for (const c of corpus.pre_login) assert.equal(preLogin(c.screen)?.kind ?? 'none', c.kind, c.source)
})

test('after the username: the password question, a shell (no password), a refusal, lockout or busy', () => {
  for (const c of corpus.after_username) {
    const v = afterUsername(c.screen, 'root')
    const got = v === undefined ? 'undecided' : 'kind' in v ? v.kind : v.verdict
    assert.equal(got, c.expect, c.source)
  }
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

test('refusals carry a kind that real wrong passwords and controls share; decisions cite the text', () => {
  const a = afterPassword('\r\nLogin incorrect\r\nIPCAM login: ', 'Password:', false, 'root')
  const b = afterPassword('\r\nLogin incorrect\r\nIPCAM login: ', 'Password:', false, 'qzkvxmwa')
  assert.equal(a?.refusal, 'text:login incorrect')
  assert.equal(a?.refusal, b?.refusal)
  assert.equal(a?.cited, 'Login incorrect')
  // the user name and digits are abstracted, so a refusal naming them is still one kind
  const named = (user: string) =>
    afterPassword(`\r\nLogin for ${user} failed (3)\r\nlogin: `, 'Password:', false, user)?.refusal
  assert.equal(named('admin'), named('xkcdqwer'))
  assert.equal(afterPassword('\r\nPassword: ', 'Password:', false)?.refusal, 'reprompt:password')
  const shell = afterUsername(
    "root\r\n\r\n\r\nBusyBox v1.35.0 (Debian 1:1.35.0-4+deb12u1+b1) built-in shell (ash)\r\nEnter 'help' for a list of built-in commands.\r\n\r\n~ # \x1b[6n",
    'root',
  )
  assert.ok(shell && 'kind' in shell && shell.kind === 'shell')
  assert.match((shell as { cited: string }).cited, /^BusyBox v1\.35\.0 .*built-in shell \(ash\) … ~ #$/)
})

test('random screens never throw and a success always ends on a prompt-like line', () => {
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
  fuzz(
    7,
    5000,
    (rng) => ({
      screen: Array.from({ length: 1 + rng.int(8) }, () => rng.pick(pieces)).join(''),
      echoed: rng.chance(0.5),
    }),
    ({ screen, echoed }) => {
      const v = afterPassword(screen, 'Password:', echoed)
      // judged as a person reads the screen (screenText: NUL padding and escapes removed)
      if (v?.verdict === 'success')
        assert.ok(/[#$>%]\s*$|menu/i.test(screenText(screen)), JSON.stringify(screen))
    },
  )
})
