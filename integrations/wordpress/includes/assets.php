<?php
/**
 * The element's script, served from this plugin's folder (assets/, copied there by the
 * build with the element's own file names), and the block's editor script (build/).
 * The element's bundle loads its runtime file from beside itself, with the hash the
 * build wrote into it; the bundle's own hash comes from assets/integrity.php.
 *
 * @package KaleyraCall
 */

defined( 'ABSPATH' ) || exit;

/** Registered only: the renderer enqueues the element on the pages that print it. */
function kaleyra_call_register_scripts(): void {
	wp_register_script(
		'kaleyra-call',
		plugins_url( 'assets/kaleyra-call.iife.js', KALEYRA_CALL_FILE ),
		array(),
		KALEYRA_CALL_VERSION,
		// WordPress 6.3+ reads the strategy; 6.1 and 6.2 take the array as "in the footer",
		// and kaleyra_call_script_tag() adds `defer` there.
		array(
			'in_footer' => true,
			'strategy'  => 'defer',
		)
	);
	wp_register_script(
		'kaleyra-call-editor',
		plugins_url( 'build/editor.js', KALEYRA_CALL_FILE ),
		array( 'wp-blocks', 'wp-element', 'wp-block-editor', 'wp-components', 'wp-i18n' ),
		KALEYRA_CALL_VERSION,
		false
	);
	wp_set_script_translations( 'kaleyra-call-editor', 'kaleyra-call', KALEYRA_CALL_DIR . '/languages' );
}

/**
 * The SRI hash of a file in assets/, or '' when the build wrote none.
 *
 * @param string $file A file name in assets/.
 */
function kaleyra_call_integrity( string $file ): string {
	static $hashes = null;
	if ( null === $hashes ) {
		$path   = KALEYRA_CALL_DIR . '/assets/integrity.php';
		$hashes = is_readable( $path ) ? include $path : array();
	}
	return is_array( $hashes ) && isset( $hashes[ $file ] ) && is_string( $hashes[ $file ] ) ? $hashes[ $file ] : '';
}

/**
 * What the element's script tag says to every element of the page: the settings' token
 * endpoint and, from the developers' filter (context 'script'), where the SDK, the
 * challenge and the call page come from. The element takes these page defaults for a
 * `<div data-kaleyra-call>` marker too, which never sets them itself: a marker an Author
 * keeps in a post still calls through the site's endpoint.
 *
 * @return array<string, string> Attribute name (without `data-`) → value.
 */
function kaleyra_call_page_defaults(): array {
	$endpoint = kaleyra_call_endpoint();
	if ( '' === $endpoint ) {
		return array();
	}
	/** This filter is documented in includes/render.php. */
	$attributes = apply_filters( 'kaleyra_call_element_attributes', array( 'token-endpoint' => $endpoint ), 'script' );
	$defaults   = array();
	foreach ( array( 'token-endpoint', 'sdk-src', 'sdk-integrity', 'challenge-src', 'call-page' ) as $name ) {
		$value = is_array( $attributes ) ? ( $attributes[ $name ] ?? null ) : null;
		if ( is_string( $value ) && '' !== $value ) {
			$defaults[ $name ] = $value;
		}
	}
	return $defaults;
}

/**
 * Adds `defer`, `integrity`, `crossorigin="anonymous"` and the page defaults
 * (kaleyra_call_page_defaults(), as `data-*`) to the element's own tag (WordPress 6.1 has
 * no API for script attributes). Only the tag whose id is `kaleyra-call-js` is changed,
 * and only attributes it does not already have are added.
 *
 * @param string $tag    The printed tag(s) of the handle.
 * @param string $handle The script handle.
 */
function kaleyra_call_script_tag( $tag, $handle ): string {
	$tag = (string) $tag;
	if ( 'kaleyra-call' !== $handle ) {
		return $tag;
	}
	$hash     = kaleyra_call_integrity( 'kaleyra-call.iife.js' );
	$defaults = kaleyra_call_page_defaults();
	return (string) preg_replace_callback(
		'/<script\b([^>]*\bid=([\'"])kaleyra-call-js\2[^>]*)>/',
		static function ( array $match ) use ( $hash, $defaults ): string {
			$attributes = $match[1];
			$add        = '';
			if ( ! preg_match( '/\s(defer|async)\b/', $attributes ) ) {
				$add .= ' defer';
			}
			if ( '' !== $hash && ! preg_match( '/\sintegrity=/', $attributes ) ) {
				$add .= sprintf( ' integrity="%s"', esc_attr( $hash ) );
			}
			if ( '' !== $hash && ! preg_match( '/\scrossorigin\b/', $attributes ) ) {
				$add .= ' crossorigin="anonymous"';
			}
			foreach ( $defaults as $name => $value ) {
				$add .= sprintf( ' data-%s="%s"', $name, esc_attr( $value ) );
			}
			return '<script' . $attributes . $add . '>';
		},
		$tag,
		1
	);
}
