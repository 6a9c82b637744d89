import { ftpLogin } from '../modules/ftp/login.js'
import { httpLogin } from '../modules/http/login.js'
import { mqttLogin } from '../modules/mqtt/login.js'
import { rtspLogin } from '../modules/rtsp/login.js'
import { sshLogin } from '../modules/ssh/login.js'
import { telnetLogin } from '../modules/telnet/login.js'
import type { LoginVerifier } from './login-verifier.js'

/** The built-in login verifiers, one per protocol, each beside its module. */
export const builtinVerifiers: readonly LoginVerifier<never>[] = [
  telnetLogin,
  sshLogin,
  httpLogin,
  ftpLogin,
  mqttLogin,
  rtspLogin,
] as readonly LoginVerifier<unknown>[] as readonly LoginVerifier<never>[]
