import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { extname, join } from 'node:path'
import { describe, it } from 'node:test'
import { fileURLToPath } from 'node:url'
import { TcpReader } from '../../lab/testing/tcp-reader.js'
import type { LabTruth } from '../../lab/truth.js'

// `mamori lab` end to end through the real CLI entry point, on 127.19.15.0/24.
const main = fileURLToPath(new URL(`../main${extname(fileURLToPath(import.meta.url))}`, import.meta.url))
const dir = mkdtempSync(join(tmpdir(), 'mamori-cli-lab-'))

describe('mamori lab', () => {
  it('prints a ready line, writes the truth, serves it, and stops cleanly on SIGTERM', async () => {
    const truthFile = join(dir, 'truth.json')
    const child = spawn(
      process.execPath,
      [
        ...process.execArgv,
        main,
        'lab',
        '--net',
        '127.19.15.0/24',
        '--seed',
        '7',
        '--truth',
        truthFile,
        '--json',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    )
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    let out = ''
    let err = ''
    child.stderr.on('data', (d) => {
      err += d
    })
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d) => {
        out += d
        if (out.includes('\n')) resolve()
      })
      child.once('exit', () => reject(new Error(`exited before ready: ${err}`)))
    })
    const ready = JSON.parse(out.split('\n')[0] as string)
    const truth = JSON.parse(readFileSync(truthFile, 'utf8')) as LabTruth
    assert.deepEqual(ready, {
      event: 'ready',
      devices: 10,
      ports: ready.ports,
      net: '127.19.15.0/24',
      seed: 7,
      truth: truthFile,
    })
    assert.equal(truth.devices.length, 10)
    assert.equal(ready.ports, truth.devices.flatMap((d) => d.services).length)
    // a telnet or ssh service speaks first
    const device = truth.devices.find((d) =>
      d.services.some((s) => s.protocol === 'telnet' || s.protocol === 'ssh'),
    )
    const service = device?.services.find((s) => s.protocol === 'telnet' || s.protocol === 'ssh')
    const c = await TcpReader.connect(device?.ip as string, service?.port as number)
    await c.until((r) => r.received.length > 0)
    c.destroy()
    child.kill('SIGTERM')
    assert.equal(await exited, 0, err)
    clearTimeout(killer)
  })

  it('prints the plain ready line without --json', async () => {
    const child = spawn(
      process.execPath,
      [...process.execArgv, main, 'lab', '--net', '127.19.15.0/28', '--seed', '2'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    const killer = setTimeout(() => child.kill('SIGKILL'), 20_000)
    const line = await new Promise<string>((resolve) => {
      let out = ''
      child.stdout.on('data', (d) => {
        out += d
        if (out.includes('\n')) resolve(out)
      })
    })
    assert.match(line, /^lab ready: 2 devices on \d+ ports\n$/)
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    child.kill('SIGINT')
    assert.equal(await exited, 0)
    clearTimeout(killer)
  })

  it('refuses a net outside 127/8 and bad numbers with exit code 2', () => {
    for (const args of [
      ['--net', '10.0.0.0/8'],
      ['--net', '127.19.15.0/24', '--seed', 'seven'],
      ['--net', '127.19.15.0/24', '--devices', '-3'],
      ['--net', '127.19.15.0/30', '--devices', '9'],
    ]) {
      const r = spawnSync(process.execPath, [...process.execArgv, main, 'lab', ...args], {
        encoding: 'utf8',
        timeout: 20_000,
      })
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, /^mamori: /)
    }
  })

  it('fails with exit code 1 when the truth file cannot be written', () => {
    const args = [
      'lab',
      '--net',
      '127.19.15.0/28',
      '--seed',
      '2',
      '--truth',
      join(dir, 'missing', 'truth.json'),
    ]
    const r = spawnSync(process.execPath, [...process.execArgv, main, ...args], {
      encoding: 'utf8',
      timeout: 20_000,
    })
    assert.equal(r.status, 1, r.stderr)
    assert.match(r.stderr, /^mamori: cannot write .*truth\.json/)
  })
})
