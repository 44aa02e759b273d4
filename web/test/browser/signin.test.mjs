// The deployed sign-in in headless Chromium. Cognito's hosted UI cannot run here, so this file stands in for the
// two AWS endpoints the page talks to (and for nothing of the page): an OAuth 2.0 authorization server speaking the
// hosted UI's protocol (/oauth2/authorize, /oauth2/token with PKCE S256, /logout) that checks every parameter, and an
// AppSync-like gateway that accepts only the access token it issued and forwards the request to the local AppSync
// (started by WebUiTest) as that token's user. The page is the bundle the build made, served as CloudFront serves it
// (index.html for every route, the deployed content security policy), with the config.json deploy.sh would write.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { launch, seriousViolations } from './browser.mjs';

const WEB_DIR = process.env.CAMPAIGNS_WEB_DIR;
const GRAPHQL = process.env.CAMPAIGNS_GRAPHQL_URL;
const CAMPAIGN = JSON.parse(process.env.CAMPAIGNS_SIGNED_IN_CAMPAIGN || '{}');
const CLIENT_ID = 'web-client-1';
const SUB = CAMPAIGN.owner;
const WAIT = 30_000;

let site;
let idp;
let browser;
let page;
const seen = { authorize: [], token: [], refresh: [], graphql: [], logout: [] };

function listen(handler) {
  return new Promise((resolve) => {
    const server = createServer((req, res) => handler(req, res).catch((e) => {
      res.writeHead(500).end(String(e));
    }));
    server.listen(0, '127.0.0.1', () => resolve({ server, origin: `http://127.0.0.1:${server.address().port}` }));
  });
}

const body = (req) => new Promise((resolve) => {
  let text = '';
  req.on('data', (c) => (text += c));
  req.on('end', () => resolve(text));
});

const b64url = (buf) => Buffer.from(buf).toString('base64url');

function idToken(claims) {
  return [b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', kid: 'test' })), b64url(JSON.stringify(claims)), b64url('unsigned')].join('.');
}

before(async () => {
  assert.ok(WEB_DIR && GRAPHQL && SUB, 'CAMPAIGNS_WEB_DIR, CAMPAIGNS_GRAPHQL_URL and CAMPAIGNS_SIGNED_IN_CAMPAIGN are set');
  const codes = new Map();
  // The first access token expires at once (30 s, under the page's one-minute margin), so the page's first API call
  // refreshes it; the refreshed one lasts an hour. The gateway accepts only the refreshed token.
  const firstToken = `at-${randomUUID()}`;
  const accessToken = `at-${randomUUID()}`;
  let refreshToken = null;
  idp = await listen(async (req, res) => {
    const url = new URL(req.url, 'http://x');
    const cors = { 'access-control-allow-origin': site.origin, 'access-control-allow-headers': 'authorization, content-type',
      'access-control-allow-methods': 'POST, OPTIONS' };
    if (req.method === 'OPTIONS') {
      res.writeHead(204, cors).end();
    } else if (url.pathname === '/oauth2/authorize') {
      const p = Object.fromEntries(url.searchParams);
      seen.authorize.push(p);
      const ok = p.response_type === 'code' && p.client_id === CLIENT_ID && p.redirect_uri === `${site.origin}/callback`
        && p.code_challenge_method === 'S256' && /^[A-Za-z0-9_-]{43}$/.test(p.code_challenge || '') && p.state
        && p.scope.split(' ').includes('openid');
      if (!ok) {
        res.writeHead(400).end('bad authorization request');
        return;
      }
      const code = randomUUID(); // the user signed in on the hosted UI
      codes.set(code, p.code_challenge);
      res.writeHead(302, { location: `${p.redirect_uri}?code=${code}&state=${encodeURIComponent(p.state)}` }).end();
    } else if (url.pathname === '/oauth2/token' && req.method === 'POST') {
      const p = Object.fromEntries(new URLSearchParams(await body(req)));
      if (p.grant_type === 'refresh_token') {
        seen.refresh.push(p);
        if (p.client_id !== CLIENT_ID || !refreshToken || p.refresh_token !== refreshToken) {
          res.writeHead(400, { ...cors, 'content-type': 'application/json' }).end('{"error":"invalid_grant"}');
          return;
        }
        const now = Math.floor(Date.now() / 1000);
        // As Cognito answers a refresh: new access and ID tokens, no new refresh token.
        res.writeHead(200, { ...cors, 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({
          access_token: accessToken, token_type: 'Bearer', expires_in: 3600,
          id_token: idToken({ iss: `${idp.origin}/pool`, aud: CLIENT_ID, sub: SUB, email: 'ada@example.com',
            token_use: 'id', iat: now, exp: now + 3600 }),
        }));
        return;
      }
      seen.token.push(p);
      const challenge = codes.get(p.code);
      codes.delete(p.code);
      const verified = challenge && p.grant_type === 'authorization_code' && p.client_id === CLIENT_ID
        && p.redirect_uri === `${site.origin}/callback`
        && b64url(createHash('sha256').update(p.code_verifier || '').digest()) === challenge;
      if (!verified) {
        res.writeHead(400, { ...cors, 'content-type': 'application/json' }).end('{"error":"invalid_grant"}');
        return;
      }
      const now = Math.floor(Date.now() / 1000);
      refreshToken = `rt-${randomUUID()}`;
      res.writeHead(200, { ...cors, 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify({
        access_token: firstToken, token_type: 'Bearer', expires_in: 30, refresh_token: refreshToken,
        id_token: idToken({ iss: `${idp.origin}/pool`, aud: CLIENT_ID, sub: SUB, email: 'ada@example.com',
          token_use: 'id', iat: now, exp: now + 3600 }),
      }));
    } else if (url.pathname === '/graphql' && req.method === 'POST') {
      const authorization = req.headers.authorization || null;
      seen.graphql.push(authorization);
      if (authorization !== accessToken) {
        res.writeHead(401, { ...cors, 'content-type': 'application/json' })
          .end('{"errors":[{"errorType":"UnauthorizedException","message":"Unauthorized"}]}');
        return;
      }
      const answer = await fetch(GRAPHQL, { method: 'POST', body: await body(req),
        headers: { 'content-type': 'application/json', 'x-campaigns-user': SUB } });
      res.writeHead(answer.status, { ...cors, 'content-type': 'application/json' }).end(await answer.text());
    } else if (url.pathname === '/logout') {
      seen.logout.push(Object.fromEntries(url.searchParams));
      res.writeHead(302, { location: url.searchParams.get('logout_uri') }).end();
    } else {
      res.writeHead(404).end();
    }
  });
  const types = { '.js': 'text/javascript', '.css': 'text/css', '.map': 'application/json', '.html': 'text/html' };
  site = await listen(async (req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    // template.yaml's WebResponseHeadersPolicy, with this test's endpoints in connect-src
    const headers = { 'content-security-policy': `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; `
      + `img-src 'self' data:; connect-src 'self' ${idp.origin}/graphql ${idp.origin}; frame-ancestors 'none'; base-uri 'self'; form-action 'self'` };
    if (path === '/config.json') {
      res.writeHead(200, { ...headers, 'content-type': 'application/json' }).end(JSON.stringify({
        graphqlUrl: `${idp.origin}/graphql`,
        auth: { type: 'cognito', domain: idp.origin, clientId: CLIENT_ID, issuer: `${idp.origin}/pool`,
          redirectUri: `${site.origin}/callback`, logoutUri: `${site.origin}/`, scopes: ['openid', 'email', 'profile'] },
      }));
    } else if (/^\/assets\/[A-Za-z0-9._-]+$/.test(path)) {
      res.writeHead(200, { ...headers, 'content-type': types[extname(path)] || 'application/octet-stream' })
        .end(await readFile(join(WEB_DIR, path)));
    } else {
      res.writeHead(200, { ...headers, 'content-type': 'text/html' }).end(await readFile(join(WEB_DIR, 'index.html')));
    }
  });
  browser = await launch();
  page = await browser.context.newPage();
  page.setDefaultTimeout(WAIT);
});

after(async () => {
  await browser?.close();
  site?.server.close();
  idp?.server.close();
});

test('a deep link signs in through the hosted UI with PKCE, refreshes a token about to expire, and lands on the page asked for', async () => {
  await page.goto(`${site.origin}/campaigns/${CAMPAIGN.id}`);
  await page.locator('h1', { hasText: CAMPAIGN.name }).waitFor();
  assert.equal(new URL(page.url()).pathname, `/campaigns/${CAMPAIGN.id}`, 'back where the user started, no code in the address');
  assert.equal(seen.authorize.length, 1);
  assert.equal(seen.token.length, 1);
  assert.equal(seen.token[0].grant_type, 'authorization_code');
  assert.equal(seen.refresh.length, 1, 'the token about to expire was refreshed once, before the first API call');
  assert.equal(seen.refresh[0].grant_type, 'refresh_token');
  assert.ok(seen.graphql.length >= 2);
  assert.deepEqual(seen.graphql.filter((a) => a === null), [], 'no request without the token');
  assert.equal(new Set(seen.graphql).size, 1, 'every request carried the refreshed token');
  assert.equal(await page.locator('.account span').textContent(), 'ada@example.com');
  assert.equal(await page.evaluate(() => sessionStorage.getItem('campaigns.login')), null, 'the PKCE verifier is gone');
  assert.deepEqual(await seriousViolations(page), [], 'axe on the signed-in page');
});

test('a reload keeps the session; signing out goes to the hosted UI\'s logout and forgets the tokens', async () => {
  await page.reload();
  await page.locator('h1', { hasText: CAMPAIGN.name }).waitFor();
  assert.equal(seen.authorize.length, 1, 'no second sign-in');
  await page.getByRole('button', { name: 'Sign out' }).click();
  // Back from /logout on the site's root, which, without tokens, signs in again.
  await page.locator('h1', { hasText: 'Campaigns' }).waitFor();
  await page.locator('.account span', { hasText: 'ada@example.com' }).waitFor();
  assert.equal(seen.authorize.length, 2, 'signed out, then signed in again');
  assert.equal(seen.logout.length, 1);
  assert.deepEqual(seen.logout[0], { client_id: CLIENT_ID, logout_uri: `${site.origin}/` });
});

test('a callback this tab did not start is refused, and no code is exchanged', async () => {
  const tokens = seen.token.length;
  const fresh = await browser.context.newPage();
  await fresh.goto(`${site.origin}/callback?code=stolen&state=forged`);
  await fresh.locator('.problem', { hasText: 'the sign-in was not started from this tab' }).waitFor({ timeout: WAIT });
  assert.equal(seen.token.length, tokens);
  await fresh.close();
  assert.deepEqual(browser.problems.filter((p) => !p.includes('Failed to load resource')), []);
});
