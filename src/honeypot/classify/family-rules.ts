import { z } from 'zod'
import { MamoriError } from '../../core/errors.js'
import { dataPath } from '../../core/paths.js'
import { readYamlData } from '../read-yaml-data.js'

const regex = z.string().superRefine((s, ctx) => {
  try {
    new RegExp(s)
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: `bad pattern: ${(err as Error).message}` })
  }
})

const featureSchema = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'ids are kebab-case'),
    description: z.string().min(1),
    weight: z.number().gt(0).max(1),
    first_logins_in: z.enum(['mirai']).optional(),
    min_share: z.number().gt(0).max(1).optional(),
    naws: z.tuple([z.number().int(), z.number().int()]).optional(),
    typed_sequence: z
      .array(z.array(z.string().min(1)).min(2))
      .min(1)
      .optional(),
    command_matches: regex.optional(),
    line_matches: regex.optional(),
    url_matches: regex.optional(),
  })
  .refine(
    (f) =>
      [f.first_logins_in, f.naws, f.typed_sequence, f.command_matches, f.line_matches, f.url_matches].filter(
        (p) => p !== undefined,
      ).length === 1,
    'a feature has exactly one predicate',
  )

const exampleSession = z.strictObject({
  logins: z.array(z.tuple([z.string(), z.string(), z.boolean()])).default([]),
  sizes: z.array(z.tuple([z.number().int(), z.number().int()])).default([]),
  lines: z.array(z.string()).default([]),
  urls: z.array(z.string()).default([]),
})

const familySchema = z.strictObject({
  family: z.string().regex(/^[a-z0-9-]+$/),
  description: z.string().min(1),
  source: z.string().min(1),
  threshold: z.number().gt(0).max(1),
  variant_from: regex.optional(),
  features: z.array(featureSchema).min(1),
  examples: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        expect: z.string(),
        variant: z.string().optional(),
        session: exampleSession,
      }),
    )
    .min(1, 'every family carries at least one example'),
})

const fileSchema = z.strictObject({
  families: z.array(familySchema).min(1),
  unknown_examples: z.array(z.strictObject({ name: z.string().min(1), session: exampleSession })).default([]),
})

export type FamilyFeature = z.infer<typeof featureSchema>
export type ExampleSession = z.infer<typeof exampleSession>
export type FamilyRules = z.infer<typeof fileSchema>

const FAMILY_RULES_FILE = dataPath('honeypot', 'families.yaml')

let cached: FamilyRules | undefined

/** Loads and checks the family rules: schema, one predicate per feature, unique family and feature ids. */
export function loadFamilyRules(file: string = FAMILY_RULES_FILE): FamilyRules {
  if (file === FAMILY_RULES_FILE && cached) return cached
  const rules = readYamlData(file, fileSchema, 'family rules')
  const families = new Set<string>()
  for (const f of rules.families) {
    if (families.has(f.family) || f.family === 'unknown')
      throw new MamoriError('ERR_DATA_INVALID', `${file}: family ${f.family} defined twice or reserved`)
    families.add(f.family)
    const ids = new Set<string>()
    for (const feature of f.features) {
      if (ids.has(feature.id))
        throw new MamoriError('ERR_DATA_INVALID', `${file}: ${f.family}: feature ${feature.id} twice`)
      ids.add(feature.id)
    }
  }
  if (file === FAMILY_RULES_FILE) cached = rules
  return rules
}
