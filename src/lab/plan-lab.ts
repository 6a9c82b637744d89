import { MamoriError } from '../core/errors.js'
import { type FamilySpec, type ServiceSpec, telnetHasCredential } from './family.js'
import { HOSTILE_PEERS, type HostilePeer } from './hostile-peers.js'
import { defaultDeviceCount, parseLabNet, pickAddresses, usableCount } from './lab-net.js'
import { renderDeep } from './render-template.js'
import { SeededRandom } from './seeded-random.js'
import { isUdpService } from './services/udp-devices.js'
import type { LabDevice, LabService, LabTruth } from './truth.js'

/** Share of devices left with the factory credentials; the rest get a strong random password. */
export const DEFAULT_CREDENTIAL_SHARE = 0.4
/** Share of devices running a firmware version marked `old`, when the family has both kinds. */
export const OLD_FIRMWARE_SHARE = 0.35

const STRONG_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789-_.!'

export interface PlanOptions {
  net: string
  seed: number
  devices?: number
  hostile?: boolean
  /** Also place the families of tricky logins (`login_quirks: true`). */
  loginQuirks?: boolean
}

/** One listener to open: a device's service with every placeholder filled in. */
export interface PlannedService {
  deviceId: string
  ip: string
  spec: ServiceSpec
  credential?: { username: string; password: string }
}

interface PlannedHostile {
  ip: string
  peer: HostilePeer
}

export interface LabPlan {
  truth: LabTruth
  services: PlannedService[]
  hostile: PlannedHostile[]
}

/**
 * Lays out the lab from the seed alone (no I/O, no clock): addresses, families, models, firmware,
 * credentials, hostile peers. Same options → same plan → same truth.
 */
export function planLab(options: PlanOptions, families: readonly FamilySpec[]): LabPlan {
  const net = parseLabNet(options.net)
  if (!Number.isSafeInteger(options.seed)) {
    throw new MamoriError('ERR_USAGE', `--seed must be an integer, not ${options.seed}`)
  }
  const count = options.devices ?? defaultDeviceCount(net)
  if (!Number.isSafeInteger(count) || count < 0) {
    throw new MamoriError('ERR_USAGE', `--devices must be a whole number, not ${options.devices}`)
  }
  const hostileCount = options.hostile ? HOSTILE_PEERS.length : 0
  if (count + hostileCount > usableCount(net)) {
    throw new MamoriError(
      'ERR_USAGE',
      `${net.cidr} has room for ${usableCount(net)} addresses, not ${count} devices + ${hostileCount} hostile peers`,
    )
  }
  const random = new SeededRandom(options.seed)
  const pool = options.loginQuirks ? families : families.filter((f) => !f.login_quirks)
  const addresses = pickAddresses(net, count + hostileCount, random)
  const truth: LabTruth = { seed: options.seed, net: net.cidr, devices: [] }
  const services: PlannedService[] = []
  for (let i = 0; i < count; i++) {
    const family = random.weighted(pool, (f) => f.weight)
    const id = `dev-${String(i + 1).padStart(4, '0')}`
    const placed = placeDevice(id, addresses[i] as string, family, random)
    truth.devices.push(placed.device)
    services.push(...placed.services)
  }
  const hostile = HOSTILE_PEERS.slice(0, hostileCount).map((peer, k) => ({
    ip: addresses[count + k] as string,
    peer,
  }))
  for (const { ip, peer } of hostile) {
    truth.devices.push({
      id: peer.family,
      ip,
      family: peer.family,
      vendor: 'mamori',
      product: 'hostile peer',
      version: '1',
      device_type: 'hostile',
      services: [{ port: peer.port, transport: 'tcp', protocol: peer.protocol, auth: 'none' }],
    })
  }
  return { truth, services, hostile }
}

function placeDevice(
  id: string,
  ip: string,
  family: FamilySpec,
  random: SeededRandom,
): { device: LabDevice; services: PlannedService[] } {
  const model = random.pick(family.models)
  const version = pickVersion(family, random)
  const vars: Record<string, string> = {
    ...model.vars,
    ...version.vars,
    model: model.product,
    version: version.version,
    hostname: family.hostname,
    serial: random.string(12, '0123456789ABCDEFGHJKLMNPRSTUVWXYZ'),
    mac: random.string(12, '0123456789ABCDEF'),
    ip,
  }
  // one decision per device: an owner who changed the password changed it everywhere
  const keepsDefault = random.chance(DEFAULT_CREDENTIAL_SHARE)
  const defaultPick = random.int(1000)
  const strongPassword = random.string(16, STRONG_ALPHABET)

  const services: PlannedService[] = []
  const truthServices: LabService[] = []
  for (const raw of family.services) {
    let spec: ServiceSpec
    try {
      spec = renderDeep(raw, vars)
    } catch (err) {
      throw new MamoriError('ERR_DATA_INVALID', `lab family ${family.id}: ${(err as Error).message}`)
    }
    const defaults = spec.defaults ?? []
    // an open shell, a login that lets anything in, a line that drops first: no working credential
    const needsCredential =
      spec.protocol === 'telnet'
        ? telnetHasCredential(spec)
        : !(spec.protocol === 'http' && (spec.auth === 'none' || spec.accept_any))
    const factory = defaults[defaultPick % Math.max(1, defaults.length)]
    const credential =
      needsCredential && factory
        ? keepsDefault
          ? { username: factory.username, password: factory.password }
          : { username: (defaults[0] ?? factory).username, password: strongPassword }
        : undefined
    services.push({ deviceId: id, ip, spec, ...(credential ? { credential } : {}) })
    truthServices.push({
      port: spec.port,
      transport: isUdpService(spec) ? 'udp' : 'tcp',
      protocol: spec.protocol,
      ...(spec.identifies ? { product: spec.identifies.product } : {}),
      ...(spec.identifies?.version ? { version: spec.identifies.version } : {}),
      auth: authKind(spec),
      ...(credential ? { credential: { ...credential, default: keepsDefault } } : {}),
      ...quirksOf(spec, credential),
    })
  }
  const device: LabDevice = {
    id,
    ip,
    family: family.id,
    vendor: family.vendor,
    product: model.product,
    version: version.version,
    device_type: family.device_type,
    ...(family.os ? { os: family.os } : {}),
    services: truthServices,
  }
  return { device, services }
}

function pickVersion(family: FamilySpec, random: SeededRandom): FamilySpec['versions'][number] {
  const old = family.versions.filter((v) => v.old)
  const current = family.versions.filter((v) => !v.old)
  if (old.length === 0 || current.length === 0) return random.pick(family.versions)
  return random.chance(OLD_FIRMWARE_SHARE) ? random.pick(old) : random.pick(current)
}

/** What a correct audit has to notice about this service, beyond its credential. */
function quirksOf(
  spec: ServiceSpec,
  credential: { password: string } | undefined,
): Pick<LabService, 'no_password_prompt' | 'accepts_any' | 'drops'> {
  if (spec.protocol === 'http') return spec.auth !== 'none' && spec.accept_any ? { accepts_any: true } : {}
  if (spec.protocol !== 'telnet') return {}
  return {
    ...(credential?.password === '' && !spec.prompts_empty_password ? { no_password_prompt: true } : {}),
    ...(spec.accept_any_max_length !== undefined ? { accepts_any: true } : {}),
    ...(spec.drop_after_ms !== undefined ? { drops: true } : {}),
  }
}

function authKind(spec: ServiceSpec): LabService['auth'] {
  if (spec.protocol === 'telnet') {
    if (spec.login_style === 'none') return 'none'
    return spec.login_style === 'password-only' ? 'telnet-password' : 'telnet-login'
  }
  if (spec.protocol === 'ssh') return 'password'
  return spec.auth
}
