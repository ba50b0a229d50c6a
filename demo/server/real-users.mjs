/**
 * Real mode: Kaleyra mints tokens only for users that exist in the company
 * (docs/kaleyra-sdk-notes.md, Users), so the demo users must be there. In the sandbox
 * environment they are created when missing (`POST /v2/users`); in production
 * nothing is created (a `plus` user may be a paid seat): the missing ids are
 * listed instead. The API key stays in this process; failures are reported, not
 * fatal, since the site and worker still start.
 *
 * @param {{ apiBase: string, apiKey: string, environment: string,
 *   users: { id: string, kaleyraRole: string }[], log: (line: string) => void }} options
 */
export async function ensureRealUsers({ apiBase, apiKey, environment, users, log }) {
  const headers = { apikey: apiKey, accept: 'application/json' };
  const missing = [];
  try {
    for (const user of users) {
      const url = `${apiBase}/users/${encodeURIComponent(user.id)}`;
      const found = await fetch(url, { headers, signal: AbortSignal.timeout(5000) });
      await found.body?.cancel();
      if (found.ok) continue;
      if (found.status !== 404) throw new Error(`GET /users/${user.id} answered ${found.status}`);
      if (environment !== 'sandbox') {
        missing.push(user.id);
        continue;
      }
      const created = await fetch(`${apiBase}/users`, {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json' },
        body: JSON.stringify({ id: user.id, role: user.kaleyraRole }),
        signal: AbortSignal.timeout(5000),
      });
      await created.body?.cancel();
      if (!created.ok && created.status !== 409) {
        throw new Error(`POST /users (${user.id}) answered ${created.status}`);
      }
      log(`Created the demo user ${user.id} (${user.kaleyraRole}) in your Kaleyra sandbox app.`);
    }
  } catch (err) {
    const cause = err.cause?.code ? `: ${err.cause.code}` : '';
    log(`Could not check the demo users in Kaleyra (${err.message}${cause}); tokens may fail.`);
    return;
  }
  if (missing.length) {
    log(
      `Create these users in your Kaleyra production app to sign in as them: ${missing.join(', ')}`,
    );
  }
}
