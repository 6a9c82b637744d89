import assert from 'node:assert/strict'
import { test } from 'node:test'
import { classifyPrompt } from './prompt.js'

test('recognises the login, password and shell prompts devices show', () => {
  const cases: [string, string][] = [
    ['\r\nBusyBox v1.19.3 built-in shell\r\n(none) login: ', 'login'],
    ['\r\n\r\nUser Access Verification\r\n\r\nUsername: ', 'login'],
    ['User Name:', 'login'],
    ['Password: ', 'password'],
    ['Login incorrect\r\nHG532e login:', 'login'],
    ['\r\n# ', 'shell'],
    ['[admin@MikroTik] > ', 'shell'],
    ['Welcome to the device\r\n', 'none'],
    ['', 'none'],
  ]
  for (const [screen, kind] of cases) assert.equal(classifyPrompt(screen).kind, kind, JSON.stringify(screen))
})
