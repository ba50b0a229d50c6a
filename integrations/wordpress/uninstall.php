<?php
/**
 * Deleting the plugin removes its options (on a network, from every site).
 *
 * @package KaleyraCall
 */

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

$kaleyra_call_options = array(
	'kaleyra_call_token_endpoint',
	'kaleyra_call_language',
	'kaleyra_call_launcher',
	'kaleyra_call_launcher_call_with',
	'kaleyra_call_launcher_label',
);

if ( is_multisite() ) {
	foreach ( get_sites( array( 'fields' => 'ids', 'number' => 0 ) ) as $kaleyra_call_site ) {
		switch_to_blog( (int) $kaleyra_call_site );
		array_map( 'delete_option', $kaleyra_call_options );
		restore_current_blog();
	}
} else {
	array_map( 'delete_option', $kaleyra_call_options );
}
