/**
 * The WordPress plugin against a real WordPress (Debian's package, MariaDB, `php -S`), in
 * Chromium: the zip installed through Plugins → Add New → Upload; the settings and who may
 * change them; posts by an Author and a Contributor (REST, application passwords) whose block
 * and shortcode are stored unchanged and whose launcher connects a visitor, signed in nowhere,
 * through the sandbox: the Turnstile stand-in's challenge, a guest token from the token worker
 * under `wrangler dev`, the SDK stand-in, a call that rings. Then the editor's inert
 * placeholder, the floating launcher, edits by another role, translations, uninstall.
 *
 * The tests run in order and build on each other (one WordPress, one worker). Everything is
 * stopped in `after`; each server also dies with this process.
 */
/* global window, document, customElements, HTMLScriptElement -- in the functions that run inside the pages */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, test as nodeTest } from 'node:test';
import { unzipSync } from 'fflate';
import { chromium } from 'playwright-core';
import { CHROMIUM_ARGS, chromiumPath } from '../support/chromium.mjs';
import { copySdkStandIn, startSandbox } from './support/sandbox.mjs';
import { freePort, startWordPress } from './support/wordpress.mjs';

const ROOT = resolve(import.meta.dirname, '../..');
const ZIP = join(ROOT, 'dist/kaleyra-call-wordpress.zip');
const SCREENSHOTS = join(ROOT, 'test-results/screenshots');
const PLUGIN = 'kaleyra-call/kaleyra-call.php';
const STEP_MS = 30_000;
/** A test that hangs fails on its own, and the ones after it still run. */
const TEST_MS = 90_000;
const test = (name, fn) => nodeTest(name, { timeout: TEST_MS }, fn);
const GUEST_ID = /^guest_[a-z2-7]{26}$/;
const EVIL = 'https://evil.example/v1/token';
/** Whom the launchers call: nobody answers, so the call rings (state `dialing`). */
const DOCTOR = 'dr_rossi';

let sandbox;
let wp;
let browser;
let admin; // the administrator's browser context, signed in
const pageErrors = [];

describe('the WordPress plugin', { timeout: 300_000 }, () => {
  before(async () => {
    assert.ok(existsSync(ZIP), `${ZIP} is missing: run \`npm run build\` first`);
    mkdirSync(SCREENSHOTS, { recursive: true });
    const [wpPort, workerPort] = [await freePort(), await freePort()];
    const origin = `http://127.0.0.1:${wpPort}`;
    sandbox = await startSandbox({ workerPort, origins: [origin], log: console.log });
    wp = await startWordPress({
      port: wpPort,
      log: console.log,
      muPlugins: {
        // Site code, as the developers' filter is meant for: the sandbox's SDK and challenge.
        'kaleyra-call-sandbox.php': `<?php
add_filter( 'kaleyra_call_element_attributes', function ( $attributes ) {
	$attributes['sdk-src']       = home_url( '/sandbox-sdk/bandyer-sdk.js' );
	$attributes['challenge-src'] = ${JSON.stringify(sandbox.challengeSrc)};
	return $attributes;
} );
`,
      },
    });
    await copySdkStandIn(join(wp.root, 'sandbox-sdk'));
    browser = await chromium.launch({
      executablePath: chromiumPath(),
      args: CHROMIUM_ARGS,
      headless: true,
    });
    admin = await signedIn('administrator');
  });

  after(async () => {
    await browser?.close().catch(() => {});
    await wp?.stop();
    await sandbox?.stop();
  });

  test('every PHP file of the zip passes php -l', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kaleyra-call-zip-'));
    try {
      for (const [name, bytes] of Object.entries(unzipSync(readFileSync(ZIP)))) {
        mkdirSync(dirname(join(dir, name)), { recursive: true });
        writeFileSync(join(dir, name), bytes);
      }
      const files = walk(dir).filter((file) => file.endsWith('.php'));
      assert.ok(files.length >= 8, `the plugin's PHP files (${files.length})`);
      for (const file of files) {
        const lint = spawnSync('php', ['-l', file], { encoding: 'utf8' });
        assert.equal(lint.status, 0, `${file}: ${lint.stdout}${lint.stderr}`);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('the zip installs through Plugins → Add New → Upload, and activates', async () => {
    const page = await admin.newPage();
    await page.goto(`${wp.url}/wp-admin/plugin-install.php?tab=upload`);
    await page.locator('input#pluginzip').setInputFiles(ZIP);
    await page.locator('#install-plugin-submit').click();
    await page.getByText('Plugin installed successfully.').waitFor();
    await page.getByRole('link', { name: 'Activate Plugin' }).click();
    await page.locator(`tr.active[data-plugin="${PLUGIN}"]`).waitFor();
    assert.equal(
      wp.php(`echo in_array( '${PLUGIN}', get_option( 'active_plugins' ), true ) ? 'yes' : 'no';`),
      'yes',
    );
    await page.close();
  });

  test('until the endpoint is set, a block shows visitors nothing and administrators a notice', async () => {
    const post = await publish('administrator', { content: block({ callWith: DOCTOR }) });
    const visitor = await newContext();
    const page = await visitor.newPage();
    await page.goto(post.link);
    assert.equal(await page.locator('kaleyra-call').count(), 0);
    assert.equal(await page.locator('.kaleyra-call-notice').count(), 0);
    assert.equal(await elementScripts(page), 0, 'no script for nothing');
    await visitor.close();

    const own = await admin.newPage();
    await own.goto(post.link);
    const notice = own.locator('.kaleyra-call-notice');
    assert.match(await notice.innerText(), /token endpoint is set/);
    assert.match(
      await notice.locator('a').getAttribute('href'),
      /\/wp-admin\/options-general\.php\?page=kaleyra-call$/,
    );
    await own.close();
  });

  test('settings: only administrators see Settings → Video call', async () => {
    for (const role of ['editor', 'author', 'contributor']) {
      const context = await signedIn(role);
      const page = await context.newPage();
      const res = await page.goto(`${wp.url}/wp-admin/options-general.php?page=kaleyra-call`);
      assert.equal(res.status(), 403, role);
      assert.match(await page.locator('body').innerText(), /not allowed to access this page/);
      await context.close();
    }
    const page = await admin.newPage();
    await page.goto(`${wp.url}/wp-admin/options-general.php?page=kaleyra-call`);
    assert.equal(await page.locator('h1').innerText(), 'Video call');
    assert.equal(await page.locator('input[name="_wpnonce"]').count(), 1, 'the form has a nonce');
    assert.match(await page.locator('.wrap').innerText(), new RegExp(`Add ${wp.url} to`));
    await page.close();
  });

  test('settings: the form saves an https endpoint and refuses any other', async () => {
    const page = await admin.newPage();
    const save = async (value) => {
      await page.goto(`${wp.url}/wp-admin/options-general.php?page=kaleyra-call`);
      await page.locator('#kaleyra_call_token_endpoint').fill(value);
      const posted = page.waitForResponse(
        (res) => res.url().endsWith('/wp-admin/options.php') && res.request().method() === 'POST',
      );
      await page.locator('#submit').click();
      assert.equal((await posted).status(), 302, 'options.php redirects back');
      await page.waitForURL(/settings-updated=true/);
    };
    await save('https://token.example.com/v1/token');
    assert.equal(endpointOption(), 'https://token.example.com/v1/token');

    for (const refused of ['http://token.example.com/v1/token', 'javascript:alert(1)']) {
      await save(refused);
      assert.match(
        await page.locator('#setting-error-kaleyra_call_token_endpoint_invalid').innerText(),
        /must be an https:\/\/ URL/,
      );
      assert.equal(endpointOption(), 'https://token.example.com/v1/token', refused);
    }

    // Without the form's nonce, options.php refuses.
    const forged = await admin.request.post(`${wp.url}/wp-admin/options.php`, {
      form: { option_page: 'kaleyra_call', action: 'update', kaleyra_call_token_endpoint: EVIL },
    });
    assert.equal(forged.status(), 403);
    assert.equal(endpointOption(), 'https://token.example.com/v1/token');

    // The sandbox's worker, on this machine: http is allowed on 127.0.0.1.
    await save(sandbox.tokenEndpoint);
    assert.equal(endpointOption(), sandbox.tokenEndpoint);
    await page.close();
  });

  test('settings: an Author cannot change the endpoint (REST answers 403)', async () => {
    for (const role of ['author', 'editor', 'contributor']) {
      const res = await wp.rest(role, 'POST', '/wp/v2/settings', {
        kaleyra_call_token_endpoint: EVIL,
      });
      assert.equal(res.status, 403, role);
    }
    const bad = await wp.rest('administrator', 'POST', '/wp/v2/settings', {
      kaleyra_call_token_endpoint: 'http://token.example.com/v1/token',
    });
    assert.equal(bad.status, 400, 'not https: refused for the administrator too');
    assert.equal(endpointOption(), sandbox.tokenEndpoint);
  });

  for (const role of ['author', 'contributor']) {
    for (const kind of ['block', 'shortcode']) {
      test(`${role}: a post with the ${kind} is stored unchanged, and its launcher connects a visitor and calls`, async () => {
        const content =
          kind === 'block'
            ? block({ callWith: DOCTOR, label: 'Call the clinic' })
            : `<!-- wp:paragraph -->\n<p>Questions? [kaleyra_call call_with="${DOCTOR}" label="Call the clinic"]</p>\n<!-- /wp:paragraph -->`;
        const post = await publish(role, { content });
        await sandbox.workerReady;
        const page = await call(post.link, { label: 'Call the clinic' });
        await page.screenshot({ path: join(SCREENSHOTS, `wordpress-${role}-${kind}.png`) });
        await page.context().close();
      });
    }
  }

  test("an Author's block or shortcode cannot choose the token endpoint", async () => {
    const post = await publish('author', {
      content: [
        block({ callWith: DOCTOR, tokenEndpoint: EVIL }),
        `<!-- wp:shortcode -->\n[kaleyra_call call_with="${DOCTOR}" token_endpoint="${EVIL}" tokenEndpoint="${EVIL}" token-endpoint="${EVIL}"]\n<!-- /wp:shortcode -->`,
      ].join('\n\n'),
    });
    const html = await (await fetch(post.link)).text();
    assert.doesNotMatch(html, /evil\.example/);
    const endpoints = [...html.matchAll(/<kaleyra-call [^>]*token-endpoint="([^"]*)"/g)].map(
      (m) => m[1],
    );
    assert.deepEqual(endpoints, [sandbox.tokenEndpoint, sandbox.tokenEndpoint]);
    // And the block's launcher asks the settings' endpoint, nobody else.
    const page = await call(post.link, { nth: 0 });
    assert.ok(!page.requests.some((url) => url.includes('evil.example')));
    await page.context().close();
  });

  test("an Author's marker beside the block asks the settings' endpoint, never its own", async () => {
    const marker = `<div data-kaleyra-call data-call-with="${DOCTOR}" data-label="Marker" data-connect="click" data-token-endpoint="${EVIL}" data-sdk-src="https://evil.example/sdk.js"></div>`;
    const post = await publish('author', {
      content: [
        block({ callWith: DOCTOR, label: 'Call the clinic' }),
        `<!-- wp:html -->\n${marker}\n<!-- /wp:html -->`,
      ].join('\n\n'),
    });
    // WordPress kept the marker for an Author (data-* pass its filter), and the script tag
    // carries the settings' endpoint as the page's default.
    const html = await (await fetch(post.link)).text();
    assert.match(html, /<div data-kaleyra-call[^>]* data-call-with="dr_rossi"/);
    const tag = /<script[^>]*id=["']kaleyra-call-js["'][^>]*>/.exec(html)?.[0] ?? '';
    assert.ok(tag.includes(`data-token-endpoint="${sandbox.tokenEndpoint}"`), tag);
    const context = await newContext();
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_MS);
    page.on('pageerror', (err) => pageErrors.push(`${post.link}: ${err.message}`));
    const requests = [];
    page.on('request', (request) => requests.push(request.url()));
    await page.goto(post.link);
    const placed = await page.evaluate(() => {
      const el = document.querySelector('[data-kaleyra-call] > kaleyra-call');
      return { endpoint: el.tokenEndpoint, sdk: el.sdkSrc, label: el.label };
    });
    assert.deepEqual(placed, {
      endpoint: sandbox.tokenEndpoint,
      sdk: `${wp.url}/sandbox-sdk/bandyer-sdk.js`,
      label: 'Marker',
    });
    // Pressed, it asks the settings' endpoint (here for a guest's challenge), and nobody else.
    const asked = page.waitForRequest(`${sandbox.workerOrigin}/v1/token`);
    await page.locator('[data-kaleyra-call] > kaleyra-call [part="launcher"]').click();
    await asked;
    assert.ok(!requests.some((url) => url.includes('evil.example')), requests.join('\n'));
    await context.close();
  });

  test('the block editor shows an inert placeholder and makes no request for a call', async () => {
    const context = await signedIn('author');
    const page = await context.newPage();
    const requests = [];
    page.on('request', (request) => requests.push(request.url()));
    await openEditor(page);
    await page.evaluate((doctor) => {
      const created = window.wp.blocks.createBlock('kaleyra-call/call', {
        callWith: doctor,
        label: 'Call the clinic',
      });
      window.wp.data.dispatch('core/block-editor').insertBlocks(created);
      window.wp.data.dispatch('core/block-editor').selectBlock(created.clientId);
      window.wp.data.dispatch('core/edit-post').openGeneralSidebar('edit-post/block');
    }, DOCTOR);
    const placeholder = page.locator('.kaleyra-call-placeholder');
    const button = placeholder.locator('button');
    await button.waitFor();
    assert.equal(await button.innerText(), 'Call the clinic');
    assert.equal(await button.isDisabled(), true);
    assert.equal(
      await placeholder.locator('.kaleyra-call-placeholder-note').innerText(),
      'Preview: calls start on the published page',
    );

    // The sidebar edits the block's attributes; the post keeps only its comment.
    await page.getByLabel('Button text').fill('Talk to us');
    await page.getByRole('textbox', { name: 'Chat with' }).fill('not an id!');
    assert.equal(await button.innerText(), 'Talk to us');
    await placeholder.getByText('"Chat with" is not a user id').waitFor();
    await page.getByRole('button', { name: 'Tools in the call' }).click();
    await page.getByRole('checkbox', { name: 'Whiteboard' }).check();
    await page.getByRole('checkbox', { name: 'Chat', exact: true }).check();
    assert.equal(
      await page.evaluate(() =>
        window.wp.blocks.serialize(window.wp.data.select('core/block-editor').getBlocks()),
      ),
      `<!-- wp:kaleyra-call/call {"callWith":"${DOCTOR}","chatWith":"not an id!","label":"Talk to us","tools":"chat whiteboard"} /-->`,
    );
    await page.screenshot({ path: join(SCREENSHOTS, 'wordpress-editor-placeholder.png') });

    assert.equal(await page.evaluate(() => customElements.get('kaleyra-call')), undefined);
    assert.equal(await page.locator('kaleyra-call').count(), 0);
    const forCalls = requests.filter(
      (url) =>
        url.startsWith(sandbox.workerOrigin) ||
        url.startsWith(sandbox.turnstileOrigin) ||
        url.includes('/sandbox-sdk/') ||
        url.includes('/plugins/kaleyra-call/assets/'),
    );
    assert.deepEqual(forCalls, [], 'no token, SDK, challenge or element request');
    assert.ok(
      requests.some((url) => url.includes('/plugins/kaleyra-call/build/editor.js')),
      'the editor script itself did load',
    );
    await context.close();
  });

  test('the floating launcher puts exactly one launcher on every page', async () => {
    const on = await wp.rest('administrator', 'POST', '/wp/v2/settings', {
      kaleyra_call_launcher: true,
      kaleyra_call_launcher_call_with: DOCTOR,
      kaleyra_call_launcher_label: 'Talk to the clinic',
    });
    assert.equal(on.status, 200, on.text);
    try {
      const withBlock = await publish('author', { content: block({ callWith: 'dr_bianchi' }) });
      const pages = [`${wp.url}/sample-page/`, `${wp.url}/`, withBlock.link];
      const visitor = await newContext();
      const page = await visitor.newPage();
      for (const url of pages) {
        await page.goto(url);
        const floating = page.locator('kaleyra-call[placement="floating"]');
        assert.equal(await floating.count(), 1, url);
        assert.equal(await floating.getAttribute('call-with'), DOCTOR);
        assert.equal(await floating.getAttribute('label'), 'Talk to the clinic');
        assert.equal(await elementScripts(page), 1, `one script on ${url}`);
      }
      assert.equal(await page.locator('kaleyra-call').count(), 2, 'the block is there too');

      // A block that floats takes the corner: still one launcher there, the block's.
      const floatingBlock = await publish('author', {
        content: block({ callWith: 'dr_bianchi', placement: 'floating' }),
      });
      await page.goto(floatingBlock.link);
      const floating = page.locator('kaleyra-call[placement="floating"]');
      assert.equal(await floating.count(), 1);
      assert.equal(await floating.getAttribute('call-with'), 'dr_bianchi');
      await visitor.close();
    } finally {
      await wp.rest('administrator', 'POST', '/wp/v2/settings', { kaleyra_call_launcher: false });
    }
    const page = await (await newContext()).newPage();
    await page.goto(`${wp.url}/sample-page/`);
    assert.equal(await page.locator('kaleyra-call').count(), 0, 'off again');
    assert.equal(await elementScripts(page), 0, 'and no script on a page without a call');
    await page.context().close();
  });

  test("a block saved by an Author survives an Editor's edit, and the reverse", async () => {
    const authorBlock = block({ callWith: DOCTOR, label: 'Ask us' });
    const post = await publish('author', { content: authorBlock });
    const edited = `<!-- wp:paragraph -->\n<p>Opening hours: 8 to 18.</p>\n<!-- /wp:paragraph -->\n\n${authorBlock}`;
    const byEditor = await wp.rest('editor', 'POST', `/wp/v2/posts/${post.id}`, {
      content: edited,
    });
    assert.equal(byEditor.status, 200);
    assert.equal(await raw(post.id), edited);
    assert.equal(await labels(post.link), 'Ask us');

    // The reverse: an Editor fills the Author's post, the Author changes the title only.
    const editorBlock = block({ callWith: DOCTOR, label: 'Call reception', tools: 'chat' });
    const byEditorFirst = await wp.rest('editor', 'POST', `/wp/v2/posts/${post.id}`, {
      content: editorBlock,
    });
    assert.equal(byEditorFirst.status, 200);
    const byAuthor = await wp.rest('author', 'POST', `/wp/v2/posts/${post.id}`, {
      title: 'Reception',
    });
    assert.equal(byAuthor.status, 200);
    assert.equal(byAuthor.json.title.raw, 'Reception');
    assert.equal(await raw(post.id), editorBlock);
    assert.equal(await labels(post.link), 'Call reception');
  });

  test('Italian and Spanish: the settings page, the editor, and the site language', async () => {
    wp.php(`update_user_meta( ${wp.users.administrator.id}, 'locale', 'es_ES' );`);
    wp.php(`update_user_meta( ${wp.users.author.id}, 'locale', 'it_IT' );`);
    try {
      const page = await admin.newPage();
      await page.goto(`${wp.url}/wp-admin/options-general.php?page=kaleyra-call`);
      assert.equal(await page.locator('h1').innerText(), 'Videollamada');
      assert.equal(
        await page.locator('label[for="kaleyra_call_token_endpoint"]').innerText(),
        'Endpoint de tokens',
      );
      await page.close();

      const context = await signedIn('author');
      const editor = await context.newPage();
      await openEditor(editor);
      await editor.evaluate(() =>
        window.wp.data
          .dispatch('core/block-editor')
          .insertBlocks(window.wp.blocks.createBlock('kaleyra-call/call', {})),
      );
      const placeholder = editor.locator('.kaleyra-call-placeholder');
      await placeholder.waitFor();
      assert.equal(await placeholder.locator('button').innerText(), 'Chiamata video');
      assert.equal(
        await placeholder.locator('.kaleyra-call-placeholder-note').innerText(),
        'Anteprima: le chiamate partono dalla pagina pubblicata',
      );
      await context.close();
    } finally {
      wp.php(`delete_user_meta( ${wp.users.administrator.id}, 'locale' );`);
      wp.php(`delete_user_meta( ${wp.users.author.id}, 'locale' );`);
    }

    const post = await publish('author', { content: block({ callWith: DOCTOR }) });
    // Written to the table: update_option() accepts only languages whose core files are here.
    const siteLanguage = (locale) =>
      wp.php(
        `$wpdb->replace( $wpdb->options, array( 'option_name' => 'WPLANG', 'option_value' => '${locale}', 'autoload' => 'yes' ) );`,
      );
    siteLanguage('it_IT');
    try {
      const html = await (await fetch(post.link)).text();
      assert.match(html, /<html lang="it-IT"/);
      assert.match(html, /<kaleyra-call [^>]*language="it"/);
    } finally {
      siteLanguage('');
    }
  });

  test('deleting the plugin removes its options', () => {
    const before = wp.php(
      `echo implode( ',', $wpdb->get_col( "SELECT option_name FROM $wpdb->options WHERE option_name LIKE 'kaleyra\\_call\\_%' ORDER BY option_name" ) );`,
    );
    assert.equal(
      before,
      'kaleyra_call_launcher,kaleyra_call_launcher_call_with,kaleyra_call_launcher_label,kaleyra_call_token_endpoint',
    );
    const out = wp.php(`
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
update_option( 'kaleyra_call_language', 'it' );
deactivate_plugins( '${PLUGIN}' );
$deleted = delete_plugins( array( '${PLUGIN}' ) );
// Read from the table: get_option() would answer the registered defaults.
$left = $wpdb->get_col( "SELECT option_name FROM $wpdb->options WHERE option_name LIKE 'kaleyra\\_call\\_%'" );
echo wp_json_encode( array( 'deleted' => true === $deleted, 'left' => array_values( $left ), 'folder' => is_dir( WP_PLUGIN_DIR . '/kaleyra-call' ) ) );
`);
    assert.deepEqual(JSON.parse(out), { deleted: true, left: [], folder: false });
  });

  test('WordPress logged no notice, warning or error from the plugin, and the pages none', () => {
    const ours = wp
      .debugLog()
      .split('\n')
      .filter((line) => line.includes('/plugins/kaleyra-call/'));
    assert.deepEqual(ours, []);
    assert.deepEqual(pageErrors, []);
  });
});

// -------------------------------------------------------------------------------------------
// Helpers

/** A block's comment as the block editor serializes it. */
function block(attributes) {
  return `<!-- wp:kaleyra-call/call ${JSON.stringify(attributes)} /-->`;
}

/**
 * Creates a post as `role` through the REST API and publishes it (an Editor publishes a
 * Contributor's), checking at each save that the stored content is what was sent.
 */
async function publish(role, { content, title = `Post by the ${role}` }) {
  const create = await wp.rest(role, 'POST', '/wp/v2/posts', {
    title,
    content,
    status: role === 'contributor' ? 'pending' : 'publish',
  });
  assert.equal(create.status, 201, create.text);
  assert.equal(await raw(create.json.id), content, `stored unchanged for the ${role}`);
  if (role !== 'contributor') return create.json;
  const published = await wp.rest('editor', 'POST', `/wp/v2/posts/${create.json.id}`, {
    status: 'publish',
  });
  assert.equal(published.status, 200, published.text);
  assert.equal(await raw(create.json.id), content, 'unchanged once published by an editor');
  return published.json;
}

async function raw(id) {
  const res = await wp.rest('administrator', 'GET', `/wp/v2/posts/${id}?context=edit`);
  assert.equal(res.status, 200);
  return res.json.content.raw;
}

/** The `label` of the post's elements, as a visitor gets the page. */
async function labels(url) {
  const html = await (await fetch(url)).text();
  return [...html.matchAll(/<kaleyra-call [^>]*label="([^"]*)"/g)].map((m) => m[1]).join(',');
}

function endpointOption() {
  return wp.php(`echo get_option( 'kaleyra_call_token_endpoint' );`);
}

/** The element's own script tags on the page. */
function elementScripts(page) {
  return page.locator('script[src*="/plugins/kaleyra-call/assets/kaleyra-call.iife.js"]').count();
}

/**
 * A browser context that reaches this machine only: WordPress's pages ask for a few things on
 * the internet (avatars, emoji), which fail at once or, where a name lookup hangs, hold the
 * page's load event; they are refused here, deterministically.
 */
async function newContext(options) {
  const context = await browser.newContext(options);
  await context.route(
    (url) => url.hostname !== '127.0.0.1',
    (route) => route.abort('blockedbyclient'),
  );
  return context;
}

/**
 * A browser context signed in as `role`. The administrator signs in through wp-login.php, as a
 * person would, and the dashboard is let finish loading (a page closed mid-navigation has left
 * Chromium unable to open the context's next tab). The other roles get the cookies WordPress
 * itself makes for a sign-in (`wp_set_auth_cookie`, caught from its `set_*_cookie` actions),
 * without a page.
 */
async function signedIn(role) {
  const context = await newContext({ viewport: { width: 1366, height: 900 } });
  if (role === 'administrator') {
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_MS);
    await page.goto(`${wp.url}/wp-login.php`);
    await page.locator('#user_login').fill(wp.users[role].login);
    await page.locator('#user_pass').fill(wp.users[role].password);
    await page.locator('#wp-submit').click();
    await page.waitForURL(/\/wp-admin\/$/);
    assert.equal(await page.locator('#wpadminbar').count(), 1, 'signed in');
    await page.close();
    return context;
  }
  const made = JSON.parse(
    wp.php(
      `
$cookies = array();
add_filter( 'send_auth_cookies', '__return_false' );
add_action( 'set_auth_cookie', function ( $value ) use ( &$cookies ) {
	foreach ( array( ADMIN_COOKIE_PATH, PLUGINS_COOKIE_PATH ) as $path ) {
		$cookies[] = array( 'name' => AUTH_COOKIE, 'value' => $value, 'path' => $path );
	}
} );
add_action( 'set_logged_in_cookie', function ( $value ) use ( &$cookies ) {
	foreach ( array_unique( array( COOKIEPATH, SITECOOKIEPATH ) ) as $path ) {
		$cookies[] = array( 'name' => LOGGED_IN_COOKIE, 'value' => $value, 'path' => $path );
	}
} );
wp_set_auth_cookie( $args['id'] );
echo wp_json_encode( $cookies );
`,
      { id: wp.users[role].id },
    ),
  );
  assert.deepEqual(
    made.map((cookie) => cookie.path),
    ['/wp-admin', '/wp-content/plugins', '/'],
    `the ${role}'s sign-in cookies`,
  );
  const { hostname } = new URL(wp.url);
  await context.addCookies(
    made.map((cookie) => ({ ...cookie, domain: hostname, httpOnly: true, sameSite: 'Lax' })),
  );
  return context;
}

/** A new post in the block editor, ready, without its welcome guide. */
async function openEditor(page) {
  page.setDefaultTimeout(STEP_MS);
  await page.goto(`${wp.url}/wp-admin/post-new.php`);
  await page.waitForFunction(
    () =>
      window.wp?.blocks?.getBlockType('kaleyra-call/call') &&
      window.wp.data.select('core/block-editor'),
  );
  await page.evaluate(() => {
    if (window.wp.data.select('core/edit-post').isFeatureActive('welcomeGuide')) {
      window.wp.data.dispatch('core/edit-post').toggleFeature('welcomeGuide');
    }
  });
}

/**
 * A visitor signed in nowhere opens `url` and presses the launcher (the `nth` element's):
 * the challenge passes unseen, the worker gives a guest token, the SDK stand-in connects
 * and the call to the doctor rings. Resolves to the page (its context is the caller's to
 * close), with `requests`, every URL it asked for.
 */
async function call(url, { label, nth = 0 } = {}) {
  const context = await newContext();
  // The SDK stand-in checks tokens as Kaleyra would: with the key the REST stand-in signs with.
  await context.addInitScript(
    ({ secret, appId }) => {
      document.addEventListener(
        'load',
        (event) => {
          const script = event.target;
          if (script instanceof HTMLScriptElement && script.src.includes('/sandbox-sdk/')) {
            window.__bandyerEmulator?.setSigningSecret(secret);
            window.__bandyerEmulator?.setExpectedAppId(appId);
          }
        },
        true,
      );
    },
    { secret: sandbox.signingSecret, appId: sandbox.appId },
  );
  await context.addInitScript(() => {
    window.__errors = [];
    document.addEventListener('kaleyra-call-error', (e) =>
      window.__errors.push(`${e.detail.code}: ${e.detail.message}`),
    );
  });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_MS);
  page.on('pageerror', (err) => pageErrors.push(`${url}: ${err.message}`));
  const requests = [];
  page.on('request', (request) => requests.push(request.url()));
  page.requests = requests;

  await page.goto(url);
  const element = page.locator('kaleyra-call').nth(nth);
  // Properties: a marker's element has them from the marker and the script tag, not as attributes.
  assert.deepEqual(await element.evaluate((el) => [el.tokenEndpoint, el.connectOn]), [
    sandbox.tokenEndpoint,
    'click',
  ]);
  if (label) assert.equal(await element.locator('[part="launcher"]').innerText(), label);
  const script = page.locator('script[src*="/plugins/kaleyra-call/assets/kaleyra-call.iife.js"]');
  assert.equal(await script.count(), 1);
  assert.equal(await script.getAttribute('defer'), '');
  assert.match(await script.getAttribute('integrity'), /^sha384-[A-Za-z0-9+/]{64}$/);
  assert.equal(await script.getAttribute('crossorigin'), 'anonymous');
  assert.ok(
    !requests.some((u) => u.startsWith(sandbox.workerOrigin)),
    'connect="click": no token before the click',
  );

  await element.locator('[part="launcher"]').click();
  await page
    .waitForFunction((n) => document.querySelectorAll('kaleyra-call')[n].state === 'connected', nth)
    .catch(async (err) => {
      // Say where it stopped: the element's state and the errors it reported.
      const seen = await page.evaluate(
        (n) => ({
          state: document.querySelectorAll('kaleyra-call')[n].state,
          errors: window.__errors,
        }),
        nth,
      );
      throw new Error(`${err.message}: ${JSON.stringify(seen)}`);
    });
  await page.waitForFunction(
    (n) => document.querySelectorAll('kaleyra-call')[n].call === 'dialing',
    nth,
  );
  const state = await page.evaluate((n) => {
    const el = document.querySelectorAll('kaleyra-call')[n];
    const standIn = window.__bandyerEmulator;
    return {
      userId: el.userId,
      participants: standIn.client?.callView?.call?.participants ?? null,
    };
  }, nth);
  assert.match(state.userId, GUEST_ID, 'a guest');
  assert.ok(state.participants?.includes(DOCTOR), `a call to ${DOCTOR}: ${state.participants}`);
  assert.ok(requests.includes(`${sandbox.workerOrigin}/v1/guest`), 'the guest route');
  assert.ok(requests.includes(`${sandbox.workerOrigin}/v1/token`), 'the token route');
  assert.ok(
    requests.some((u) => u.startsWith(sandbox.turnstileOrigin)),
    'the challenge',
  );
  assert.ok(
    requests.some((u) => /\/plugins\/kaleyra-call\/assets\/kaleyra-call\.runtime\.en\.js/.test(u)),
    'the runtime from the plugin folder',
  );
  return page;
}

function walk(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
