/**
 * Checks a regular expression the way Envoy's `safe_regex` (Google RE2) will compile it, so a
 * route with a bad pattern is refused here rather than NACKed by Envoy. JavaScript's RegExp is
 * the wrong judge: it accepts `(a)\1` and `a(?=b)`, which RE2 refuses, and refuses `(?i)`
 * mid-pattern and `[[:alpha:]]`-style classes, which RE2 accepts.
 *
 * The engine is @bufbuild/re2, a pure TypeScript port of RE2 (via RE2/J), also the engine
 * behind CEL's `matches()`; nothing to compile natively. It follows Go's regexp syntax, which
 * is RE2's, with a few differences from the C++ library Envoy links; those are bridged below.
 * Each was observed on Envoy 1.40 (`envoy --mode validate`):
 *
 * - Envoy's RE2 reads the pattern as Latin-1 bytes, not UTF-8: `.` matches one byte of `é`,
 *   `\x{100}` and above (and octal `\400` and above) are refused, and a non-ASCII literal is
 *   seen as its UTF-8 bytes. So the pattern is checked as its UTF-8 bytes read as Latin-1.
 * - C++ RE2 accepts `\C` (any byte) and duplicate or non-ASCII capture names (Unicode letters
 *   and digits); the port refuses them. They are rewritten before the port parses the pattern.
 * - The port knows a few Unicode class names Envoy's RE2 does not (`\p{Cn}`, Unicode 16 scripts).
 * - The port refuses groups nested 1000 deep, C++ RE2 does not; Envoy then refuses the pattern
 *   for its program size anyway (below), so the verdict is the same.
 *
 * Not checked: Envoy also refuses a regex whose compiled RE2 program has more than 100
 * instructions (runtime key `re2.max_program_size.error_level`, default 100), e.g.
 * `^/users/[a-z0-9-]{1,63}$` (255). That size is C++ RE2's own count, which no npm engine
 * reports, so it is left to the Envoy bootstrap (raise the runtime key) or to Envoy's NACK.
 */
import { RE2JS } from '@bufbuild/re2';

export type RegexValidation = { ok: true } | { ok: false; error: string };

export function validateRegex(pattern: string): RegexValidation {
  // RE2 takes it (it matches only ""), Envoy's RegexMatcher does not (`regex` min_len 1).
  if (pattern === '') return { ok: false, error: 'empty: Envoy takes no empty regular expression' };
  const bytes = Buffer.from(pattern, 'utf8').toString('latin1');
  const prepared = prepare(bytes);
  if (typeof prepared !== 'string') return prepared;
  try {
    RE2JS.compile(prepared);
    return { ok: true };
  } catch (e) {
    return { ok: false, error: e instanceof Error ? e.message : String(e) };
  }
}

// C++ RE2 (IsValidCaptureName): a name is one or more of these categories' characters.
const CAPTURE_NAME = /^[\p{Lu}\p{Ll}\p{Lt}\p{Lm}\p{Lo}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]+$/u;
const LATIN1_MAX = 0xff;
// The `\p{…}` names the port knows and Envoy's RE2 does not: all 209 of the port's names were
// tried on Envoy 1.40; these failed (Unicode 16 scripts, and three names C++ RE2 never had).
const UNKNOWN_TO_ENVOY = new Set(['Cn', 'LC', 'Unknown', 'Garay', 'Gurung_Khema', 'Kirat_Rai', 'Ol_Onal', 'Sunuwar', 'Todhri', 'Tulu_Tigalari']);

/**
 * One pass over the pattern that refuses what only C++ RE2 in Latin-1 mode refuses and
 * rewrites what only it accepts; everything else is copied for the port to judge. The pass
 * tracks just enough syntax to know what is literal: escapes, `\Q…\E`, character classes.
 */
function prepare(s: string): string | { ok: false; error: string } {
  let out = '';
  let inClass = false;
  let groups = 0;
  for (let i = 0; i < s.length;) {
    const c = s[i];
    if (c === '\\' && i + 1 < s.length) {
      const e = s[i + 1];
      if (e === 'Q' && !inClass) {
        const end = s.indexOf('\\E', i + 2);
        const stop = end < 0 ? s.length : end + 2;
        out += s.slice(i, stop);
        i = stop;
        continue;
      }
      const escape = readEscape(s, i);
      if ('error' in escape) return { ok: false, error: escape.error };
      out += e === 'C' && !inClass ? '(?s:.)' : s.slice(i, escape.end);
      i = escape.end;
      continue;
    }
    if (inClass) {
      if (c === '[' && s[i + 1] === ':') {
        const close = s.indexOf(':]', i + 2);
        if (close >= 0) {
          out += s.slice(i, close + 2);
          i = close + 2;
          continue;
        }
      }
      if (c === ']') inClass = false;
      out += c;
      i++;
      continue;
    }
    if (c === '[') {
      // A `]` right after `[` or `[^` is a literal member, not the end of the class.
      let j = i + 1;
      if (s[j] === '^') j++;
      if (s[j] === ']') j++;
      out += s.slice(i, j);
      inClass = true;
      i = j;
      continue;
    }
    const named = /^\(\?P?<(?![=!])/.exec(s.slice(i, i + 4));
    if (named) {
      const open = i + named[0].length;
      const close = s.indexOf('>', open);
      if (close >= 0) {
        if (!CAPTURE_NAME.test(s.slice(open, close))) {
          return { ok: false, error: `invalid named capture group: ${s.slice(i, close + 1)}` };
        }
        out += `(?P<g${++groups}>`;
        i = close + 1;
        continue;
      }
    }
    out += c;
    i++;
  }
  return out;
}

/** The escape at `s[i] === '\\'`: where it ends, or why Latin-1 RE2 refuses it. */
function readEscape(s: string, i: number): { end: number } | { error: string } {
  const e = s[i + 1];
  if (e === 'x' && s[i + 2] === '{') {
    let code = 0;
    let j = i + 3;
    for (; j < s.length && /[0-9A-Fa-f]/.test(s[j]); j++) {
      code = code * 16 + parseInt(s[j], 16);
      if (code > LATIN1_MAX) return { error: `invalid escape sequence: ${s.slice(i, j + 1)}` };
    }
    return { end: s[j] === '}' ? j + 1 : j };
  }
  if ((e === 'p' || e === 'P') && s[i + 2] === '{') {
    const close = s.indexOf('}', i + 3);
    if (close >= 0 && UNKNOWN_TO_ENVOY.has(s.slice(i + 3, close).replace(/^\^/, ''))) {
      return { error: `invalid character class range: ${s.slice(i, close + 1)}` };
    }
    return { end: i + 2 };
  }
  if (/[1-7]/.test(e) && /[0-7]/.test(s[i + 2] ?? '')) {
    const digits = /[0-7]/.test(s[i + 3] ?? '') ? 3 : 2;
    const end = i + 1 + digits;
    if (parseInt(s.slice(i + 1, end), 8) > LATIN1_MAX) return { error: `invalid escape sequence: ${s.slice(i, end)}` };
    return { end };
  }
  return { end: i + 2 };
}
