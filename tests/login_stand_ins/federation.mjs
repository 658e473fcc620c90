// What a user pool does for a federated OIDC provider, for the Cognito stand-in (oidc_provider.mjs):
// /oauth2/authorize?identity_provider=<name> goes to the IdP, the code comes back to
// /oauth2/idpresponse, is exchanged (client secret), the ID token verified against the IdP's keys,
// its claims mapped to user attributes (groups -> custom:idp_groups in Cognito's "[a, b]" string
// form, _claim_names -> custom:idp_groups_overage), the user named "<provider>_<sub>" with an
// `identities` attribute. Before every token, as Cognito does for every user (local ones too), the
// pre-token-generation trigger (V2 event, the REAL handler behind trigger_bridge.py) decides the
// access token's cognito:groups and extra claims (tokenDecision).
//
// settings.federation (complete once the IdP stand-in runs): providerName, authorizeUrl, tokenUrl, jwksUrl, issuer, clientId,
// clientSecret, triggerUrl, groupsAttribute, overageAttribute, clientIdOfPage.
import crypto from 'node:crypto';

export class Federation {
  constructor({ settingsOf, origin, poolId, record }) {
    // Read at each use: the test completes the settings once the IdP stand-in knows its origin.
    this.settingsOf = settingsOf;
    this.redirectUri = `${origin}/oauth2/idpresponse`;
    this.poolId = poolId;
    this.record = record;
    this.byIdpSubject = new Map(); // the IdP's sub -> the pool's user (one per identity, as Cognito links)
  }

  get settings() {
    return this.settingsOf() ?? {};
  }

  /** Where the browser goes for the IdP's sign-in; `state` carries the hosted UI's interaction. */
  authorizeUrl(interactionUid) {
    const url = new URL(this.settings.authorizeUrl);
    url.search = new URLSearchParams({
      client_id: this.settings.clientId, response_type: 'code', scope: 'openid email profile',
      redirect_uri: this.redirectUri, state: interactionUid,
    }).toString();
    return url.href;
  }

  /** The IdP's answer at /oauth2/idpresponse: {uid, user} with the trigger's decision on the user. */
  async complete(url) {
    const code = url.searchParams.get('code');
    const uid = url.searchParams.get('state');
    if (!code || !uid) throw new Error(`idpresponse without code/state: ${url.searchParams.get('error') ?? ''}`);
    const response = await fetch(this.settings.tokenUrl, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code', code, redirect_uri: this.redirectUri,
        client_id: this.settings.clientId, client_secret: this.settings.clientSecret,
      }),
    });
    if (!response.ok) throw new Error(`IdP token endpoint: HTTP ${response.status} ${await response.text()}`);
    const claims = await this.verifiedIdToken((await response.json()).id_token);
    const user = this.poolUser(claims);
    this.record('federated_login', { username: user.username });
    return { uid, user };
  }

  async verifiedIdToken(idToken) {
    const [header, payload, signature] = idToken.split('.');
    const { kid } = JSON.parse(Buffer.from(header, 'base64url'));
    const { keys } = await (await fetch(this.settings.jwksUrl)).json();
    const jwk = keys.find((key) => key.kid === kid);
    const valid = jwk && crypto.verify('RSA-SHA256', Buffer.from(`${header}.${payload}`),
      crypto.createPublicKey({ key: jwk, format: 'jwk' }), Buffer.from(signature, 'base64url'));
    if (!valid) throw new Error('the IdP ID token signature does not verify');
    const claims = JSON.parse(Buffer.from(payload, 'base64url'));
    if (claims.iss !== this.settings.issuer || claims.aud !== this.settings.clientId) {
      throw new Error(`the IdP ID token is not for this pool: iss ${claims.iss}, aud ${claims.aud}`);
    }
    return claims;
  }

  /** The attribute mapping (as the user pool's identity provider maps the claims) and the user. */
  poolUser(claims) {
    const known = this.byIdpSubject.get(claims.sub);
    const sub = known?.sub ?? crypto.randomUUID();
    const attributes = {
      sub,
      'cognito:user_status': 'EXTERNAL_PROVIDER',
      email: claims.email,
      email_verified: 'false',
      identities: JSON.stringify([{
        userId: claims.sub, providerName: this.settings.providerName, providerType: 'OIDC',
        issuer: null, primary: 'true', dateCreated: String(Date.now()),
      }]),
    };
    // Cognito writes a list claim into a string attribute as "[a, b]" (no quotes).
    if (Array.isArray(claims.groups)) attributes[this.settings.groupsAttribute] = `[${claims.groups.join(', ')}]`;
    if (claims._claim_names) attributes[this.settings.overageAttribute] = JSON.stringify(claims._claim_names);
    // A federated user is in no pool group: the trigger gives the teams.
    const user = { sub, username: `${this.settings.providerName}_${claims.sub}`, email: claims.email, groups: [], attributes };
    this.byIdpSubject.set(claims.sub, user);
    return user;
  }

  /** A local user's attributes, as the pool holds them for a confirmed user. */
  static localAttributes(user) {
    return { sub: user.sub, 'cognito:user_status': 'CONFIRMED', email: user.email, email_verified: 'true' };
  }

  /**
   * The V2 pre-token-generation event through the real handler: {groups, accessClaims} for the
   * access token. `grantType` is the token request's (a refresh is TokenGeneration_RefreshTokens).
   */
  async tokenDecision(user, grantType) {
    const decision = await this.runTrigger(user, grantType === 'refresh_token'
      ? 'TokenGeneration_RefreshTokens' : 'TokenGeneration_HostedAuth');
    this.record('trigger', { username: user.username, ...decision });
    return decision;
  }

  async runTrigger(user, triggerSource) {
    const event = {
      version: '2',
      triggerSource,
      region: 'eu-central-1',
      userPoolId: this.poolId,
      userName: user.username,
      callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId: this.settings.clientIdOfPage },
      request: {
        userAttributes: user.attributes ?? Federation.localAttributes(user),
        groupConfiguration: { groupsToOverride: [...user.groups], iamRolesToOverride: [], preferredRole: null },
        scopes: ['openid', 'email', 'profile'],
      },
      response: { claimsAndScopeOverrideDetails: null },
    };
    const response = await fetch(this.settings.triggerUrl, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(event),
    });
    if (!response.ok) throw new Error(`pre-token-generation trigger failed: ${await response.text()}`);
    const details = (await response.json()).response?.claimsAndScopeOverrideDetails ?? {};
    // Without groupOverrideDetails, Cognito keeps the user's own groups.
    const groups = details.groupOverrideDetails?.groupsToOverride ?? user.groups;
    const accessClaims = details.accessTokenGeneration?.claimsToAddOrOverride ?? {};
    return { groups, accessClaims };
  }
}
