// Entra ID's v2.0 endpoints on loopback, served by a real OpenID provider (oidc-provider, npm), for
// the Cognito stand-in to federate as a user pool federates an OIDC identity provider.
//
//   node entra_provider.mjs '<settings JSON>'   (started by tests/login_stand_ins/federation.py)
//
// Settings: tenantId, clientId, clientSecret, redirectUri (the Cognito stand-in's
// /oauth2/idpresponse) and users [{username, password, oid, email, groups, overage}]. Prints one
// JSON line {"origin", "issuer"} when it listens; exits when its stdin closes.
//
// Like Entra: the issuer is <origin>/<tenant>/v2.0, endpoints under /<tenant>/oauth2/v2.0/, keys at
// /<tenant>/discovery/v2.0/keys; a confidential client (client_secret_post, as Cognito sends it);
// ID tokens carry `groups` as group OBJECT IDS, or, for a user in more groups than a token may
// list (the overage), no `groups` but `_claim_names`/`_claim_sources` pointing at Microsoft Graph.
import http from 'node:http';
import crypto from 'node:crypto';
import Provider from 'oidc-provider';

const settings = JSON.parse(process.argv[2]);
const users = new Map(settings.users.map((user) => [user.oid, user]));
const events = [];

const server = http.createServer();
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const origin = `http://127.0.0.1:${server.address().port}`;
const tenant = settings.tenantId;
const issuer = `${origin}/${tenant}/v2.0`;
const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 });
const signingKey = { ...privateKey.export({ format: 'jwk' }), kid: crypto.randomUUID(), alg: 'RS256', use: 'sig' };

function groupClaims(user) {
  if (!user.overage) return { groups: user.groups };
  // Entra's overage form: the groups are a distributed claim to fetch from Graph.
  return {
    _claim_names: { groups: 'src1' },
    _claim_sources: { src1: { endpoint: `https://graph.microsoft.com/v1.0/users/${user.oid}/getMemberObjects` } },
  };
}

const provider = new Provider(issuer, {
  clients: [{
    client_id: settings.clientId,
    client_secret: settings.clientSecret,
    token_endpoint_auth_method: 'client_secret_post',
    grant_types: ['authorization_code'],
    response_types: ['code'],
    redirect_uris: [settings.redirectUri],
  }],
  routes: {
    authorization: `/${tenant}/oauth2/v2.0/authorize`,
    token: `/${tenant}/oauth2/v2.0/token`,
    userinfo: '/oidc/userinfo',
    jwks: `/${tenant}/discovery/v2.0/keys`,
  },
  jwks: { keys: [signingKey] },
  scopes: ['openid', 'email', 'profile'],
  claims: { openid: ['sub', 'oid', 'groups'], email: ['email'], profile: ['name', 'preferred_username'] },
  // Entra puts the requested claims in the ID token itself (Cognito reads the ID token).
  conformIdTokenClaims: false,
  cookies: { keys: [crypto.randomBytes(32).toString('hex')] },
  features: { devInteractions: { enabled: false } },
  async loadExistingGrant(ctx) {
    const { client, session, params } = ctx.oidc;
    const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
    grant.addOIDCScope(params.scope);
    grant.addOIDCClaims(['groups']);
    await grant.save();
    return grant;
  },
  async findAccount(ctx, oid) {
    const user = users.get(oid);
    if (!user) return undefined;
    return {
      accountId: oid,
      claims: async () => ({
        sub: oid, oid, email: user.email, name: user.username, preferred_username: user.email, ...groupClaims(user),
      }),
    };
  },
  interactions: { url: (ctx, interaction) => `/${tenant}/login/${interaction.uid}` },
  renderError: async (ctx, out) => {
    ctx.type = 'html';
    ctx.body = `<!doctype html><title>Error</title><link rel="icon" href="data:,"><h1 id="entra-error">${escapeHtml(out.error)}</h1>`;
  },
});
provider.on('grant.success', (ctx) => events.push({ type: 'token', at: Date.now() / 1000, clientId: ctx.oidc.client?.clientId }));

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function loginForm(uid) {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in to your account</title><link rel="icon" href="data:,"></head><body>
<h1>Microsoft: sign in</h1>
<form method="post" action="/${tenant}/login/${uid}">
<label for="entra-user">Email, phone, or Skype</label><input id="entra-user" name="loginfmt" required>
<label for="entra-password">Password</label><input id="entra-password" name="passwd" type="password" required>
<button type="submit" id="idSIButton9">Sign in</button></form></body></html>`;
}

function send(res, status, body, type = 'text/html; charset=utf-8') {
  res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
  res.end(body);
}

async function login(req, res) {
  const details = await provider.interactionDetails(req, res);
  if (req.method === 'GET') return send(res, 200, loginForm(details.uid));
  let body = '';
  for await (const chunk of req) body += chunk;
  const form = new URLSearchParams(body);
  const user = [...users.values()].find((candidate) => candidate.email === form.get('loginfmt'));
  if (!user || user.password !== form.get('passwd')) return send(res, 200, loginForm(details.uid));
  events.push({ type: 'login', at: Date.now() / 1000, email: user.email });
  return provider.interactionFinished(req, res, { login: { accountId: user.oid } }, { mergeWithLastSubmission: false });
}

const callback = provider.callback();
server.on('request', async (req, res) => {
  const url = new URL(req.url, origin);
  try {
    if (url.pathname === '/__stand-in/events') return send(res, 200, JSON.stringify(events), 'application/json');
    if (url.pathname.startsWith(`/${tenant}/login/`)) return await login(req, res);
    return callback(req, res);
  } catch (error) {
    events.push({ type: 'stand_in_error', at: Date.now() / 1000, message: String(error) });
    return send(res, 500, 'stand-in error', 'text/plain');
  }
});

process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
console.log(JSON.stringify({ origin, issuer }));
