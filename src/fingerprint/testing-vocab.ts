import { loadVocabulary, type Vocabulary } from './vocab.js'

/** The product vocabulary, for tests that lint rules. */
export function vocabularyFor(): Vocabulary {
  return loadVocabulary()
}
