import assert from 'node:assert/strict'
import { test } from 'node:test'
import { bindCpeAttribute, isCpe23, toCpe23 } from './cpe.js'

test('URI-style names become CPE 2.3 formatted strings', () => {
  assert.equal(toCpe23('cpe:/a:openbsd:openssh:9.2p1'), 'cpe:2.3:a:openbsd:openssh:9.2p1:*:*:*:*:*:*:*')
  assert.equal(toCpe23('cpe:/o:linux:linux_kernel'), 'cpe:2.3:o:linux:linux_kernel:*:*:*:*:*:*:*:*')
  assert.equal(toCpe23('cpe:/h:hikvision:ds-2cd2032-i'), 'cpe:2.3:h:hikvision:ds-2cd2032-i:*:*:*:*:*:*:*:*')
})

test('characters outside [a-z0-9._-] are quoted, spaces become underscores', () => {
  assert.equal(bindCpeAttribute('xerces-c++'), 'xerces-c\\+\\+')
  assert.equal(bindCpeAttribute('Web Server'), 'web_server')
  assert.equal(bindCpeAttribute('1.0(2)'), '1.0\\(2\\)')
  assert.equal(bindCpeAttribute(''), '*')
  assert.equal(bindCpeAttribute('-'), '-')
  const cpe = toCpe23('cpe:/a:vendor:prod:1.0:beta')
  assert.equal(cpe, 'cpe:2.3:a:vendor:prod:1.0:beta:*:*:*:*:*:*')
  assert.ok(isCpe23(cpe as string))
  assert.ok(isCpe23(toCpe23('cpe:2.3:a:a:b:1\\:2:*:*:*:*:*:*:*') as string))
})

test('unresolved templates: version becomes ANY, a missing vendor or product drops the name', () => {
  assert.equal(
    toCpe23('cpe:/a:busybox:busybox:{service.version}'),
    'cpe:2.3:a:busybox:busybox:*:*:*:*:*:*:*:*',
  )
  assert.equal(toCpe23('cpe:/a:{service.vendor}:x'), undefined)
  assert.equal(toCpe23('cpe:/x:a:b'), undefined)
  assert.equal(toCpe23('not a cpe'), undefined)
  assert.equal(isCpe23('cpe:2.3:a:b'), false)
  assert.equal(isCpe23('cpe:2.3:a:v:p:1 2:*:*:*:*:*:*:*'), false)
})
