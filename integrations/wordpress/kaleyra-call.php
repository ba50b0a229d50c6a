<?php
/**
 * Plugin Name:       Kaleyra Video call
 * Description:       A "Video call" block and a [kaleyra_call] shortcode that every editor can place: visitors start a Kaleyra Video call or chat from the page. The site's token endpoint is set once, by an administrator.
 * Version:           0.1.0
 * Requires at least: 6.1
 * Requires PHP:      8.1
 * Author:            kaleyra-call
 * License:           MIT
 * License URI:       https://opensource.org/licenses/MIT
 * Text Domain:       kaleyra-call
 * Domain Path:       /languages
 *
 * @package KaleyraCall
 */

defined( 'ABSPATH' ) || exit;

define( 'KALEYRA_CALL_VERSION', '0.1.0' );
define( 'KALEYRA_CALL_FILE', __FILE__ );
define( 'KALEYRA_CALL_DIR', __DIR__ );

require_once __DIR__ . '/includes/values.php';
require_once __DIR__ . '/includes/settings.php';
require_once __DIR__ . '/includes/render.php';
require_once __DIR__ . '/includes/assets.php';
require_once __DIR__ . '/includes/content.php';

add_action( 'init', 'kaleyra_call_load_textdomain', 0 );
add_action( 'init', 'kaleyra_call_register_settings' );
add_action( 'init', 'kaleyra_call_register_scripts' );
add_action( 'init', 'kaleyra_call_register_content' );
add_action( 'admin_menu', 'kaleyra_call_add_settings_page' );
add_action( 'admin_init', 'kaleyra_call_add_settings_fields' );
add_action( 'wp_footer', 'kaleyra_call_print_launcher', 5 );
add_filter( 'script_loader_tag', 'kaleyra_call_script_tag', 10, 2 );
add_filter( 'plugin_action_links_' . plugin_basename( __FILE__ ), 'kaleyra_call_action_links' );

/** Translations shipped in languages/ (the plugin is not hosted on WordPress.org). */
function kaleyra_call_load_textdomain(): void {
	load_plugin_textdomain( 'kaleyra-call', false, dirname( plugin_basename( KALEYRA_CALL_FILE ) ) . '/languages' );
}

/**
 * "Settings" next to "Deactivate" on the Plugins screen.
 *
 * @param array<string, string> $links The row's links.
 * @return array<string, string>
 */
function kaleyra_call_action_links( array $links ): array {
	if ( current_user_can( 'manage_options' ) ) {
		$links['settings'] = sprintf(
			'<a href="%s">%s</a>',
			esc_url( admin_url( 'options-general.php?page=kaleyra-call' ) ),
			esc_html__( 'Settings', 'kaleyra-call' )
		);
	}
	return $links;
}
