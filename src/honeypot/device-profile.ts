import { z } from 'zod'
import { dataPath } from '../core/paths.js'
import { readYamlData } from './read-yaml-data.js'
import { ARCHES } from './shell/elf-header.js'

const profileSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
  hostname: z.string().min(1).max(64),
  login_prompt: z.string().min(1),
  password_prompt: z.string().min(1),
  login_failed: z.string().min(1),
  motd: z.string(),
  prompt: z.string().min(1),
  busybox: z.string().min(1),
  arch: z.enum(ARCHES),
  uname: z.strictObject({
    sysname: z.string(),
    release: z.string(),
    version: z.string(),
    machine: z.string(),
  }),
  cpuinfo: z.string(),
  mounts: z.string(),
  processes: z.array(z.strictObject({ pid: z.number().int(), user: z.string(), command: z.string() })),
  files: z.record(z.string().regex(/^\/[^\0]*$/, 'absolute paths'), z.string()),
})

/** The device the honeypot pretends to be (data/honeypot/profiles/<id>.yaml). */
export type DeviceProfile = z.infer<typeof profileSchema>

/** The profiles shipped in data/honeypot/profiles/. */
const PROFILE_IDS = ['dvr-arm7', 'router-mips'] as const

/** Loads a shipped profile by id or a profile file by path; a bad file is ERR_DATA_INVALID with its path. */
export function loadProfile(idOrFile: string): DeviceProfile {
  const file = (PROFILE_IDS as readonly string[]).includes(idOrFile)
    ? dataPath('honeypot', 'profiles', `${idOrFile}.yaml`)
    : idOrFile
  return readYamlData(file, profileSchema, 'honeypot profile', 'ERR_USAGE')
}
