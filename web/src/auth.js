// Signing in. Locally (auth.type "none") requests carry no credentials and the local API acts as its default user.
// Deployed (auth.type "cognito"), the user signs in on the Cognito user pool's hosted UI with the OAuth 2.0
// authorization code flow and PKCE (oauth4webapi), and every GraphQL request carries the access token, as AppSync's
// Cognito user pools mode expects. Tokens live in sessionStorage (this tab only) and are refreshed before expiry.
import * as oauth from 'oauth4webapi';

const TOKENS = 'campaigns.tokens';
const PENDING = 'campaigns.login';

/** The sign-in of the given config: {ready(), token(), login(), logout(), user()}. */
export function createAuth(config, { storage = sessionStorage, location = window.location } = {}) {
  if (config.auth.type === 'none') {
    return {
      kind: 'none',
      async ready() {
        return true;
      },
      async token() {
        return null;
      },
      login() {},
      logout() {},
      user() {
        return null;
      },
    };
  }
  const c = config.auth;
  const as = {
    issuer: c.issuer,
    authorization_endpoint: `${c.domain}/oauth2/authorize`,
    token_endpoint: `${c.domain}/oauth2/token`,
  };
  const client = { client_id: c.clientId, token_endpoint_auth_method: 'none' };
  // oauth4webapi refuses plain HTTP; only a loopback address (a developer's own machine) may use it.
  const insecure = /^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:|\/|$)/.test(c.domain);
  const options = insecure ? { [oauth.allowInsecureRequests]: true } : {};

  const read = () => {
    try {
      return JSON.parse(storage.getItem(TOKENS) || 'null');
    } catch {
      return null;
    }
  };
  const save = (result, previous) => {
    const tokens = {
      accessToken: result.access_token,
      refreshToken: result.refresh_token || previous?.refreshToken || null,
      expiresAt: Date.now() + (Number(result.expires_in) || 3600) * 1000,
      claims: oauth.getValidatedIdTokenClaims(result) || previous?.claims || null,
    };
    storage.setItem(TOKENS, JSON.stringify(tokens));
    return tokens;
  };

  let leaving = null;

  /** Sends the browser to the hosted UI, once however many requests found no token. */
  function login() {
    leaving = leaving || startLogin();
    return leaving;
  }

  async function startLogin() {
    const verifier = oauth.generateRandomCodeVerifier();
    const state = oauth.generateRandomState();
    const back = location.pathname + location.search;
    storage.setItem(PENDING, JSON.stringify({ verifier, state, back }));
    const url = new URL(as.authorization_endpoint);
    url.searchParams.set('response_type', 'code');
    url.searchParams.set('client_id', c.clientId);
    url.searchParams.set('redirect_uri', c.redirectUri);
    url.searchParams.set('scope', c.scopes.join(' '));
    url.searchParams.set('state', state);
    url.searchParams.set('code_challenge', await oauth.calculatePKCECodeChallenge(verifier));
    url.searchParams.set('code_challenge_method', 'S256');
    location.assign(url.href);
  }

  /** Completes a sign-in when the hosted UI has sent the browser back to the redirect URI; returns where to go. */
  async function completeLogin() {
    const pending = JSON.parse(storage.getItem(PENDING) || 'null');
    storage.removeItem(PENDING);
    if (!pending) {
      throw new Error('the sign-in was not started from this tab; sign in again');
    }
    const params = oauth.validateAuthResponse(as, client, new URL(location.href), pending.state);
    const response = await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, c.redirectUri,
      pending.verifier, options);
    save(await oauth.processAuthorizationCodeResponse(as, client, response), null);
    return pending.back || '/';
  }

  let refreshing = null;

  async function token() {
    let tokens = read();
    if (tokens && tokens.expiresAt - Date.now() < 60_000) {
      // One refresh however many requests find the token about to expire.
      refreshing = refreshing || (tokens.refreshToken ? refresh(tokens) : Promise.resolve(null))
        .finally(() => {
          refreshing = null;
        });
      tokens = await refreshing;
    }
    if (!tokens) {
      await login();
      return new Promise(() => {}); // the browser is leaving for the hosted UI
    }
    return tokens.accessToken;
  }

  async function refresh(tokens) {
    try {
      const response = await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refreshToken, options);
      return save(await oauth.processRefreshTokenResponse(as, client, response), tokens);
    } catch {
      storage.removeItem(TOKENS);
      return null;
    }
  }

  return {
    kind: 'cognito',
    /** Finishes a sign-in in progress (on the redirect URI); true when the page may render. */
    async ready() {
      const redirect = new URL(c.redirectUri);
      if (location.pathname === redirect.pathname && new URLSearchParams(location.search).has('state')) {
        const back = await completeLogin();
        window.history.replaceState(null, '', back);
      }
      return true;
    },
    token,
    login,
    logout() {
      storage.removeItem(TOKENS);
      const url = new URL(`${c.domain}/logout`);
      url.searchParams.set('client_id', c.clientId);
      url.searchParams.set('logout_uri', c.logoutUri);
      location.assign(url.href);
    },
    user() {
      const claims = read()?.claims;
      return claims ? claims.email || claims['cognito:username'] || claims.sub : null;
    },
  };
}
