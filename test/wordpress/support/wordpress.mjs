/**
 * A real WordPress for the tests, from Debian's packages, in a temporary folder: MariaDB on
 * its own data folder and socket (no network), WordPress copied with its own wp-config.php,
 * installed by php-cli with one user per role (each with an application password for the
 * REST API), served by `php -S` with a router that does the job of Apache's rewrite rules.
 * `stop()` ends both servers and removes the folder; a process exit ends them too.
 *
 * `ensureWordPress()` is for test/run-all.mjs: it installs the packages when they are
 * missing and this process may (root, apt-get), else prints the one line to run.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const WORDPRESS = '/usr/share/wordpress';
const THEME = 'twentytwentythree';
export const PACKAGES = [
  'wordpress',
  `wordpress-theme-${THEME}`,
  'mariadb-server',
  'php-cli',
  'php-mysql',
  'php-xml',
  'php-mbstring',
];
const HOW_TO = `WordPress tests need Debian's packages: run \`sudo apt-get install --no-install-recommends ${PACKAGES.join(' ')}\`.`;
const READY_MS = 30_000;
export const ROLES = ['administrator', 'editor', 'author', 'contributor'];

/** What is missing of the packages' files (none: ready). */
function missing() {
  const files = [
    `${WORDPRESS}/wp-load.php`,
    `${WORDPRESS}/wp-content/themes/${THEME}/style.css`,
    '/usr/sbin/mariadbd',
  ];
  const absent = files.filter((file) => !existsSync(file));
  const php = spawnSync('php', [
    '-r',
    'exit(extension_loaded("mysqli") && extension_loaded("mbstring") && extension_loaded("dom") ? 0 : 1);',
  ]);
  if (php.status !== 0) absent.push('php with mysqli, mbstring and xml');
  return absent;
}

/**
 * True when WordPress, MariaDB and PHP are there, after installing them if needed and
 * possible. Package scripts may try to start services: a temporary policy-rc.d forbids it.
 */
export function ensureWordPress() {
  if (missing().length === 0) return true;
  const root = process.getuid?.() === 0;
  const apt = spawnSync('sh', ['-c', 'command -v apt-get'], { encoding: 'utf8' }).status === 0;
  if (!root || !apt) {
    console.error(HOW_TO);
    return false;
  }
  console.log(`Installing Debian's ${PACKAGES.join(', ')} (apt-get)…`);
  const policy = '/usr/sbin/policy-rc.d';
  const ownPolicy = !existsSync(policy);
  if (ownPolicy) writeFileSync(policy, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    for (const args of [
      ['update', '-qq'],
      ['install', '-y', '-qq', '--no-install-recommends', ...PACKAGES],
    ]) {
      const run = spawnSync('apt-get', args, { stdio: 'inherit', env });
      if (run.status !== 0) {
        console.error(`apt-get ${args[0]} failed. ${HOW_TO}`);
        return false;
      }
    }
  } finally {
    if (ownPolicy) rmSync(policy, { force: true });
  }
  const still = missing();
  if (still.length) console.error(`Still missing: ${still.join(', ')}. ${HOW_TO}`);
  return still.length === 0;
}

/** A port that was free a moment ago. */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * @typedef {{ id: number, login: string, password: string, appPassword: string }} User
 * @typedef {Awaited<ReturnType<typeof startWordPress>>} WordPress
 */

/**
 * @param {{ port: number, multisite?: boolean, muPlugins?: Record<string, string>,
 *   log?: (line: string) => void }} options  `muPlugins`: file name → PHP source.
 */
export async function startWordPress({ port, multisite = false, muPlugins = {}, log = () => {} }) {
  const dir = mkdtempSync(join(tmpdir(), 'kaleyra-call-wp-'));
  // The database server runs as `mysql` when we are root: it must reach its folder.
  chmodSync(dir, 0o755);
  const processes = [];
  const stopAll = () => {
    for (const child of processes) signal(child, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
  process.once('exit', stopAll);
  let stopped;
  const stop = () =>
    (stopped ??= (async () => {
      await Promise.all(processes.map((child) => end(child)));
      rmSync(dir, { recursive: true, force: true });
      process.off('exit', stopAll);
    })());

  try {
    const socket = join(dir, 'db', 'mysqld.sock');
    await startDatabase(dir, socket, processes, log);

    const root = join(dir, 'wordpress');
    cpSync(WORDPRESS, root, {
      recursive: true,
      // Debian's own configuration (per-host files in /etc/wordpress) is replaced below.
      filter: (source) => !source.endsWith('/.htaccess'),
    });
    const url = `http://127.0.0.1:${port}`;
    writeFileSync(join(root, 'wp-config.php'), wpConfig({ url, socket, multisite }));
    mkdirSync(join(root, 'wp-content/mu-plugins'), { recursive: true });
    // There is no mail server: WordPress is told the mail went.
    muPlugins = {
      'no-mail.php': "<?php\nadd_filter( 'pre_wp_mail', '__return_true' );\n",
      ...muPlugins,
    };
    for (const [name, source] of Object.entries(muPlugins)) {
      writeFileSync(join(root, 'wp-content/mu-plugins', name), source);
    }
    writeFileSync(join(dir, 'router.php'), ROUTER.replace('__ROOT__', root));

    const wp = { dir, root, url, port, socket, users: /** @type {Record<string, User>} */ ({}) };
    const installed = JSON.parse(
      phpRun(root, url, `${INSTALL}\n${multisite ? NETWORK : ''}\n${USERS}`, { roles: ROLES, url }),
    );
    wp.users = installed.users;

    const server = spawn('php', ['-S', `127.0.0.1:${port}`, '-t', root, join(dir, 'router.php')], {
      cwd: root,
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      // Several workers: the block editor asks for many things at once.
      env: { ...process.env, PHP_CLI_SERVER_WORKERS: '4' },
    });
    processes.push(server);
    server.stderr.setEncoding('utf8').on('data', (text) => {
      for (const line of text.split('\n')) {
        // The server logs every request; only PHP's own complaints are worth a line.
        if (/PHP (Warning|Fatal|Parse|Notice|Deprecated)/.test(line)) log(`[php] ${line}`);
      }
    });
    await waitFor(async () => (await fetch(`${url}/wp-login.php`)).ok, 'php -S to answer');

    return {
      ...wp,
      stop,
      /** Runs PHP with WordPress loaded (as a visitor); `$args` holds `args`; resolves to stdout. */
      php: (code, args = {}) => phpRun(root, url, `require ABSPATH_LOAD;\n${code}`, args),
      /**
       * The REST API as `user` (an application password), or as nobody; `site`: a network's
       * sub-site path (`/sub`), '' for the main site.
       */
      rest: (user, method, path, body, site = '') =>
        rest(`${url}${site}`, wp.users[user], method, path, body),
      /** WordPress's debug log so far (notices, warnings, errors), or ''. */
      debugLog: () => {
        const file = join(root, 'wp-content/debug.log');
        return existsSync(file) ? readFileSync(file, 'utf8') : '';
      },
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** MariaDB on a fresh data folder and a socket, without networking or grant tables. */
async function startDatabase(dir, socket, processes, log) {
  const data = join(dir, 'db');
  mkdirSync(data);
  const asRoot = process.getuid?.() === 0;
  if (asRoot) chownSync(data, Number(idOf('-u')), Number(idOf('-g')));
  const user = asRoot ? ['--user=mysql'] : [];
  // No mariadb-install-db: without grant tables the server needs no system tables, and an
  // empty data folder saves seconds.
  const server = spawn(
    '/usr/sbin/mariadbd',
    [
      '--no-defaults',
      ...user,
      `--datadir=${data}`,
      `--socket=${socket}`,
      `--pid-file=${join(data, 'mysqld.pid')}`,
      '--skip-networking',
      // A throwaway database: no grant checks (the socket is in our private folder), and no
      // flush to disk at each commit.
      '--skip-grant-tables',
      '--innodb-flush-log-at-trx-commit=0',
      '--innodb-buffer-pool-size=64M',
      '--skip-log-bin',
    ],
    { detached: true, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  processes.push(server);
  let output = '';
  server.stderr.setEncoding('utf8').on('data', (text) => (output += text));
  server.once('exit', (code) => code && log(`[mariadbd] exited ${code}:\n${output}`));
  await waitFor(
    () =>
      new Promise((resolve) => {
        const probe = connect(socket);
        probe.once('connect', () => (probe.destroy(), resolve(true)));
        probe.once('error', () => resolve(false));
      }),
    'mariadbd to accept connections',
    () => output,
  );
}

function idOf(flag) {
  return spawnSync('id', [flag, 'mysql'], { encoding: 'utf8' }).stdout.trim();
}

function wpConfig({ url, socket, multisite }) {
  const salt = () => randomBytes(32).toString('base64');
  const keys = [
    'AUTH_KEY',
    'SECURE_AUTH_KEY',
    'LOGGED_IN_KEY',
    'NONCE_KEY',
    'AUTH_SALT',
    'SECURE_AUTH_SALT',
    'LOGGED_IN_SALT',
    'NONCE_SALT',
  ];
  const network = multisite
    ? `define( 'WP_ALLOW_MULTISITE', true );
if ( file_exists( __DIR__ . '/network.flag' ) ) {
	define( 'MULTISITE', true );
	define( 'SUBDOMAIN_INSTALL', false );
	define( 'DOMAIN_CURRENT_SITE', '127.0.0.1:${new URL(url).port}' );
	define( 'PATH_CURRENT_SITE', '/' );
	define( 'SITE_ID_CURRENT_SITE', 1 );
	define( 'BLOG_ID_CURRENT_SITE', 1 );
}`
    : `define( 'WP_HOME', '${url}' );
define( 'WP_SITEURL', '${url}' );`;
  return `<?php
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', 'root' );
define( 'DB_PASSWORD', '' );
define( 'DB_HOST', 'localhost:${socket}' );
define( 'DB_CHARSET', 'utf8mb4' );
define( 'DB_COLLATE', '' );
${keys.map((key) => `define( '${key}', '${salt()}' );`).join('\n')}
$table_prefix = 'wp_';
// Application passwords over plain http, nothing fetched from the internet, no updates, no cron.
define( 'WP_ENVIRONMENT_TYPE', 'local' );
define( 'WP_HTTP_BLOCK_EXTERNAL', true );
define( 'AUTOMATIC_UPDATER_DISABLED', true );
define( 'WP_AUTO_UPDATE_CORE', false );
define( 'DISABLE_WP_CRON', true );
define( 'FS_METHOD', 'direct' );
define( 'WP_DEBUG', true );
define( 'WP_DEBUG_LOG', true );
define( 'WP_DEBUG_DISPLAY', false );
${network}
if ( ! defined( 'ABSPATH' ) ) {
	define( 'ABSPATH', __DIR__ . '/' );
}
require_once ABSPATH . 'wp-settings.php';
`;
}

/** Apache's rewrite rules for WordPress (sub-directory multisite included), for `php -S`. */
const ROUTER = `<?php
$root = '__ROOT__';
$path = rawurldecode( (string) parse_url( $_SERVER['REQUEST_URI'], PHP_URL_PATH ) );
if ( str_contains( $path, '..' ) ) {
	http_response_code( 400 );
	return true;
}
// A network's sub-site: /<site>/wp-admin/… and /<site>/<file>.php are the root's files.
if ( preg_match( '#^/[_0-9a-zA-Z-]+(/wp-(?:admin|includes|content)(?:/.*)?|/[^/]+\\.php)$#', $path, $m ) && ! file_exists( $root . $path ) && file_exists( $root . $m[1] ) ) {
	$path = $m[1];
	if ( is_dir( $root . $path ) ) {
		$path = rtrim( $path, '/' ) . '/index.php';
	}
	if ( ! str_ends_with( $path, '.php' ) ) {
		return serve_static( $root . $path );
	}
	$_SERVER['SCRIPT_NAME']     = $path;
	$_SERVER['PHP_SELF']        = $path;
	$_SERVER['SCRIPT_FILENAME'] = $root . $path;
	chdir( dirname( $root . $path ) );
	require $root . $path;
	return true;
}
if ( '/' !== $path && file_exists( $root . $path ) ) {
	return false;
}
$_SERVER['SCRIPT_NAME']     = '/index.php';
$_SERVER['PHP_SELF']        = '/index.php';
$_SERVER['SCRIPT_FILENAME'] = $root . '/index.php';
require $root . '/index.php';
return true;

function serve_static( string $file ): bool {
	$types = array( 'js' => 'text/javascript', 'css' => 'text/css', 'svg' => 'image/svg+xml', 'png' => 'image/png', 'woff2' => 'font/woff2' );
	$ext   = strtolower( pathinfo( $file, PATHINFO_EXTENSION ) );
	header( 'Content-Type: ' . ( $types[ $ext ] ?? 'application/octet-stream' ) );
	readfile( $file );
	return true;
}
`;

/** php-cli, as WordPress's front end would run (HTTP_HOST and friends set). */
function phpRun(root, url, code, args) {
  const { host, port, pathname } = new URL(url);
  const prelude = `<?php
$_SERVER['HTTP_HOST']   = ${JSON.stringify(host)};
$_SERVER['SERVER_NAME'] = '127.0.0.1';
$_SERVER['SERVER_PORT'] = ${JSON.stringify(port)};
$_SERVER['REQUEST_URI'] = ${JSON.stringify(pathname)};
$_SERVER['REQUEST_METHOD'] = 'GET';
$args = json_decode( ${phpString(JSON.stringify(args))}, true );
const ABSPATH_LOAD = ${phpString(`${root}/wp-load.php`)};
`;
  const run = spawnSync('php', ['-d', 'display_errors=stderr'], {
    cwd: root,
    input: `${prelude}${code}`,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (run.status !== 0)
    throw new Error(`php failed (${run.status}):\n${run.stdout}\n${run.stderr}`);
  return run.stdout;
}

const phpString = (text) => `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

/** Creates the database, installs WordPress (pretty permalinks: /wp-json/ needs them). */
const INSTALL = `
define( 'WP_INSTALLING', true );
$config = file_get_contents( dirname( ABSPATH_LOAD ) . '/wp-config.php' );
preg_match( "/'DB_HOST', 'localhost:([^']+)'/", $config, $m );
$db = new mysqli( 'localhost', 'root', '', '', 0, $m[1] );
$db->query( 'CREATE DATABASE IF NOT EXISTS wordpress CHARACTER SET utf8mb4' );
$db->close();
require ABSPATH_LOAD;
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
$admin_password = wp_generate_password( 24, false );
$installed = wp_install( 'Kaleyra call tests', 'administrator', 'administrator@example.com', true, '', $admin_password );
global $wp_rewrite;
$wp_rewrite->set_permalink_structure( '/%postname%/' );
update_option( 'rewrite_rules', '' );
$admin_id = (int) $installed['user_id'];
update_option( 'siteurl', $args['url'] );
update_option( 'home', $args['url'] );
`;

/** Multisite (sub-directories): the network's tables, then MULTISITE on from the next load. */
const NETWORK = `
require_once ABSPATH . 'wp-admin/includes/network.php';
foreach ( $wpdb->tables( 'ms_global' ) as $table => $prefixed ) {
	$wpdb->$table = $prefixed;
}
install_network();
$result = populate_network( 1, '127.0.0.1:' . $_SERVER['SERVER_PORT'], 'administrator@example.com', 'Kaleyra call tests', '/', false );
if ( is_wp_error( $result ) ) {
	fwrite( STDERR, $result->get_error_message() );
	exit( 1 );
}
file_put_contents( ABSPATH . 'network.flag', '1' );
`;

/** One user per role (the administrator exists), each with a password and an application password. */
const USERS = `
$users = array();
foreach ( $args['roles'] as $role ) {
	$password = wp_generate_password( 24, false );
	if ( 'administrator' === $role ) {
		$id = $admin_id;
		wp_set_password( $password, $id );
	} else {
		$id = wp_insert_user( array( 'user_login' => $role, 'user_pass' => $password, 'user_email' => $role . '@example.com', 'role' => $role ) );
	}
	list( $app_password ) = WP_Application_Passwords::create_new_application_password( $id, array( 'name' => 'tests' ) );
	$users[ $role ] = array( 'id' => $id, 'login' => 'administrator' === $role ? 'administrator' : $role, 'password' => $password, 'appPassword' => $app_password );
}
echo wp_json_encode( array( 'users' => $users ) );
`;

async function rest(url, user, method, path, body) {
  const headers = { accept: 'application/json' };
  if (user) {
    headers.authorization = `Basic ${Buffer.from(`${user.login}:${user.appPassword}`).toString('base64')}`;
  }
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${url}/wp-json${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, json, text };
}

/** Polls `check` until it is true. */
async function waitFor(check, what, details = () => '') {
  const deadline = Date.now() + READY_MS;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // Not there yet.
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}\n${details()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

function signal(child, name) {
  try {
    process.kill(-child.pid, name);
  } catch {
    // Already gone.
  }
}

/** SIGTERM, then SIGKILL if it lingers; resolves once it has exited. */
async function end(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  signal(child, 'SIGTERM');
  const timer = setTimeout(() => signal(child, 'SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
