import assert from 'node:assert/strict'
import { test } from 'node:test'
import { basicAuthorization, digestAuthorization, parseChallenge } from './http-auth.js'

test('Digest response matches the RFC 2617 §3.5 example', () => {
  const challenge = parseChallenge(
    'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"',
  )
  assert.ok(challenge)
  assert.equal(challenge.scheme, 'digest')
  const out = digestAuthorization(challenge, 'GET', '/dir/index.html', 'Mufasa', 'Circle Of Life', '0a4f113b')
  assert.equal(out?.response, '6629fae49393a05397450978507c4ef1')
  assert.match(out?.header ?? '', /qop=auth, nc=00000001, cnonce="0a4f113b"/)
  assert.match(out?.header ?? '', /opaque="5ccc069c403ebaf9f0171e9517f40e41"/)
})

test('Basic (RFC 7617) and unusual challenges', () => {
  assert.equal(basicAuthorization('Aladdin', 'open sesame'), 'Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==')
  assert.deepEqual(parseChallenge('Basic realm=camera'), { scheme: 'basic', params: { realm: 'camera' } })
  assert.equal(parseChallenge('   '), undefined)
  const odd = parseChallenge('Digest realm="a\\"b", nonce=abc, algorithm=SHA-256')
  assert.equal(odd?.params.realm, 'a"b')
  assert.ok(
    digestAuthorization(odd as NonNullable<typeof odd>, 'GET', '/', 'u', 'p')?.header.includes(
      'algorithm=SHA-256',
    ),
  )
  // an algorithm we do not speak, or no nonce: no header rather than a wrong one
  assert.equal(
    digestAuthorization(
      { scheme: 'digest', params: { nonce: 'n', algorithm: 'SHA-512-256' } },
      'GET',
      '/',
      'u',
      'p',
    ),
    undefined,
  )
  assert.equal(digestAuthorization({ scheme: 'digest', params: {} }, 'GET', '/', 'u', 'p'), undefined)
})
