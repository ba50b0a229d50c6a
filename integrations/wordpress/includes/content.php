<?php
/**
 * The block `kaleyra-call/call` (dynamic: its markup is made here at view time, so what
 * the post stores is only its comment and attributes) and the `[kaleyra_call]` shortcode,
 * both drawn by kaleyra_call_render().
 *
 * @package KaleyraCall
 */

defined( 'ABSPATH' ) || exit;

/** The block (block.json) and the shortcode. */
function kaleyra_call_register_content(): void {
	register_block_type(
		KALEYRA_CALL_DIR,
		array( 'render_callback' => 'kaleyra_call_render_block' )
	);
	add_shortcode( 'kaleyra_call', 'kaleyra_call_render_shortcode' );
}

/**
 * The block at view time. An attribute the block does not declare (a `tokenEndpoint`
 * typed into the post's code, say) reaches this function too, and is ignored.
 *
 * @param array<string, mixed> $attributes The block's attributes.
 */
function kaleyra_call_render_block( $attributes ): string {
	$element = kaleyra_call_render( is_array( $attributes ) ? $attributes : array(), 'block' );
	if ( '' === $element ) {
		return '';
	}
	return sprintf( '<div %s>%s</div>', get_block_wrapper_attributes(), $element );
}

/**
 * `[kaleyra_call call_with="…" chat_with="…" join_url="…" label="…" connect="…" language="…" tools="…" placement="…"]`.
 * Other attributes, `token_endpoint` among them, are dropped by shortcode_atts().
 *
 * @param array<string, string>|string $atts The shortcode's attributes ('' when none).
 */
function kaleyra_call_render_shortcode( $atts ): string {
	$atts = shortcode_atts(
		array(
			'call_with' => '',
			'chat_with' => '',
			'join_url'  => '',
			'label'     => '',
			'connect'   => '',
			'language'  => '',
			'tools'     => '',
			'placement' => '',
		),
		is_array( $atts ) ? $atts : array(),
		'kaleyra_call'
	);
	return kaleyra_call_render(
		array(
			'callWith'  => $atts['call_with'],
			'chatWith'  => $atts['chat_with'],
			'joinUrl'   => $atts['join_url'],
			'label'     => $atts['label'],
			'connect'   => $atts['connect'],
			'language'  => $atts['language'],
			'tools'     => $atts['tools'],
			'placement' => $atts['placement'],
		),
		'shortcode'
	);
}
