<?php
/**
 * The one renderer of `<kaleyra-call>`, for the block, the shortcode and the floating
 * launcher. Editors' values are checked one by one (includes/values.php); the token
 * endpoint comes from the settings alone, so no block, shortcode or post content can
 * send visitors' token requests elsewhere.
 *
 * @package KaleyraCall
 */

defined( 'ABSPATH' ) || exit;

/**
 * The element for these values (camelCase keys: callWith, chatWith, joinUrl, label,
 * connect, language, tools, placement; any other key is ignored), or '' when there is
 * nothing to show. Enqueues the element's script when it prints the element.
 *
 * @param array<string, mixed> $values  The block's attributes or the shortcode's.
 * @param string               $context 'block', 'shortcode' or 'launcher'.
 */
function kaleyra_call_render( array $values, string $context ): string {
	$endpoint = kaleyra_call_endpoint();
	if ( '' === $endpoint ) {
		return kaleyra_call_missing_endpoint_notice();
	}

	$attributes = array(
		'token-endpoint' => $endpoint,
		'call-with'      => kaleyra_call_user_id( $values['callWith'] ?? '' ),
		'chat-with'      => kaleyra_call_user_id( $values['chatWith'] ?? '' ),
		'join-url'       => kaleyra_call_join_url( $values['joinUrl'] ?? '' ),
		'label'          => kaleyra_call_label( $values['label'] ?? '' ),
		'connect'        => kaleyra_call_one_of( $values['connect'] ?? '', KALEYRA_CALL_CONNECT ),
		'language'       => kaleyra_call_one_of( $values['language'] ?? '', KALEYRA_CALL_LANGUAGES ),
		'tools'          => kaleyra_call_tools( $values['tools'] ?? '' ),
		'placement'      => kaleyra_call_one_of( $values['placement'] ?? '', KALEYRA_CALL_PLACEMENTS ),
	);
	if ( '' === $attributes['connect'] ) {
		// On a content page the launcher waits for the visitor: no token before a click.
		$attributes['connect'] = 'click';
	}
	if ( '' === $attributes['language'] ) {
		$attributes['language'] = kaleyra_call_default_language();
	}
	if ( '' === $attributes['placement'] ) {
		$attributes['placement'] = 'inline';
	}

	/**
	 * Filters the attributes of one `<kaleyra-call>` before it is printed: site code (a
	 * plugin or must-use plugin an administrator installs) may add or change any
	 * attribute, e.g. `sdk-src` and `sdk-integrity` for a self-hosted SDK under a strict
	 * Content Security Policy, or `challenge-src`. Null or false removes an attribute,
	 * true prints it without a value.
	 *
	 * @param array<string, string|bool|null> $attributes Attribute name → value.
	 * @param string                          $context    'block', 'shortcode' or 'launcher'.
	 */
	$attributes = apply_filters( 'kaleyra_call_element_attributes', $attributes, $context );

	$html = '';
	// Attribute names as HTML spells them, and never an event handler (`on…`), whatever a
	// filter returns.
	foreach ( is_array( $attributes ) ? $attributes : array() as $name => $value ) {
		if ( ! is_string( $name ) || ! preg_match( '/^[a-z][a-z0-9-]*$/', $name ) || str_starts_with( $name, 'on' ) ) {
			continue;
		}
		if ( true === $value ) {
			$html .= ' ' . $name;
		} elseif ( is_scalar( $value ) && false !== $value && '' !== (string) $value ) {
			$html .= sprintf( ' %s="%s"', $name, esc_attr( (string) $value ) );
		}
	}

	if ( 'floating' === ( $attributes['placement'] ?? '' ) ) {
		kaleyra_call_floating_printed( true );
	}
	wp_enqueue_script( 'kaleyra-call' );
	return '<kaleyra-call' . $html . '></kaleyra-call>';
}

/**
 * Whether this page already has a floating launcher (a block or shortcode placed one):
 * then the site's own launcher stays out, and the page has one launcher in its corner.
 *
 * @param bool $printed True to record that one was printed.
 */
function kaleyra_call_floating_printed( bool $printed = false ): bool {
	static $done = false;
	$done = $done || $printed;
	return $done;
}

/** Until the endpoint is set: nothing for visitors, a short notice for administrators. */
function kaleyra_call_missing_endpoint_notice(): string {
	if ( ! current_user_can( 'manage_options' ) ) {
		return '';
	}
	return sprintf(
		'<p class="kaleyra-call-notice">%s <a href="%s">%s</a></p>',
		esc_html__( 'Video call: visitors see nothing here until the token endpoint is set.', 'kaleyra-call' ),
		esc_url( admin_url( 'options-general.php?page=kaleyra-call' ) ),
		esc_html__( 'Settings → Video call', 'kaleyra-call' )
	);
}

/** The floating launcher of every page, when it is on (wp_footer). */
function kaleyra_call_print_launcher(): void {
	if ( ! get_option( 'kaleyra_call_launcher', false ) || kaleyra_call_floating_printed() ) {
		return;
	}
	$call_with = kaleyra_call_user_id( get_option( 'kaleyra_call_launcher_call_with', '' ) );
	if ( '' === $call_with ) {
		return;
	}
	$html = kaleyra_call_render(
		array(
			'callWith'  => $call_with,
			'label'     => get_option( 'kaleyra_call_launcher_label', '' ),
			'placement' => 'floating',
		),
		'launcher'
	);
	if ( '' !== $html ) {
		echo '<div class="kaleyra-call-launcher">' . $html . '</div>'; // phpcs:ignore WordPress.Security.EscapeOutput.OutputNotEscaped -- every attribute escaped by kaleyra_call_render().
	}
}
