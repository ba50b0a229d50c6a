/**
 * 3c. CPU-heavy steps of a token request, timed in Node with the worker's own code:
 * the worker's TypeScript is transpiled (typescript's transpileModule, no type
 * check) into a scratch folder inside bench-results/ (inside the repository, so
 * its `jose` and `hono` imports resolve) and imported.
 *
 * Why Node and not workerd: inside a Worker, Date.now() and performance.now()
 * advance only on I/O (a Spectre mitigation), so a loop cannot be timed there.
 * Node runs the same V8 and WebCrypto API (OpenSSL where workerd uses BoringSSL),
 * so the figures are indicative of the CPU time each step costs.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Hono } from 'hono';
import { SignJWT, exportJWK, generateKeyPair, jwtVerify } from 'jose';
import ts from 'typescript';
import { SITE_JWT_AUDIENCE, SITE_JWT_ISSUER, signSiteJwt } from './site-jwt.mjs';
import { median, round } from './stats.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const WARMUP = 200;
const BATCH = 100;
const BATCHES = 10;

export async function measureCpuSteps() {
  const dir = join(ROOT, 'bench-results', `.worker-js-${process.pid}`);
  try {
    const worker = await importWorker(dir);
    return await runSteps(worker);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function importWorker(dir) {
  mkdirSync(dir, { recursive: true });
  // A package.json saying "module", so Node loads the .js files as ES modules.
  writeFileSync(join(dir, 'package.json'), '{"type": "module"}');
  const source = join(ROOT, 'worker');
  for (const file of readdirSync(source).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))) {
    const { outputText } = ts.transpileModule(readFileSync(join(source, file), 'utf8'), {
      compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
      fileName: file,
    });
    writeFileSync(join(dir, file.replace(/\.ts$/, '.js')), outputText);
  }
  const load = (name) => import(pathToFileURL(join(dir, name)).href);
  const [config, auth, userId] = await Promise.all([
    load('config.js'),
    load('auth.js'),
    load('user-id.js'),
  ]);
  return { ...config, ...auth, ...userId };
}

async function runSteps(worker) {
  const secret = 'bench-site-secret-'.padEnd(48, 'x');
  const limiter = { limit: async () => ({ success: true }) };
  const baseEnv = {
    KALEYRA_API_KEY: 'ak_bench_micro',
    ALLOWED_ORIGINS: 'https://www.example.com',
    AUTH_MODE: 'jwt',
    SITE_JWT_ISSUER,
    SITE_JWT_AUDIENCE,
    IP_LIMITER: limiter,
    USER_LIMITER: limiter,
  };
  const hsEnv = { ...baseEnv, SITE_JWT_SECRET: secret };
  const hsConfig = checked(worker.configFor(hsEnv));
  const hsToken = await signSiteJwt(secret, 'user_42');

  // The worker's verification: its key source, algorithm allow-list and options (auth.ts).
  const options = (config) => ({
    algorithms: config.auth.keys.algorithms,
    issuer: config.auth.issuer,
    audience: config.auth.audience,
    requiredClaims: ['exp'],
    clockTolerance: worker.CLOCK_TOLERANCE_SECONDS,
  });
  const steps = [];
  const add = async (name, op) => steps.push({ step: name, ...(await time(op)) });

  await add('JWT verify, HS256 (SITE_JWT_SECRET)', () =>
    jwtVerify(hsToken, hsConfig.auth.keys.key, options(hsConfig)),
  );
  for (const alg of ['RS256', 'ES256']) {
    const { publicKey, privateKey } = await generateKeyPair(alg);
    const jwk = { ...(await exportJWK(publicKey)), kid: 'bench', alg, use: 'sig' };
    const config = checked(
      worker.configFor({ ...baseEnv, SITE_JWKS_JSON: JSON.stringify({ keys: [jwk] }) }),
    );
    const token = await new SignJWT({})
      .setProtectedHeader({ alg, kid: 'bench' })
      .setSubject('user_42')
      .setIssuer(SITE_JWT_ISSUER)
      .setAudience(SITE_JWT_AUDIENCE)
      .setExpirationTime('2h')
      .sign(privateKey);
    await add(`JWT verify, ${alg} (SITE_JWKS_JSON)`, () =>
      jwtVerify(token, config.auth.keys.key, options(config)),
    );
  }
  await add('user id mapping (SHA-256 of an e-mail claim)', () =>
    worker.toKaleyraUserId('someone@example.com', ''),
  );
  await add('user key (HMAC-SHA-256, cache and limiter key)', () =>
    worker.userKey(hsConfig, 'user_42'),
  );

  // The whole authenticate() middleware, through Hono, less the same app without it.
  const request = () =>
    new Request('http://worker.local/t', {
      method: 'POST',
      headers: { authorization: `Bearer ${hsToken}` },
    });
  const withAuth = new Hono().post('/t', worker.withConfig, worker.authenticate, (c) =>
    c.text('ok'),
  );
  const without = new Hono().post('/t', worker.withConfig, (c) => c.text('ok'));
  const full = await time(async () => expectOk(await withAuth.request(request(), {}, hsEnv)));
  const base = await time(async () => expectOk(await without.request(request(), {}, hsEnv)));
  steps.push({
    step: 'authenticate() middleware, HS256 (app.request minus the same app without it)',
    ...Object.fromEntries(Object.keys(full).map((key) => [key, round(full[key] - base[key], 1)])),
  });
  return steps;
}

/**
 * Per call, over BATCHES batches after a warm-up: CPU time (process.cpuUsage,
 * which also counts WebCrypto's work on libuv's threads; the CPU figure is the
 * one a Worker's CPU limit is about), of the best batch and the median one, and
 * the median wall time. On a shared machine the best batch is the figure least
 * disturbed by other work.
 */
async function time(op) {
  for (let i = 0; i < WARMUP; i++) await op();
  const wall = [];
  const cpu = [];
  for (let b = 0; b < BATCHES; b++) {
    const cpuStart = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < BATCH; i++) await op();
    wall.push(((performance.now() - start) * 1000) / BATCH);
    const used = process.cpuUsage(cpuStart);
    cpu.push((used.user + used.system) / BATCH);
  }
  return {
    cpuBestMicroseconds: round(Math.min(...cpu), 1),
    cpuMedianMicroseconds: round(median(cpu), 1),
    wallMedianMicroseconds: round(median(wall), 1),
  };
}

function checked(config) {
  if (config instanceof Error) throw config;
  return config;
}

/** @param {Response} res */
function expectOk(res) {
  if (res.status !== 200) throw new Error(`micro-benchmark request answered ${res.status}`);
}
