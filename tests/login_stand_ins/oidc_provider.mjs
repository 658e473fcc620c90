// Cognito's OAuth2 endpoints on loopback, served by a real OpenID provider (oidc-provider, npm).
//
//   node oidc_provider.mjs '<settings JSON>'   (started by tests/login_stand_ins/oidc.py)
//
// Settings: clientId, redirectUris, logoutUris, poolId, accessTokenTtlSeconds, and users
// [{username, password, sub, email, groups}]. Prints one JSON line {"origin", "issuer"} when it
// listens; exits when its stdin closes (the test process ended), so no server outlives a run.
//
// Like Cognito: /oauth2/authorize, /oauth2/token, /oauth2/revoke, /oauth2/userInfo; the issuer is
// the user pool's (<origin>/<poolId>), its JWKS at <issuer>/.well-known/jwks.json; access tokens
// are RS256 JWTs with sub, username, cognito:groups, token_use=access, scope, client_id, iss,
// exp, iat (no aud); a public client with PKCE; refresh tokens on every code grant; no consent
// screen; GET /logout?client_id&logout_uri ends the session and redirects (only to a registered
// logout URI). What the test inspects: GET /__stand-in/events; POST /__stand-in/settings.
// With settings.federation, also an OIDC identity provider federated as a user pool does it
// (federation.mjs): /oauth2/authorize?identity_provider=<name>, /oauth2/idpresponse.
import http from 'node:http';
import crypto from 'node:crypto';
import Provider from 'oidc-provider';
import { Federation } from './federation.mjs';

const settings = JSON.parse(process.argv[2]);
const users = new Map(settings.users.map((user) => [user.sub, user]));
const events = [];
const record = (type, detail = {}) => events.push({ type, at: Date.now() / 1000, ...detail });

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;
const issuer = `${origin}/${settings.poolId}`;
// The API reads every token for this one resource server: the page's scopes, JWT format.
const API_RESOURCE = `${origin}/api`;
// A fresh signing key per run, as a user pool has its own: nothing signed earlier verifies.
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: crypto.randomUUID(), alg: 'RS256', use: 'sig' };
const federation = new Federation({ settingsOf: () => settings.federation, origin, poolId: settings.poolId, record });
// interaction uid -> the federated user who came back through /oauth2/idpresponse for it
const federatedLogins = new Map();

const provider = new Provider(issuer, {
  clients: [{
    client_id: settings.clientId,
    token_endpoint_auth_method: 'none',
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    redirect_uris: settings.redirectUris,
    post_logout_redirect_uris: settings.logoutUris,
  }],
  routes: {
    authorization: '/oauth2/authorize',
    token: '/oauth2/token',
    revocation: '/oauth2/revoke',
    userinfo: '/oauth2/userInfo',
    jwks: `/${settings.poolId}/.well-known/jwks.json`,
  },
  jwks: { keys: [signingKey] },
  scopes: ['openid', 'email', 'profile'],
  claims: { openid: ['sub', 'cognito:username', 'cognito:groups'], email: ['email', 'email_verified'] },
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  pkce: { required: () => true },
  // Cognito's authorize parameter that skips the hosted UI for one identity provider.
  extraParams: ['identity_provider'],
  features: {
    devInteractions: { enabled: false },
    revocation: { enabled: true },
    resourceIndicators: {
      enabled: true,
      defaultResource: () => API_RESOURCE,
      useGrantedResource: () => true,
      getResourceServerInfo: () => ({
        scope: 'openid email profile',
        accessTokenFormat: 'jwt',
        accessTokenTTL: settings.accessTokenTtlSeconds,
        jwt: { sign: { alg: 'RS256' } },
      }),
    },
  },
  // Cognito issues a refresh token on every authorization code grant, without offline_access.
  issueRefreshToken: (ctx, client) => client.grantTypeAllowed('refresh_token'),
  ttl: {
    AccessToken: () => settings.accessTokenTtlSeconds,
    IdToken: () => settings.accessTokenTtlSeconds,
    RefreshToken: 3600,
    Session: 3600,
    Grant: 3600,
    Interaction: 600,
    AuthorizationCode: 300,
  },
  // First-party client, as Cognito's hosted UI: no consent screen, the requested scopes granted.
  async loadExistingGrant(ctx) {
    const { client, session, params } = ctx.oidc;
    const existing = session.grantIdFor(client.clientId);
    if (existing) {
      const grant = await ctx.oidc.provider.Grant.find(existing);
      if (grant) return grant;
    }
    const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
    grant.addOIDCScope(params.scope);
    grant.addResourceScope(API_RESOURCE, params.scope);
    await grant.save();
    return grant;
  },
  async extraTokenClaims(ctx, token) {
    if (token.kind !== 'AccessToken') return undefined;
    const user = users.get(token.accountId);
    // With a federated IdP, the user pool has the pre-token-generation trigger: it runs for every user.
    const decision = federation.settings.triggerUrl
      ? await federation.tokenDecision(user, ctx.oidc.params.grant_type)
      : { groups: user.groups, accessClaims: {} };
    // Cognito leaves cognito:groups out of the token of a user in no group.
    const groups = decision.groups.length ? { 'cognito:groups': decision.groups } : {};
    return { ...decision.accessClaims, username: user.username, token_use: 'access', ...groups };
  },
  async findAccount(ctx, sub) {
    const user = users.get(sub);
    if (!user) return undefined;
    return {
      accountId: sub,
      claims: async () => ({
        sub, email: user.email, email_verified: true, 'cognito:username': user.username, 'cognito:groups': user.groups,
      }),
    };
  },
  interactions: { url: (ctx, interaction) => `/interaction/${interaction.uid}` },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = `<!doctype html><title>Error</title><link rel="icon" href="data:,"><h1 id="oidc-error">${escapeHtml(out.error)}</h1>`;
  },
});

provider.on('authorization.accepted', (ctx) => record('authorize', { clientId: ctx.oidc.client?.clientId }));
provider.on('grant.success', (ctx) => record('token', { grantType: ctx.oidc.params.grant_type }));
provider.on('grant.revoked', (ctx, grantId) => record('grant_revoked', { grantId }));
provider.use(async (ctx, next) => {
  await next();
  if (ctx.path === '/oauth2/revoke') {
    record('revoke', { status: ctx.status, tokenTypeHint: ctx.oidc?.params?.token_type_hint ?? null });
  }
});

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginForm(uid, problem) {
  const alert = problem ? `<p id="login-error" role="alert">${escapeHtml(problem)}</p>` : '';
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in</title><link rel="icon" href="data:,"></head><body>
<h1>Sign in with your username and password</h1>${alert}
<form method="post" action="/interaction/${uid}/login">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" required>
<button type="submit" name="signInSubmitButton">Sign in</button></form></body></html>`;
}

async function formBody(req) {
  let body = '';
  for await (const chunk of req) body += chunk;
  return new URLSearchParams(body);
}

function send(res, status, body, type = 'text/html; charset=utf-8') {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

async function interaction(req, res, url) {
  const details = await provider.interactionDetails(req, res);
  if (url.pathname.endsWith('/federated')) return finishFederated(req, res, details.uid);
  const identityProvider = details.params.identity_provider;
  if (identityProvider) {
    if (identityProvider !== federation.settings.providerName) {
      record('unknown_identity_provider', { identityProvider });
      return send(res, 400, `<!doctype html><title>Error</title><link rel="icon" href="data:,"><h1 id="oidc-error">Login option is not available.</h1>`);
    }
    record('federate', { identityProvider });
    res.writeHead(302, { Location: federation.authorizeUrl(details.uid) });
    return res.end();
  }
  if (req.method === 'GET') return send(res, 200, loginForm(details.uid));
  const form = await formBody(req);
  const user = [...users.values()].find((candidate) => candidate.username === form.get('username'));
  if (!user || user.password !== form.get('password')) {
    record('login_failed', { username: form.get('username') });
    return send(res, 200, loginForm(details.uid, 'Incorrect username or password.'));
  }
  record('login', { username: user.username, path: url.pathname });
  return provider.interactionFinished(req, res, { login: { accountId: user.sub } }, { mergeWithLastSubmission: false });
}

// The IdP's code arrives here; the interaction's cookie only reaches /interaction/<uid>/..., so the
// login finishes there, for the user the trigger has just shaped.
async function idpResponse(req, res, url) {
  const { uid, user } = await federation.complete(url);
  users.set(user.sub, user);
  federatedLogins.set(uid, user.sub);
  res.writeHead(302, { Location: `/interaction/${uid}/federated` });
  res.end();
}

async function finishFederated(req, res, uid) {
  const accountId = federatedLogins.get(uid);
  federatedLogins.delete(uid);
  if (!accountId) return send(res, 400, 'no federated sign-in for this interaction', 'text/plain');
  record('login', { username: users.get(accountId).username, path: `/interaction/${uid}/federated` });
  return provider.interactionFinished(req, res, { login: { accountId } }, { mergeWithLastSubmission: false });
}

// Cognito's logout endpoint: the client's registered logout URI only, then the session is gone.
async function logout(req, res, url) {
  const logoutUri = url.searchParams.get('logout_uri');
  if (url.searchParams.get('client_id') !== settings.clientId || !settings.logoutUris.includes(logoutUri)) {
    record('logout_refused', { logoutUri });
    return send(res, 400, 'Bad Request: client_id or logout_uri is not registered', 'text/plain');
  }
  const ctx = provider.createContext(req, res);
  const session = await provider.Session.get(ctx);
  const hadSession = Boolean(session.accountId);
  // Destroyed where it is stored: the browser's cookie then names no session (Cognito's effect).
  if (!session.new) await session.destroy();
  record('logout', { logoutUri, hadSession });
  res.writeHead(302, { Location: logoutUri });
  res.end();
}

const standIn = {
  'GET /__stand-in/events': (req, res) => send(res, 200, JSON.stringify(events), 'application/json'),
  'POST /__stand-in/settings': async (req, res) => {
    let body = '';
    for await (const chunk of req) body += chunk;
    Object.assign(settings, JSON.parse(body));
    send(res, 204, '');
  },
};

const callback = provider.callback();
server.on('request', async (req, res) => {
  const url = new URL(req.url, origin);
  try {
    const control = standIn[`${req.method} ${url.pathname}`];
    if (control) return await control(req, res);
    if (url.pathname.startsWith('/interaction/')) return await interaction(req, res, url);
    if (url.pathname === '/logout' && req.method === 'GET') return await logout(req, res, url);
    if (url.pathname === '/oauth2/idpresponse') return await idpResponse(req, res, url);
    return callback(req, res);
  } catch (error) {
    record('stand_in_error', { message: String(error) });
    return send(res, 500, 'stand-in error', 'text/plain');
  }
});

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
console.log(JSON.stringify({ origin, issuer }));
