/**
 * JSON.parse, refusing what JSON.parse lets through without a word:
 *
 * - a member name twice in one object, at any depth: JSON.parse keeps the last,
 *   so `{"turnstile":"A","turnstile":"B"}` is B to the worker while anything that
 *   read the body before it (a WAF rule, a log, another parser keeping the first)
 *   may have seen A. Names are compared as JSON.parse decodes them, so
 *   `"\u0074urnstile"` is `"turnstile"`;
 * - a string, name or value, that is not well-formed Unicode (a lone surrogate
 *   such as `"\ud800"`): it cannot be sent on as UTF-8 unchanged.
 *
 * No library: the ones that report duplicates are full JSON parsers of their own
 * (@humanwhocodes/momoa: about 9 KiB minified and gzipped, and an AST to walk), while JSON.parse
 * already checks the syntax; what is left is a scan of a text known to be valid
 * JSON for its strings and brackets. The scan keeps its own stack, so no nesting
 * depth can overflow the call stack.
 */
export class JsonBodyError extends Error {
  override name = 'JsonBodyError';
  constructor(readonly reason: 'syntax' | 'duplicate_member' | 'not_well_formed') {
    super(reason);
  }
}

export function parseStrictJson(text: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new JsonBodyError('syntax');
  }
  // One entry per open bracket: the names seen so far in an object, null for an array.
  const open: (Set<string> | null)[] = [];
  let nameNext = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      let end = i + 1;
      while (text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const string = JSON.parse(text.slice(i, end + 1)) as string;
      if (!string.isWellFormed()) throw new JsonBodyError('not_well_formed');
      if (nameNext) {
        const names = open.at(-1) as Set<string>;
        if (names.has(string)) throw new JsonBodyError('duplicate_member');
        names.add(string);
        nameNext = false;
      }
      i = end;
    } else if (ch === '{') {
      open.push(new Set());
      nameNext = true;
    } else if (ch === '[') {
      open.push(null);
    } else if (ch === '}' || ch === ']') {
      open.pop();
      nameNext = false;
    } else if (ch === ',') {
      nameNext = open.at(-1) instanceof Set;
    }
  }
  return value;
}
