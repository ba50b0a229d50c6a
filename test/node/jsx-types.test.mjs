// The React 19 JSX typings as a user gets them (needs `npm run build`): the
// React recipe of docs/frameworks.md type-checks against the published `kaleyra-call/jsx`
// and `.d.ts` files, and mistakes a user could make are type errors.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import ts from 'typescript';

/** Type errors of `files` ({name: source}), compiled as an app would. */
function typeErrors(t, files) {
  // Inside the package, so `kaleyra-call/…` resolves through package.json
  // `exports` (self-reference) to dist/esm, as it does for an app.
  mkdirSync('test-results', { recursive: true });
  const dir = mkdtempSync(join('test-results', 'jsx-types-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const paths = Object.entries(files).map(([name, source]) => {
    writeFileSync(join(dir, name), source);
    return join(dir, name);
  });
  const program = ts.createProgram(paths, {
    jsx: ts.JsxEmit.ReactJSX,
    strict: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    lib: ['lib.es2022.d.ts', 'lib.dom.d.ts', 'lib.dom.iterable.d.ts'],
    types: [],
    noEmit: true,
    skipLibCheck: true,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file
      ? `${d.file.fileName}:${d.file.getLineAndCharacterOfPosition(d.start).line + 1}`
      : '';
    return `${where} ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  });
}

test('the React 19 recipe of docs/frameworks.md type-checks with kaleyra-call/jsx', (t) => {
  const doc = readFileSync('docs/frameworks.md', 'utf8');
  const start = doc.indexOf('\n## React 19\n');
  assert.ok(start >= 0, 'docs/frameworks.md has no "## React 19"');
  const recipe = /```tsx\n([\s\S]*?)```/.exec(doc.slice(start))?.[1];
  assert.ok(recipe, 'no ```tsx block under "## React 19" in docs/frameworks.md');
  assert.deepEqual(typeErrors(t, { 'recipe.tsx': recipe }), []);
});

test('the typings reject what React would get wrong', (t) => {
  // Every line after `@ts-expect-error` must be an error, or TypeScript reports
  // the unused directive: so each of these proves the typings catch a mistake.
  const misuse = `
import 'kaleyra-call/define';
import type {} from 'kaleyra-call/jsx';

export const ok = (
  <kaleyra-call
    app-id="wAppId_x"
    token-endpoint="/token"
    region="me"
    connectOn="visible"
    layout={{ launcher: { background: '#000' } }}
    tokenProvider={async () => ({ accessToken: 'a', userId: 'u', expiresAt: 'e' })}
    onkaleyra-call-state={(e) => e.detail.state.toUpperCase()}
    onkaleyra-call-error={(e) => e.detail.fatal && e.detail.phase === 'token'}
  />
);
export const clickMode = <kaleyra-call app-id="a" token-endpoint="/t" connect="click" />;
// @ts-expect-error not a region
export const region = <kaleyra-call region="mars" />;
// @ts-expect-error the state event's detail has no userId
export const detail = <kaleyra-call onkaleyra-call-state={(e) => e.detail.userId} />;
// @ts-expect-error layout is an object, not a string
export const layout = <kaleyra-call layout="blue" />;
// @ts-expect-error not a connect mode
export const connect = <kaleyra-call connect="hover" />;
`;
  assert.deepEqual(typeErrors(t, { 'misuse.tsx': misuse }), []);
});

test('the package entry exports the public types a page needs', (t) => {
  const app = `
import {
  KaleyraCallElement,
  KaleyraCallError,
  KaleyraCallEvent,
  type AuthToken,
  type CallState,
  type ConnectMode,
  type ErrorDetail,
  type KaleyraCallState,
  type Language,
  type Token,
  type TokenProvider,
} from 'kaleyra-call';

export const provider: TokenProvider = async (): Promise<Token> => ({
  accessToken: 'a',
  userId: 'u',
  expiresAt: '2026-01-01T00:00:00Z',
  appId: 'wAppId_x',
});
export const bearer: AuthToken = () => Promise.resolve('jwt');
export const call: CallState = 'dialing';
export const state: KaleyraCallState = 'connected';
export const mode: ConnectMode = 'click';
export const language: Language = 'it';
export function setUp(el: KaleyraCallElement) {
  el.tokenProvider = provider;
  el.authToken = bearer;
  el.addEventListener('kaleyra-call-error', (e) => {
    const detail: ErrorDetail = e.detail;
    return e instanceof KaleyraCallEvent && detail.fatal;
  });
  return el.startCall().catch((e: unknown) => e instanceof KaleyraCallError && e.code);
}
// @ts-expect-error not a call state
export const wrongCall: CallState = 'busy';
// @ts-expect-error a provider resolves with a token, not a string
export const wrongProvider: TokenProvider = async () => 'token';
`;
  assert.deepEqual(typeErrors(t, { 'app.ts': app }), []);
});
