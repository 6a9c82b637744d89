import assert from 'node:assert/strict'
import { test } from 'node:test'
import { HOSTILE, RAW_CONTROL } from '../testing/hostile-text.js'
import { escapeText, jsonLine, safeJson } from './escape.js'

test('text: every control made visible, tab kept, newlines only when asked', () => {
  const out = escapeText(`${HOSTILE}\tend\r\n`)
  assert.doesNotMatch(out, RAW_CONTROL)
  assert.match(out, /\\x1b\]0;owned\\x07/)
  assert.match(out, /\\x9b31m/)
  assert.match(out, /admin\\u\{202e\}gnp\.exe/)
  assert.match(out, /\tend\\x0d\\x0a$/)
  assert.equal(escapeText('a\r\nb', { keepNewlines: true }), 'a\r\nb')
  assert.equal(escapeText('plain ascii, 日本語'), 'plain ascii, 日本語')
})

test('JSON: the same value back to a JSON reader, and nothing a terminal acts on', () => {
  const value = { banner: HOSTILE, nested: [HOSTILE] }
  const text = safeJson(value)
  assert.doesNotMatch(text, RAW_CONTROL)
  assert.deepEqual(JSON.parse(text), value)
  assert.match(text, /\\u009b31m/)
  assert.ok(jsonLine(value).endsWith('}\n'))
  assert.deepEqual(JSON.parse(safeJson(value, 2)), value)
})
