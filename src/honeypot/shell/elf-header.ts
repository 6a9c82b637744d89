/** The architectures Mirai's loader builds for (loader/bins, DOMAIN.md §1.4). */
export const ARCHES = ['arm', 'arm7', 'm68k', 'mips', 'mpsl', 'ppc', 'sh4', 'spc', 'x86'] as const
export type Arch = (typeof ARCHES)[number]

/** e_machine and byte order per architecture (ELF gABI machine numbers). */
const MACHINES: Record<Arch, { machine: number; bigEndian: boolean; flags: number }> = {
  arm: { machine: 40, bigEndian: false, flags: 0x05000002 },
  arm7: { machine: 40, bigEndian: false, flags: 0x05000402 },
  m68k: { machine: 4, bigEndian: true, flags: 0 },
  mips: { machine: 8, bigEndian: true, flags: 0x00001007 },
  mpsl: { machine: 8, bigEndian: false, flags: 0x00001007 },
  ppc: { machine: 20, bigEndian: true, flags: 0 },
  sh4: { machine: 42, bigEndian: false, flags: 0x00000009 },
  spc: { machine: 2, bigEndian: true, flags: 0 },
  x86: { machine: 3, bigEndian: false, flags: 0 },
}

const EHDR = 52
const PHDR = 32
const PHNUM = 3
/** Bytes of `cat /bin/echo` shown: the headers and a zero-filled start of the text segment. */
const ELF_PREFIX_BYTES = 512

/**
 * The first bytes of a statically linked 32-bit ELF executable for `arch`, as `cat /bin/echo` on such
 * a device prints them: the loader reads EI_CLASS, EI_DATA and e_machine from here to pick its binary.
 * No byte is 0x0a or 0xff, so neither the terminal's newline mapping nor telnet's IAC doubling moves it.
 */
export function elfHeader(arch: Arch): Buffer {
  const m = MACHINES[arch]
  const b = Buffer.alloc(ELF_PREFIX_BYTES)
  const u16 = (v: number, at: number) => (m.bigEndian ? b.writeUInt16BE(v, at) : b.writeUInt16LE(v, at))
  const u32 = (v: number, at: number) => (m.bigEndian ? b.writeUInt32BE(v, at) : b.writeUInt32LE(v, at))
  b.write('\x7fELF', 0, 'latin1')
  b[4] = 1 // ELFCLASS32
  b[5] = m.bigEndian ? 2 : 1 // ELFDATA2MSB / LSB
  b[6] = 1 // EV_CURRENT
  u16(2, 16) // ET_EXEC
  u16(m.machine, 18)
  u32(1, 20)
  u32(0x00008190, 24) // e_entry
  u32(EHDR, 28) // e_phoff
  u32(0x0001d2c4, 32) // e_shoff
  u32(m.flags, 36)
  u16(EHDR, 40)
  u16(PHDR, 42)
  u16(PHNUM, 44)
  u16(40, 46)
  u16(13, 48)
  u16(12, 50)
  const load = (i: number, offset: number, vaddr: number, size: number, flags: number) => {
    const at = EHDR + i * PHDR
    u32(1, at) // PT_LOAD
    u32(offset, at + 4)
    u32(vaddr, at + 8)
    u32(vaddr, at + 12)
    u32(size, at + 16)
    u32(size, at + 20)
    u32(flags, at + 24)
    u32(0x8000, at + 28)
  }
  load(0, 0, 0x00008000, 0x0001c6d4, 5)
  load(1, 0x0001c6d4, 0x0002c6d4, 0x00000324, 6)
  const stack = EHDR + 2 * PHDR
  u32(0x6474e551, stack) // PT_GNU_STACK
  u32(6, stack + 24)
  u32(4, stack + 28)
  return b
}
