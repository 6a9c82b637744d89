import type { FindingRule } from '../../core/protocol-module.js'
import type { HttpResult } from './result.js'

/**
 * Titles and realms of device administration pages (router, camera, DVR, NAS, printer logins),
 * including the "NETSurveillance WEB" of Xiongmai DVRs that DOMAIN.md §4.3 names.
 */
const ADMIN = [
  /\blog ?in\b/i,
  /\bsign ?in\b/i,
  /\badmin(?:istration|istrator)?\b/i,
  /\brouter\b/i,
  /\bconfiguration\b/i,
  /\bsetup\b/i,
  /\bweb ?(?:ui|interface|management|config)/i,
  /NETSurveillance|DVR|NVR|IP ?Camera|Network Camera|WEB SERVICE|webcam/i,
  /\bNAS\b|DiskStation|QNAP/,
  /\bprinter\b|Embedded Web Server/i,
  /ログイン|管理画面|設定/,
]

/** An administration interface reachable: the login page is where default credentials are tried. */
export const adminUiExposed: FindingRule<HttpResult> = {
  type: 'admin-ui-exposed',
  assess(http) {
    if (http.status_code === undefined) return undefined
    const title = http.title ?? ''
    const realm = http.www_authenticate?.realm ?? ''
    const hit = ADMIN.find((re) => re.test(title) || re.test(realm))
    if (!hit && !http.www_authenticate) return undefined
    return {
      type: this.type,
      severity: 'medium',
      title: 'Device administration interface exposed',
      detail: title ? `title "${title}"` : `HTTP ${http.www_authenticate?.scheme ?? ''} realm "${realm}"`,
    }
  },
}
