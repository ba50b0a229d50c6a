#!/usr/bin/env node
/**
 * What WordPress keeps of each way to place a call, with the plugin active, by who saves the
 * post: the README's snippet (`<script>` + `<kaleyra-call>`), a `<div data-kaleyra-call …>`
 * marker, the shortcode and the block. Each is saved through the REST API with the user's
 * application password; the cell says whether the stored content is what was sent, and for
 * the shortcode and the block whether the page then holds a `<kaleyra-call>`. Single site
 * (administrator, editor, author, contributor) and a sub-directory network (the super admin;
 * a sub-site's administrator, editor, author, contributor).
 *
 *   node test/wordpress/measure-kses.mjs   (after `npm run build`; prints a Markdown table)
 *
 * Not part of `npm test`: it measures WordPress, it asserts nothing about our code.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ROLES, ensureWordPress, freePort, startWordPress } from './support/wordpress.mjs';

const ZIP = resolve(import.meta.dirname, '../../dist/kaleyra-call-wordpress.zip');
const ENDPOINT = 'https://token.example.com/v1/token';

const WAY_SNIPPET = 'README snippet (`<script>` + `<kaleyra-call>`)';
const WAY_MARKER = '`<div data-…>`';
const WAYS = {
  [WAY_SNIPPET]: `<script src="https://cdn.jsdelivr.net/npm/kaleyra-call@0.1.0/dist/kaleyra-call.iife.js" integrity="sha384-x" crossorigin="anonymous" defer></script>\n<kaleyra-call token-endpoint="${ENDPOINT}" call-with="dr_rossi"></kaleyra-call>`,
  [WAY_MARKER]: `<div data-kaleyra-call data-token-endpoint="${ENDPOINT}" data-call-with="dr_rossi"></div>`,
  'shortcode text': '[kaleyra_call call_with="dr_rossi"]',
  block: '<!-- wp:kaleyra-call/call {"callWith":"dr_rossi"} /-->',
};

/** The zip, unpacked into the plugins folder as Plugins → Add New → Upload does. */
const INSTALL_PLUGIN = `
require_once ABSPATH . 'wp-admin/includes/plugin.php';
require_once ABSPATH . 'wp-admin/includes/file.php';
WP_Filesystem();
$unzipped = unzip_file( ${JSON.stringify(ZIP)}, WP_PLUGIN_DIR );
if ( is_wp_error( $unzipped ) ) { fwrite( STDERR, $unzipped->get_error_message() ); exit( 1 ); }
`;

if (!existsSync(ZIP)) {
  console.error(`${ZIP} is missing: run \`npm run build\` first.`);
  process.exit(1);
}
if (!ensureWordPress()) process.exit(1);

const rows = [];
await measure({ multisite: false });
await measure({ multisite: true });

console.log(`| who saves the post | ${Object.keys(WAYS).join(' | ')} |`);
console.log(
  `| --- | ${Object.keys(WAYS)
    .map(() => '---')
    .join(' | ')} |`,
);
for (const row of rows) console.log(`| ${row.join(' | ')} |`);

async function measure({ multisite }) {
  const wp = await startWordPress({ port: await freePort(), multisite });
  try {
    /** Who saves → the REST base of the site they save on. */
    let savers;
    if (multisite) {
      const sub = JSON.parse(
        wp.php(
          `${INSTALL_PLUGIN}
$site = wp_insert_site( array( 'domain' => $_SERVER['HTTP_HOST'], 'path' => '/sub/', 'title' => 'Sub-site', 'user_id' => 1 ) );
if ( is_wp_error( $site ) ) { fwrite( STDERR, $site->get_error_message() ); exit( 1 ); }
// WordPress drops the port from a site's domain (networks are meant for ports 80 and 443):
// written back here, so the sub-site answers on this server's port.
$wpdb->update( $wpdb->blogs, array( 'domain' => $_SERVER['HTTP_HOST'] ), array( 'blog_id' => $site ) );
clean_blog_cache( $site );
update_blog_option( $site, 'siteurl', home_url( '/sub' ) );
update_blog_option( $site, 'home', home_url( '/sub' ) );
activate_plugin( 'kaleyra-call/kaleyra-call.php', '', true );
$password = wp_generate_password( 24, false );
$admin = wp_insert_user( array( 'user_login' => 'siteadmin', 'user_pass' => $password, 'user_email' => 'siteadmin@example.com' ) );
list( $app ) = WP_Application_Passwords::create_new_application_password( $admin, array( 'name' => 'measure' ) );
add_user_to_blog( $site, $admin, 'administrator' );
foreach ( array( 'editor', 'author', 'contributor' ) as $role ) {
	add_user_to_blog( $site, get_user_by( 'login', $role )->ID, $role );
}
update_option( 'kaleyra_call_token_endpoint', '${ENDPOINT}' );
switch_to_blog( $site );
update_option( 'kaleyra_call_token_endpoint', '${ENDPOINT}' );
// /sub/wp-json/ needs pretty permalinks, which a site made from php-cli does not get.
$wp_rewrite->set_permalink_structure( '/%postname%/' );
update_option( 'rewrite_rules', '' );
restore_current_blog();
echo wp_json_encode( array( 'login' => 'siteadmin', 'appPassword' => $app, 'super' => is_super_admin( 1 ), 'siteSuper' => is_super_admin( $admin ) ) );
`,
        ),
      );
      if (!sub.super || sub.siteSuper) throw new Error('the network is not as expected');
      wp.users.siteadmin = { ...sub, id: 0, password: '' };
      savers = [
        ['multisite: super admin', 'administrator', ''],
        ['multisite: sub-site administrator', 'siteadmin', '/sub'],
        ...ROLES.slice(1).map((role) => [`multisite: sub-site ${role}`, role, '/sub']),
      ];
    } else {
      wp.php(`${INSTALL_PLUGIN}
activate_plugin( 'kaleyra-call/kaleyra-call.php' );
update_option( 'kaleyra_call_token_endpoint', '${ENDPOINT}' );`);
      savers = ROLES.map((role) => [`single site: ${role}`, role, '']);
    }

    for (const [label, user, site] of savers) {
      const row = [label];
      for (const [way, content] of Object.entries(WAYS)) {
        row.push(await saveAndLook(wp, user, site, way, content));
      }
      rows.push(row);
    }
  } finally {
    await wp.stop();
  }
}

/** Saves `content` as `user` on `site`; says what was stored and, for ours, what renders. */
async function saveAndLook(wp, user, site, way, content) {
  const status = user === 'contributor' ? 'pending' : 'publish';
  const created = await wp.rest(
    user,
    'POST',
    '/wp/v2/posts',
    { title: way, content, status },
    site,
  );
  if (created.status !== 201) return `save refused (${created.status})`;
  const stored = created.json.content.raw;
  let cell;
  if (stored === content) cell = 'kept';
  else if (!/<script|<kaleyra-call|data-kaleyra-call|kaleyra_call|wp:kaleyra-call/.test(stored)) {
    cell = 'removed';
  } else {
    cell = `changed: \`${stored.replace(/\s+/g, ' ').slice(0, 60)}\``;
  }
  if (way !== WAY_SNIPPET && stored === content) {
    // What a visitor gets once the post is published (a contributor's, by the super admin).
    const id = created.json.id;
    if (status === 'pending') {
      await wp.rest('administrator', 'POST', `/wp/v2/posts/${id}`, { status: 'publish' }, site);
    }
    const page = await (await fetch(`${wp.url}${site}/?p=${id}`)).text();
    if (way === WAY_MARKER) {
      // The plugin loads the element only for its block, shortcode or launcher.
      cell += /kaleyra-call\.iife\.js/.test(page)
        ? ', element script loaded'
        : ', inert (no element script)';
    } else {
      const rendered = new RegExp(`<kaleyra-call [^>]*token-endpoint="${ENDPOINT}"`).test(page);
      cell += rendered ? ', renders `<kaleyra-call>`' : ', renders nothing';
    }
  }
  return cell;
}
