import assert from 'node:assert/strict'
import { test } from 'node:test'
import { loadFamilyRules } from './classify/family-rules.js'
import { loadInfectedRemediation } from './remediation-text.js'

test('infected-device texts: both languages, the same placeholders, a note for every family the classifier names', () => {
  const r = loadInfectedRemediation()
  for (const lang of ['en', 'ja'] as const) {
    const t = r.texts[lang]
    assert.match(t.title, /\{ip\}/)
    assert.match(
      t.steps[0] as string,
      lang === 'en' ? /password/ : /パスワード/,
      'the first step is the password change',
    )
    for (const f of loadFamilyRules()
      .families.map((x) => x.family)
      .filter((x) => x !== 'gafgyt'))
      assert.ok(t.family_notes[f], `${lang}: a note for ${f}`)
  }
  assert.match(r.texts.en.steps[0] as string, /within minutes/)
  assert.match(r.texts.ja.steps[0] as string, /数分/)
})
