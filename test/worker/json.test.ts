import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonBodyError, parseStrictJson } from '../../worker/json';

/**
 * The strict JSON reader of request bodies (worker/json.ts): JSON.parse's
 * answer, unless a member name repeats in one object (names compared after
 * unescaping) or a string is not well-formed Unicode.
 */
type Tree = string | number | boolean | null | Tree[] | { members: [string, Tree][] };

/** Names from a small alphabet, so that repeats are common. */
const name = fc.string({ unit: fc.constantFrom('a', 'b', 'é', '"', '\\', '😀'), maxLength: 2 });
const tree: fc.Arbitrary<Tree> = fc.letrec<{ tree: Tree }>((tie) => ({
  tree: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.string({ maxLength: 3 }),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.constantFrom(true, false, null),
    fc.array(tie('tree'), { maxLength: 3 }),
    fc.array(fc.tuple(name, tie('tree')), { maxLength: 4 }).map((members) => ({ members })),
  ),
})).tree;

/** JSON text for the tree, each string character escaped as \uXXXX or not at random. */
function write(node: Tree, escapes: () => boolean): string {
  const string = (s: string) =>
    `"${[...s]
      .map((ch) =>
        ch === '"' || ch === '\\' || escapes()
          ? Array.from(
              { length: ch.length },
              (_, i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`,
            ).join('')
          : ch,
      )
      .join('')}"`;
  if (typeof node === 'string') return string(node);
  if (Array.isArray(node)) return `[${node.map((n) => write(n, escapes)).join(', ')}]`;
  if (node !== null && typeof node === 'object') {
    return `{ ${node.members.map(([k, v]) => `${string(k)} : ${write(v, escapes)}`).join(' ,')} }`;
  }
  return JSON.stringify(node);
}

function hasDuplicate(node: Tree): boolean {
  if (Array.isArray(node)) return node.some(hasDuplicate);
  if (node === null || typeof node !== 'object') return false;
  const names = node.members.map(([k]) => k);
  return new Set(names).size !== names.length || node.members.some(([, v]) => hasDuplicate(v));
}

function reasonOf(text: string): string | undefined {
  try {
    parseStrictJson(text);
    return undefined;
  } catch (err) {
    return (err as JsonBodyError).reason;
  }
}

describe('parseStrictJson', () => {
  it('refuses a repeated member name exactly when some object repeats one, however spelled (3000 runs)', () => {
    fc.assert(
      fc.property(tree, fc.infiniteStream(fc.boolean()), (node, coins) => {
        const text = write(node, () => coins.next().value as boolean);
        if (hasDuplicate(node)) {
          expect(reasonOf(text)).toBe('duplicate_member');
        } else {
          expect(reasonOf(text)).toBeUndefined();
          expect(parseStrictJson(text)).toEqual(JSON.parse(text));
        }
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses a lone surrogate, in a name or a value; a pair is fine', () => {
    for (const text of ['"\\ud800"', '{"\\udfff":1}', '["a\\ud83d"]', '{"a":"\\ude00b"}']) {
      expect(reasonOf(text)).toBe('not_well_formed');
    }
    expect(parseStrictJson('{"\\ud83d\\ude00":"\\ud83d\\ude00"}')).toEqual({ '😀': '😀' });
  });

  it('refuses what JSON.parse refuses', () => {
    for (const text of ['', '{', '{"a":1,}', "{'a':1}", '\ufeff{}', '{}{}', 'NaN']) {
      expect(reasonOf(text)).toBe('syntax');
    }
  });

  it('reads nesting far deeper than any body may be, without a stack overflow', () => {
    const depth = 100_000;
    expect(reasonOf(`${'['.repeat(depth)}${']'.repeat(depth)}`)).toBeUndefined();
    expect(reasonOf(`${'{"a":'.repeat(depth)}{"b":1,"b":2}${'}'.repeat(depth)}`)).toBe(
      'duplicate_member',
    );
  });

  it('keeps the names of sibling objects apart, and strings that look like names are values', () => {
    expect(reasonOf('[{"a":1},{"a":2}]')).toBeUndefined();
    expect(reasonOf('{"a":{"a":1},"b":"a"}')).toBeUndefined();
    expect(reasonOf('{"a":"x","b":["a","a"],"c":{"a":"a"}}')).toBeUndefined();
    expect(reasonOf('{"a":{"b":1},"a":2}')).toBe('duplicate_member');
    expect(reasonOf('{"x\\"y":1,"x\\u0022y":2}')).toBe('duplicate_member');
  });
});
