/** One simple command: its words and where its output goes. */
export interface SimpleCommand {
  argv: string[]
  /** `> file` or `>> file` (the last one wins, as in sh); `2>` redirections are dropped. */
  redirect?: { file: string; append: boolean }
}

/** Commands joined by `|`, run when `op` (the operator before it) allows. */
export interface Pipeline {
  op: ';' | '&&' | '||'
  commands: SimpleCommand[]
}

/** Bounds on what one line may ask for: an attacker's line costs at most this much parsing. */
const MAX_COMMANDS = 64
const MAX_WORDS = 256

/**
 * Splits a shell line into pipelines of simple commands the way ash reads them: quotes ('...', "..."),
 * backslash escapes outside single quotes, `;` `&` `&&` `||` `|`, and `>`/`>>`/`2>`/`<` redirections.
 * Nothing is expanded (no variables, globs or substitutions): the honeypot only has to understand
 * what bots type, and it never runs any of it. Never throws; excess commands and words are dropped.
 */
export function parseCommandLine(line: string): Pipeline[] {
  const pipelines: Pipeline[] = []
  let pipeline: Pipeline = { op: ';', commands: [] }
  let command: SimpleCommand = { argv: [] }
  let word: string | undefined
  let pendingRedirect: { append: boolean; fd: number } | undefined
  let count = 0

  const endWord = () => {
    if (word === undefined) return
    if (pendingRedirect) {
      if (pendingRedirect.fd === 1) command.redirect = { file: word, append: pendingRedirect.append }
      pendingRedirect = undefined
    } else if (command.argv.length < MAX_WORDS) command.argv.push(word)
    word = undefined
  }
  const endCommand = () => {
    endWord()
    if ((command.argv.length > 0 || command.redirect) && count < MAX_COMMANDS) {
      pipeline.commands.push(command)
      count++
    }
    command = { argv: [] }
  }
  const endPipeline = (next: Pipeline['op']) => {
    endCommand()
    if (pipeline.commands.length > 0) pipelines.push(pipeline)
    pipeline = { op: next, commands: [] }
  }

  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string
    if (c === "'") {
      const end = line.indexOf("'", i + 1)
      const stop = end < 0 ? line.length : end
      word = (word ?? '') + line.slice(i + 1, stop)
      i = stop
    } else if (c === '"') {
      let text = ''
      let j = i + 1
      for (; j < line.length && line[j] !== '"'; j++) {
        // inside double quotes a backslash escapes only $ ` " \ and newline
        if (line[j] === '\\' && j + 1 < line.length && '$`"\\'.includes(line[j + 1] as string)) j++
        text += line[j]
      }
      word = (word ?? '') + text
      i = j
    } else if (c === '\\') {
      word = (word ?? '') + (line[i + 1] ?? '')
      i++
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\n') {
      endWord()
    } else if (c === ';' || c === '&' || c === '|') {
      const doubled = line[i + 1] === c
      if (c === ';') endPipeline(';')
      else if (c === '&') endPipeline(doubled ? '&&' : ';')
      else if (doubled) endPipeline('||')
      else endCommand()
      if (doubled) i++
    } else if (c === '>' || c === '<') {
      const fd = word === '2' ? 2 : word === '1' ? 1 : c === '<' ? 0 : 1
      if (word === '1' || word === '2') word = undefined
      endWord()
      const append = c === '>' && line[i + 1] === '>'
      if (append) i++
      if (line[i + 1] === '&') {
        i++ // 2>&1: both streams already go to the terminal
        while (/\d/.test(line[i + 1] ?? '')) i++
        continue
      }
      pendingRedirect = { append, fd }
    } else {
      word = (word ?? '') + c
    }
  }
  endPipeline(';')
  return pipelines
}
