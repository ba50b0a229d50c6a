<?php
/**
 * What the element accepts, and the checks every value passes before it is printed.
 * Block attributes and shortcode attributes are written by any editor, so each one
 * is checked against these lists; a value that fails is left out, never passed on.
 *
 * @package KaleyraCall
 */

defined( 'ABSPATH' ) || exit;

const KALEYRA_CALL_CONNECT    = array( 'auto', 'visible', 'click', 'manual' );
const KALEYRA_CALL_PLACEMENTS = array( 'inline', 'floating' );
const KALEYRA_CALL_LANGUAGES  = array( 'en', 'it', 'es' );
const KALEYRA_CALL_TOOLS      = array( 'chat', 'screen_sharing', 'file_upload', 'whiteboard', 'snapshot', 'live_edit', 'live_pointer' );
const KALEYRA_CALL_LABEL_MAX  = 80;
/** A Kaleyra user id, as PHP, the REST schema and an HTML `pattern` (hence `\-`) all read it. */
const KALEYRA_CALL_USER_ID = '[A-Za-z0-9._\\-]{1,128}';

/**
 * A token endpoint the element may be pointed at: an https URL, or http on this machine
 * (localhost, 127.0.0.1, [::1]) for development. No user name or password in it.
 *
 * @param mixed $url The candidate.
 */
function kaleyra_call_is_endpoint( $url ): bool {
	if ( ! is_string( $url ) || '' === $url || strlen( $url ) > 2048 || preg_match( '/[\s<>"\'`\\\\]/', $url ) ) {
		return false;
	}
	$parts = wp_parse_url( $url );
	if ( ! is_array( $parts ) || empty( $parts['scheme'] ) || empty( $parts['host'] ) ) {
		return false;
	}
	if ( isset( $parts['user'] ) || isset( $parts['pass'] ) ) {
		return false;
	}
	$scheme = strtolower( $parts['scheme'] );
	$host   = strtolower( $parts['host'] );
	if ( 'https' === $scheme ) {
		return true;
	}
	return 'http' === $scheme && in_array( $host, array( 'localhost', '127.0.0.1', '[::1]' ), true );
}

/**
 * A Kaleyra user id as the element accepts it, or '' when the value is not one.
 *
 * @param mixed $value The candidate.
 */
function kaleyra_call_user_id( $value ): string {
	$value = is_scalar( $value ) ? trim( (string) $value ) : '';
	return preg_match( '/^' . KALEYRA_CALL_USER_ID . '$/', $value ) ? $value : '';
}

/**
 * A room link: https only, or '' when the value is not one.
 *
 * @param mixed $value The candidate.
 */
function kaleyra_call_join_url( $value ): string {
	$value = is_scalar( $value ) ? trim( (string) $value ) : '';
	if ( '' === $value || strlen( $value ) > 2048 || preg_match( '/[\s<>"\'`\\\\]/', $value ) ) {
		return '';
	}
	$parts = wp_parse_url( $value );
	$ok    = is_array( $parts ) && isset( $parts['scheme'], $parts['host'] )
		&& 'https' === strtolower( $parts['scheme'] ) && ! isset( $parts['user'] ) && ! isset( $parts['pass'] );
	return $ok ? $value : '';
}

/**
 * One of `$allowed`, or '' when the value is none of them.
 *
 * @param mixed    $value   The candidate.
 * @param string[] $allowed The allowed values.
 */
function kaleyra_call_one_of( $value, array $allowed ): string {
	$value = is_scalar( $value ) ? strtolower( trim( (string) $value ) ) : '';
	return in_array( $value, $allowed, true ) ? $value : '';
}

/**
 * The allowed tools among a space- or comma-separated list, each once, in the list's order.
 *
 * @param mixed $value The candidate.
 */
function kaleyra_call_tools( $value ): string {
	$value = is_scalar( $value ) ? strtolower( (string) $value ) : '';
	$tools = preg_split( '/[\s,]+/', $value, -1, PREG_SPLIT_NO_EMPTY );
	$tools = array_values( array_unique( array_intersect( is_array( $tools ) ? $tools : array(), KALEYRA_CALL_TOOLS ) ) );
	return implode( ' ', $tools );
}

/**
 * The launcher's text: plain text on one line, at most KALEYRA_CALL_LABEL_MAX characters.
 *
 * @param mixed $value The candidate.
 */
function kaleyra_call_label( $value ): string {
	$value = is_scalar( $value ) ? sanitize_text_field( (string) $value ) : '';
	return mb_substr( $value, 0, KALEYRA_CALL_LABEL_MAX );
}

/** The site's language as the element knows it: en, it or es (anything else: en). */
function kaleyra_call_site_language(): string {
	$language = strtolower( substr( get_locale(), 0, 2 ) );
	return in_array( $language, KALEYRA_CALL_LANGUAGES, true ) ? $language : 'en';
}
