// The page's configuration, read at start from config.json beside index.html: where the GraphQL API is and how
// to sign in. Locally `campaigns serve` answers it; deployed, web/deploy.sh writes it from the stack's outputs.

/** Reads and checks config.json; a missing or malformed field is a clear error naming it. */
export async function loadConfig(fetchImpl = fetch) {
  const response = await fetchImpl('/config.json', { cache: 'no-store' });
  if (!response.ok) {
    throw new Error(`config.json could not be read (HTTP ${response.status})`);
  }
  return parseConfig(await response.json());
}

/**
 * {graphqlUrl, auth: {type: "none"}} or
 * {graphqlUrl, auth: {type: "cognito", domain, clientId, issuer, redirectUri, logoutUri, scopes?}}.
 */
export function parseConfig(raw) {
  if (!raw || typeof raw !== 'object') {
    throw new Error('config.json must be a JSON object');
  }
  const graphqlUrl = text(raw, 'graphqlUrl');
  const auth = raw.auth && typeof raw.auth === 'object' ? raw.auth : null;
  if (!auth) {
    throw new Error('config.json: auth is missing');
  }
  if (auth.type === 'none') {
    return { graphqlUrl, auth: { type: 'none' } };
  }
  if (auth.type !== 'cognito') {
    throw new Error(`config.json: auth.type must be "none" or "cognito", got ${JSON.stringify(auth.type)}`);
  }
  const domain = text(auth, 'domain', 'auth.').replace(/\/+$/, '');
  return {
    graphqlUrl,
    auth: {
      type: 'cognito',
      domain,
      clientId: text(auth, 'clientId', 'auth.'),
      issuer: text(auth, 'issuer', 'auth.'),
      redirectUri: text(auth, 'redirectUri', 'auth.'),
      logoutUri: text(auth, 'logoutUri', 'auth.'),
      scopes: Array.isArray(auth.scopes) && auth.scopes.length ? auth.scopes.map(String) : ['openid', 'email', 'profile'],
    },
  };
}

function text(object, name, prefix = '') {
  const value = object[name];
  if (typeof value !== 'string' || value.trim() === '') {
    throw new Error(`config.json: ${prefix}${name} must be a non-empty string`);
  }
  return value.trim();
}
