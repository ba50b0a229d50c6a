<?php
/**
 * Settings → Video call (manage_options only), through the Settings API: the form posts
 * to options.php, which checks the nonce and the capability, and every value passes its
 * sanitize callback there and in the REST API (`/wp/v2/settings`, also manage_options).
 *
 * @package KaleyraCall
 */

defined( 'ABSPATH' ) || exit;

/** The options, with their sanitize callbacks and REST schema. */
function kaleyra_call_register_settings(): void {
	register_setting(
		'kaleyra_call',
		'kaleyra_call_token_endpoint',
		array(
			'type'              => 'string',
			'description'       => __( 'The token endpoint the Video call element asks for access tokens.', 'kaleyra-call' ),
			'default'           => '',
			// The REST API answers 400 to a value that fails this; the sanitize callback
			// checks again, for the settings form and for update_option() from code.
			'show_in_rest'      => array(
				'schema' => array(
					'type'    => 'string',
					'pattern' => '^$|^https://[^\\s<>"\'`\\\\]+$|^http://(localhost|127\\.0\\.0\\.1|\\[::1\\])(:[0-9]{1,5})?(/[^\\s<>"\'`\\\\]*)?$',
				),
			),
			'sanitize_callback' => 'kaleyra_call_sanitize_endpoint',
		)
	);
	register_setting(
		'kaleyra_call',
		'kaleyra_call_language',
		array(
			'type'              => 'string',
			'description'       => __( 'The language of the Video call element: en, it, es, or empty for the site language.', 'kaleyra-call' ),
			'default'           => '',
			'show_in_rest'      => array(
				'schema' => array(
					'type' => 'string',
					'enum' => array_merge( array( '' ), KALEYRA_CALL_LANGUAGES ),
				),
			),
			'sanitize_callback' => 'kaleyra_call_sanitize_language',
		)
	);
	register_setting(
		'kaleyra_call',
		'kaleyra_call_launcher',
		array(
			'type'              => 'boolean',
			'description'       => __( 'Show a floating Video call launcher on every page.', 'kaleyra-call' ),
			'default'           => false,
			'show_in_rest'      => true,
			'sanitize_callback' => 'rest_sanitize_boolean',
		)
	);
	register_setting(
		'kaleyra_call',
		'kaleyra_call_launcher_call_with',
		array(
			'type'              => 'string',
			'description'       => __( 'The user id the floating launcher calls.', 'kaleyra-call' ),
			'default'           => '',
			'show_in_rest'      => array(
				'schema' => array(
					'type'    => 'string',
					'pattern' => '^$|^' . KALEYRA_CALL_USER_ID . '$',
				),
			),
			'sanitize_callback' => 'kaleyra_call_sanitize_launcher_target',
		)
	);
	register_setting(
		'kaleyra_call',
		'kaleyra_call_launcher_label',
		array(
			'type'              => 'string',
			'description'       => __( 'The text of the floating launcher.', 'kaleyra-call' ),
			'default'           => '',
			'show_in_rest'      => true,
			'sanitize_callback' => 'kaleyra_call_label',
		)
	);
}

/**
 * An https URL (or http on localhost), or empty; anything else is refused with a
 * settings error and the option keeps its value.
 *
 * @param mixed $value The submitted value.
 */
function kaleyra_call_sanitize_endpoint( $value ): string {
	$value = is_string( $value ) ? trim( $value ) : '';
	if ( '' === $value || kaleyra_call_is_endpoint( $value ) ) {
		return $value;
	}
	kaleyra_call_settings_error(
		'kaleyra_call_token_endpoint',
		__( 'The token endpoint was not saved: it must be an https:// URL (http:// only on localhost, 127.0.0.1 or [::1]).', 'kaleyra-call' )
	);
	return kaleyra_call_endpoint();
}

/**
 * En, it, es, or empty (the site's language).
 *
 * @param mixed $value The submitted value.
 */
function kaleyra_call_sanitize_language( $value ): string {
	return kaleyra_call_one_of( $value, KALEYRA_CALL_LANGUAGES );
}

/**
 * A user id, or empty; anything else is refused with a settings error.
 *
 * @param mixed $value The submitted value.
 */
function kaleyra_call_sanitize_launcher_target( $value ): string {
	$text = is_scalar( $value ) ? trim( (string) $value ) : '';
	if ( '' === $text ) {
		return '';
	}
	$id = kaleyra_call_user_id( $text );
	if ( '' !== $id ) {
		return $id;
	}
	kaleyra_call_settings_error(
		'kaleyra_call_launcher_call_with',
		__( 'The user to call was not saved: use 1 to 128 letters, digits, dots, dashes or underscores.', 'kaleyra-call' )
	);
	$previous = get_option( 'kaleyra_call_launcher_call_with', '' );
	return is_string( $previous ) ? $previous : '';
}

/**
 * A settings error for the form, once (WordPress runs a sanitize callback twice when it
 * adds an option). Outside wp-admin (the REST API, code) there is no form to tell.
 *
 * @param string $setting The option.
 * @param string $message The error.
 */
function kaleyra_call_settings_error( string $setting, string $message ): void {
	if ( ! function_exists( 'add_settings_error' ) ) {
		return;
	}
	foreach ( get_settings_errors( $setting ) as $error ) {
		if ( $error['message'] === $message ) {
			return;
		}
	}
	add_settings_error( $setting, $setting . '_invalid', $message, 'error' );
}

/** The saved token endpoint, or '' when none (or one that no longer passes the check). */
function kaleyra_call_endpoint(): string {
	$endpoint = get_option( 'kaleyra_call_token_endpoint', '' );
	return is_string( $endpoint ) && kaleyra_call_is_endpoint( $endpoint ) ? $endpoint : '';
}

/** The element's language by default: the setting, else the site's. */
function kaleyra_call_default_language(): string {
	$language = kaleyra_call_one_of( get_option( 'kaleyra_call_language', '' ), KALEYRA_CALL_LANGUAGES );
	return '' !== $language ? $language : kaleyra_call_site_language();
}

/** Settings → Video call. */
function kaleyra_call_add_settings_page(): void {
	add_options_page(
		__( 'Video call', 'kaleyra-call' ),
		__( 'Video call', 'kaleyra-call' ),
		'manage_options',
		'kaleyra-call',
		'kaleyra_call_render_settings_page'
	);
}

/** The page's sections and fields. */
function kaleyra_call_add_settings_fields(): void {
	add_settings_section( 'kaleyra_call_connection', __( 'Connection', 'kaleyra-call' ), 'kaleyra_call_connection_intro', 'kaleyra-call' );
	add_settings_field(
		'kaleyra_call_token_endpoint',
		__( 'Token endpoint', 'kaleyra-call' ),
		'kaleyra_call_endpoint_field',
		'kaleyra-call',
		'kaleyra_call_connection',
		array( 'label_for' => 'kaleyra_call_token_endpoint' )
	);
	add_settings_field(
		'kaleyra_call_language',
		__( 'Language', 'kaleyra-call' ),
		'kaleyra_call_language_field',
		'kaleyra-call',
		'kaleyra_call_connection',
		array( 'label_for' => 'kaleyra_call_language' )
	);
	add_settings_section( 'kaleyra_call_launcher', __( 'Floating launcher', 'kaleyra-call' ), 'kaleyra_call_launcher_intro', 'kaleyra-call' );
	add_settings_field(
		'kaleyra_call_launcher',
		__( 'On every page', 'kaleyra-call' ),
		'kaleyra_call_launcher_field',
		'kaleyra-call',
		'kaleyra_call_launcher',
		array( 'label_for' => 'kaleyra_call_launcher' )
	);
	add_settings_field(
		'kaleyra_call_launcher_call_with',
		__( 'User to call', 'kaleyra-call' ),
		'kaleyra_call_launcher_target_field',
		'kaleyra-call',
		'kaleyra_call_launcher',
		array( 'label_for' => 'kaleyra_call_launcher_call_with' )
	);
	add_settings_field(
		'kaleyra_call_launcher_label',
		__( 'Launcher text', 'kaleyra-call' ),
		'kaleyra_call_launcher_label_field',
		'kaleyra-call',
		'kaleyra_call_launcher',
		array( 'label_for' => 'kaleyra_call_launcher_label' )
	);
}

/** The page. */
function kaleyra_call_render_settings_page(): void {
	if ( ! current_user_can( 'manage_options' ) ) {
		return;
	}
	?>
	<div class="wrap">
		<h1><?php echo esc_html( get_admin_page_title() ); ?></h1>
		<form action="<?php echo esc_url( admin_url( 'options.php' ) ); ?>" method="post">
			<?php
			settings_fields( 'kaleyra_call' );
			do_settings_sections( 'kaleyra-call' );
			submit_button();
			?>
		</form>
	</div>
	<?php
}

/** What the connection settings are for. */
function kaleyra_call_connection_intro(): void {
	echo '<p>' . esc_html__( 'Video call blocks and [kaleyra_call] shortcodes ask this endpoint for access tokens. Only administrators set it: editors choose whom visitors call, never where tokens come from. Until it is set, blocks show nothing to visitors.', 'kaleyra-call' ) . '</p>';
	echo '<p>' . esc_html(
		sprintf(
			/* translators: %s: this site's origin, e.g. https://www.example.com */
			__( 'Add %s to the token worker\'s ALLOWED_ORIGINS.', 'kaleyra-call' ),
			kaleyra_call_site_origin()
		)
	) . '</p>';
}

/** What the floating launcher is. */
function kaleyra_call_launcher_intro(): void {
	echo '<p>' . esc_html__( 'A launcher fixed in the bottom corner of every page of the site, which calls one user.', 'kaleyra-call' ) . '</p>';
}

/** The token endpoint field. */
function kaleyra_call_endpoint_field(): void {
	printf(
		'<input type="url" class="regular-text code" id="kaleyra_call_token_endpoint" name="kaleyra_call_token_endpoint" value="%s" placeholder="https://token.example.com/v1/token" aria-describedby="kaleyra_call_token_endpoint_help" />',
		esc_attr( (string) get_option( 'kaleyra_call_token_endpoint', '' ) )
	);
	echo '<p class="description" id="kaleyra_call_token_endpoint_help">' . esc_html__( 'An https:// URL, such as your token worker\'s /v1/token.', 'kaleyra-call' ) . '</p>';
}

/** The language field. */
function kaleyra_call_language_field(): void {
	$current = (string) get_option( 'kaleyra_call_language', '' );
	$choices = array(
		'' => sprintf(
			/* translators: %s: a language name, e.g. English */
			__( 'The site language (%s)', 'kaleyra-call' ),
			kaleyra_call_language_name( kaleyra_call_site_language() )
		),
	);
	foreach ( KALEYRA_CALL_LANGUAGES as $language ) {
		$choices[ $language ] = kaleyra_call_language_name( $language );
	}
	echo '<select id="kaleyra_call_language" name="kaleyra_call_language">';
	foreach ( $choices as $value => $name ) {
		printf( '<option value="%s"%s>%s</option>', esc_attr( $value ), selected( $current, $value, false ), esc_html( $name ) );
	}
	echo '</select>';
	echo '<p class="description">' . esc_html__( 'The language of the launcher and the call window. A block may choose another.', 'kaleyra-call' ) . '</p>';
}

/** The launcher's switch. */
function kaleyra_call_launcher_field(): void {
	printf(
		'<label><input type="checkbox" id="kaleyra_call_launcher" name="kaleyra_call_launcher" value="1"%s /> %s</label>',
		checked( (bool) get_option( 'kaleyra_call_launcher', false ), true, false ),
		esc_html__( 'Show the floating launcher on every page', 'kaleyra-call' )
	);
}

/** The launcher's call target. */
function kaleyra_call_launcher_target_field(): void {
	printf(
		'<input type="text" class="regular-text code" id="kaleyra_call_launcher_call_with" name="kaleyra_call_launcher_call_with" value="%s" pattern="%s" />',
		esc_attr( (string) get_option( 'kaleyra_call_launcher_call_with', '' ) ),
		esc_attr( KALEYRA_CALL_USER_ID )
	);
	echo '<p class="description">' . esc_html__( 'The Kaleyra user id visitors call (required for the launcher).', 'kaleyra-call' ) . '</p>';
}

/** The launcher's text. */
function kaleyra_call_launcher_label_field(): void {
	printf(
		'<input type="text" class="regular-text" id="kaleyra_call_launcher_label" name="kaleyra_call_launcher_label" value="%s" maxlength="%d" placeholder="%s" />',
		esc_attr( (string) get_option( 'kaleyra_call_launcher_label', '' ) ),
		(int) KALEYRA_CALL_LABEL_MAX,
		esc_attr__( 'Video call', 'kaleyra-call' )
	);
}

/**
 * A language's name, in the admin's language.
 *
 * @param string $language En, it or es.
 */
function kaleyra_call_language_name( string $language ): string {
	switch ( $language ) {
		case 'it':
			return __( 'Italian', 'kaleyra-call' );
		case 'es':
			return __( 'Spanish', 'kaleyra-call' );
		default:
			return __( 'English', 'kaleyra-call' );
	}
}

/** This site's origin (scheme, host, port), as a token worker's ALLOWED_ORIGINS lists it. */
function kaleyra_call_site_origin(): string {
	$parts  = wp_parse_url( home_url() );
	$origin = ( $parts['scheme'] ?? 'https' ) . '://' . ( $parts['host'] ?? '' );
	return isset( $parts['port'] ) ? $origin . ':' . $parts['port'] : $origin;
}
