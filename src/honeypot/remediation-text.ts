import { z } from 'zod'
import { MamoriError } from '../core/errors.js'
import { dataPath } from '../core/paths.js'
import { readYamlData } from './read-yaml-data.js'

const textSchema = z.strictObject({
  title: z.string().min(1),
  summary: z.string().min(1),
  steps: z.array(z.string().min(1)).min(3),
  family_notes: z.record(z.string(), z.string().min(1)),
})

const fileSchema = z.strictObject({
  finding: z.literal('infected'),
  severity: z.literal('critical'),
  texts: z.strictObject({ en: textSchema, ja: textSchema }),
})

/** The owner-facing text of an `infected` finding, per language (data/honeypot/remediation.yaml). */
export type InfectedRemediation = z.infer<typeof fileSchema>

/** Loads and checks the texts: both languages, the same placeholders and family notes in each. */
export function loadInfectedRemediation(
  file = dataPath('honeypot', 'remediation.yaml'),
): InfectedRemediation {
  const data = readYamlData(file, fileSchema, 'remediation texts')
  const { en, ja } = data.texts
  const placeholders = (t: z.infer<typeof textSchema>) =>
    [...new Set([t.title, t.summary, ...t.steps].join(' ').match(/\{[a-z_]+\}/g) ?? [])].sort().join(',')
  if (placeholders(en) !== placeholders(ja))
    throw new MamoriError(
      'ERR_DATA_INVALID',
      `${file}: en and ja use different placeholders (${placeholders(en)} / ${placeholders(ja)})`,
    )
  if (Object.keys(en.family_notes).sort().join() !== Object.keys(ja.family_notes).sort().join())
    throw new MamoriError('ERR_DATA_INVALID', `${file}: en and ja have notes for different families`)
  return data
}
