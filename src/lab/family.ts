import { z } from 'zod'
import {
  adbService,
  coapService,
  dahuaService,
  dvripService,
  ftpService,
  modbusService,
  mqttService,
  onvifService,
  rtspService,
  snmpService,
  tlsService,
  upnpService,
} from './services/specs.js'

/**
 * Schema of `data/lab/families.yaml`: the device families the lab can simulate. Strings may hold
 * `{placeholders}` filled per device: `{model}`, `{version}`, `{hostname}`, `{serial}`, `{mac}`,
 * `{ip}` and any `vars` of the chosen model or version.
 */
const credential = z.strictObject({ username: z.string(), password: z.string() })

/** What the service's banner identifies (may use placeholders). */
const identifies = z.strictObject({ product: z.string(), version: z.string().optional() })

const telnetService = z.strictObject({
  protocol: z.literal('telnet'),
  port: z.number().int().min(1).max(65535),
  /** `busybox`: IAC DO ECHO, DO NAWS, WILL ECHO, WILL SGA at connect, as BusyBox telnetd sends. */
  negotiation: z.enum(['busybox', 'none']).default('busybox'),
  /** Text before the first login prompt. */
  greeting: z.string().default('\r\n'),
  login_prompt: z.string().default('{hostname} login: '),
  password_prompt: z.string().default('Password: '),
  failure: z.string().default('\r\nLogin incorrect\r\n'),
  /**
   * Pause before `failure` (BusyBox login: 3 s). The line break ending the unechoed password, the
   * failure text's leading `\r\n`, goes out at once, as BusyBox sends it.
   */
  failure_delay_ms: z.number().int().min(0).max(10_000).default(0),
  /** Sent once after a good login, before the first shell prompt. */
  motd: z.string().default(''),
  shell_prompt: z.string().default('# '),
  max_failures: z.number().int().min(1).max(10).default(3),
  /**
   * `password-only`: a one-step login that asks for a password and nothing else. `none`: no login
   * at all (`telnetd -l /bin/sh`): greeting, motd and shell prompt at connect.
   */
  login_style: z.enum(['username', 'password-only', 'none']).default('username'),
  /** `false`: an account whose password is empty gets the shell right after its user name (BusyBox login). */
  prompts_empty_password: z.boolean().default(true),
  /** Failed logins (over all connections) after which the device locks: it says `lockout_text`, hangs up. */
  lockout_after: z.number().int().min(1).max(100).optional(),
  lockout_text: z.string().default('\r\nToo many failed login attempts. Try again later.\r\n'),
  /** A broken login: any password shows `shell_prompt`, then this error, then the device hangs up. */
  accept_any_error: z.string().optional(),
  /** Any user name with any password of at most this many characters logs in; longer ones fail. */
  accept_any_max_length: z.number().int().min(0).max(256).optional(),
  /** One session slot: after a good login, connections opened within this time hang up after the user name. */
  busy_after_login_ms: z.number().int().min(1).max(60_000).optional(),
  /** Every connection is closed this long after it opened; after the user name no password prompt comes. */
  drop_after_ms: z.number().int().min(1).max(60_000).optional(),
  identifies: identifies.optional(),
  /** The factory credentials; needed unless the service has no working credential (see telnetHasCredential). */
  defaults: z.array(credential).default([]),
})

const sshService = z.strictObject({
  protocol: z.literal('ssh'),
  port: z.number().int().min(1).max(65535),
  /** Software part of the identification line: `dropbear_{dropbear}` → `SSH-2.0-dropbear_2014.63`. */
  software: z.string().min(1),
  identifies: identifies.optional(),
  defaults: z.array(credential).min(1),
})

const httpService = z.strictObject({
  /** `tr069`: an HTTP server that is a CWMP connection-request endpoint (port 7547). */
  protocol: z.enum(['http', 'tr069']),
  port: z.number().int().min(1).max(65535),
  /** The `Server` header; absent when the real device sends none. */
  server: z.string().optional(),
  headers: z.record(z.string(), z.string()).default({}),
  title: z.string().optional(),
  auth: z.enum(['none', 'basic', 'digest']).default('none'),
  realm: z.string().optional(),
  /** A broken or decoy Basic login: any user name and password get 200; `defaults` are not needed. */
  accept_any: z.boolean().optional(),
  /** A rate limiter: any request within this time after a 200 gets 403. */
  rate_limit_ms: z.number().int().min(1).max(60_000).optional(),
  /** Path prefixes behind the auth (`/` = everything). */
  protected: z.array(z.string().startsWith('/')).default(['/']),
  identifies: identifies.optional(),
  defaults: z.array(credential).optional(),
})

const serviceSpec = z.discriminatedUnion('protocol', [
  telnetService,
  sshService,
  httpService,
  ...[rtspService, mqttService, ftpService, adbService, dvripService, modbusService],
  ...[snmpService, coapService, upnpService, tlsService, onvifService, dahuaService],
])

const variant = z.strictObject({
  vars: z.record(z.string(), z.string()).default({}),
})

const familySpec = z
  .strictObject({
    id: z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/),
    vendor: z.string(),
    device_type: z.string(),
    os: z.string().optional(),
    /** Relative share of this family among the lab's devices. */
    weight: z.number().positive().default(1),
    /** A family of tricky logins, placed only in labs started with `--login-quirks`. */
    login_quirks: z.boolean().default(false),
    hostname: z.string().default('(none)'),
    models: z.array(variant.extend({ product: z.string() })).min(1),
    /** `old: true` marks firmware with known problems; the lab gives about a third of devices one. */
    versions: z.array(variant.extend({ version: z.string(), old: z.boolean().default(false) })).min(1),
    services: z.array(serviceSpec).min(1),
  })
  .superRefine((family, ctx) => {
    family.services.forEach((s, i) => {
      if (s.protocol === 'http' && s.auth !== 'none' && !(s.realm && (s.accept_any || s.defaults?.length))) {
        ctx.addIssue({
          code: 'custom',
          message: `${family.id}: http ${s.port} with auth needs realm and defaults`,
        })
      }
      if (s.protocol === 'http' && s.accept_any && s.auth !== 'basic') {
        ctx.addIssue({ code: 'custom', message: `${family.id}: http ${s.port}: accept_any needs auth basic` })
      }
      if (s.protocol === 'telnet' && telnetHasCredential(s) && s.defaults.length === 0) {
        ctx.addIssue({
          code: 'custom',
          path: ['services', i, 'defaults'],
          message: `${family.id}: telnet ${s.port} needs its factory defaults`,
        })
      }
      if (
        s.protocol === 'telnet' &&
        telnetLoginQuirks(s) &&
        (s.failure_delay_ms > 0 || !s.prompts_empty_password || s.login_style === 'none')
      ) {
        ctx.addIssue({
          code: 'custom',
          path: ['services', i],
          message: `${family.id}: telnet ${s.port}: failure_delay_ms, prompts_empty_password and login_style none are not played with login quirks`,
        })
      }
    })
  })

/**
 * Whether one credential logs in to this telnet service. Without a login, with a login that takes
 * anything, and on a line that drops before the password, none does.
 */
export function telnetHasCredential(spec: TelnetServiceSpec): boolean {
  return (
    spec.login_style !== 'none' &&
    spec.accept_any_error === undefined &&
    spec.accept_any_max_length === undefined &&
    spec.drop_after_ms === undefined
  )
}

/** Whether a telnet spec asks for one of the tricky logins the quirky device plays. */
export function telnetLoginQuirks(spec: TelnetServiceSpec): boolean {
  return (
    spec.login_style === 'password-only' ||
    spec.lockout_after !== undefined ||
    spec.accept_any_error !== undefined ||
    spec.accept_any_max_length !== undefined ||
    spec.busy_after_login_ms !== undefined ||
    spec.drop_after_ms !== undefined
  )
}

export const familyCatalogue = z.strictObject({ families: z.array(familySpec).min(1) })

export type FamilySpec = z.infer<typeof familySpec>
export type ServiceSpec = z.infer<typeof serviceSpec>
export type TelnetServiceSpec = z.infer<typeof telnetService>
export type SshServiceSpec = z.infer<typeof sshService>
export type HttpServiceSpec = z.infer<typeof httpService>
