/**
 * Turns the text of one file into plain values, one per YAML document, within FILE_LIMITS. The
 * `yaml` library does the parsing in two steps so the bounds hold before anything recursive runs:
 * its CST parser is iterative (a stack, no recursion), so document count and nesting depth are
 * checked on the CST; only then does the (recursive) composer build documents, and `toJS` resolves
 * aliases under `maxAliasCount`. A document past a bound, or that does not parse, is an error and
 * no value; nothing here throws for any input.
 */
import { Composer, CST, type Document, Lexer, LineCounter, Parser } from 'yaml';
import { type Steps } from './cooperative';
import { type FileLimits } from './limits';

export type YamlDocument = { value: unknown; error?: undefined } | { value?: undefined; error: string };

export interface YamlDocuments {
  documents: YamlDocument[];
  /** Set when the file as a whole is refused (too many documents); `documents` is then empty. */
  error?: string;
}

/** Lexemes between two yields: a few milliseconds of work. */
const LEXEMES_PER_STEP = 2000;

/** Reads a file's YAML documents in steps (see cooperative.ts): yields every few thousand tokens and between documents. */
export function* yamlDocumentSteps(text: string, limits: FileLimits): Steps<YamlDocuments> {
  const lines = new LineCounter();
  const tokens: CST.Token[] = [];
  let documentCount = 0;
  try {
    // Parser.parse(text), unrolled so the work can pause inside one large document.
    const parser = new Parser(lines.addNewLine);
    lines.addNewLine(0);
    let lexemes = 0;
    const take = (token: CST.Token): void => {
      tokens.push(token);
      if (token.type === 'document') documentCount++;
    };
    for (const lexeme of new Lexer().lex(text)) {
      for (const token of parser.next(lexeme)) take(token);
      if (documentCount > limits.maxDocuments) break;
      if (++lexemes % LEXEMES_PER_STEP === 0) yield;
    }
    for (const token of parser.end()) take(token);
  } catch (e) {
    return { documents: [], error: `YAML: ${firstLine(e)}` };
  }
  if (documentCount > limits.maxDocuments) {
    return { documents: [], error: `more than ${limits.maxDocuments} YAML documents; split the file` };
  }
  const at = (offset: number): string => {
    const { line, col } = lines.linePos(offset);
    return `line ${line}, column ${col}`;
  };
  // A too-deep document is replaced by an empty one before composing, so the composer (which
  // recurses) never sees it and the others keep their numbers.
  const tooDeep = new Map<number, number>();
  let ordinal = 0;
  const bounded: CST.Token[] = [];
  for (const token of tokens) {
    if (token.type !== 'document') {
      bounded.push(token);
      continue;
    }
    yield;
    const index = ordinal++;
    if (!cstDepthExceeds(token, limits.maxDepth)) {
      bounded.push(token);
      continue;
    }
    tooDeep.set(index, token.value?.offset ?? token.offset);
    bounded.push({ ...token, value: undefined });
  }
  const documents: YamlDocument[] = [];
  for (const doc of new Composer({ prettyErrors: false }).compose(bounded, true, text.length)) {
    yield;
    const deepAt = tooDeep.get(documents.length);
    if (deepAt !== undefined) {
      documents.push({ error: `YAML: ${at(deepAt)}: nested deeper than ${limits.maxDepth} levels` });
    } else if (doc.errors.length > 0) {
      documents.push({ error: doc.errors.map((e) => `YAML: ${at(e.pos[0])}: ${firstLine(e)}`).join('; ') });
    } else {
      documents.push(toValue(doc, limits));
    }
  }
  return { documents };
}

/** The document's value, aliases resolved within the bound; toJS recurses, so depth is checked again after. */
function toValue(doc: Document.Parsed, limits: FileLimits): YamlDocument {
  try {
    const value: unknown = doc.toJS({ maxAliasCount: limits.maxAliasCount });
    if (valueDepthExceeds(value, limits.maxDepth)) return { error: `YAML: nested deeper than ${limits.maxDepth} levels (after resolving aliases)` };
    return { value };
  } catch (e) {
    // An unresolved alias (ReferenceError), too many aliases, a stack overflow from an alias chain.
    return { error: `YAML: ${firstLine(e)}` };
  }
}

/** Whether any collection in the CST is nested deeper than `limit` (iterative: no recursion). */
function cstDepthExceeds(root: CST.Document, limit: number): boolean {
  const stack: Array<[CST.Token, number]> = root.value ? [[root.value, 0]] : [];
  while (stack.length > 0) {
    const [token, depth] = stack.pop()!;
    if (depth > limit) return true;
    if (!CST.isCollection(token)) continue;
    for (const item of token.items) {
      if (item.key) stack.push([item.key, depth + 1]);
      if (item.value) stack.push([item.value, depth + 1]);
    }
  }
  return false;
}

/** Whether a plain value nests objects or arrays deeper than `limit` (iterative). */
function valueDepthExceeds(root: unknown, limit: number): boolean {
  const stack: Array<[unknown, number]> = [[root, 0]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (typeof value !== 'object' || value === null) continue;
    if (depth > limit) return true;
    for (const child of value instanceof Map ? value.values() : Object.values(value)) stack.push([child, depth + 1]);
  }
  return false;
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}
