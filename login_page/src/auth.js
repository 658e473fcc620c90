// Sign-in through Cognito's hosted UI: authorization code + PKCE on a public client (no secret),
// all token handling by oidc-client-ts. Tokens and the sign-in state live in sessionStorage
// (gone with the tab), never in localStorage.
import { UserManager, WebStorageStateStore } from "oidc-client-ts";

// Must match login_page_contract.SCOPES: the API's Cognito authorizer requires `openid`.
const SCOPES = ["openid", "email", "profile"];

export function createUserManager(config) {
  const origin = window.location.origin;
  const store = () => new WebStorageStateStore({ store: window.sessionStorage });
  return new UserManager({
    authority: config.issuer,
    client_id: config.clientId,
    redirect_uri: `${origin}/`,
    response_type: "code",
    scope: SCOPES.join(" "),
    // Explicit metadata: the discovery document lives on the pool's origin (cognito-idp), which
    // the CSP does not let the page reach, and it would cost a round trip before every sign-in.
    metadata: {
      issuer: config.issuer,
      authorization_endpoint: `${config.cognitoDomain}/oauth2/authorize`,
      token_endpoint: `${config.cognitoDomain}/oauth2/token`,
      revocation_endpoint: `${config.cognitoDomain}/oauth2/revoke`,
      end_session_endpoint: `${config.cognitoDomain}/logout`,
    },
    userStore: store(),
    stateStore: store(),
    loadUserInfo: false,
    // No hidden iframe and no background refresh: an expired session goes back to sign-in.
    automaticSilentRenew: false,
    monitorSession: false,
    revokeTokenTypes: ["refresh_token"],
  });
}

// Cognito answers the redirect with ?code&state, or ?error&state when sign-in failed.
export function isSigninCallback(url) {
  const params = url.searchParams;
  return params.has("state") && (params.has("code") || params.has("error"));
}

/**
 * Navigates to sign-in; `state` comes back with the user after the callback. With an identity
 * provider, Cognito sends the user straight on to it (`identity_provider`); without one, the
 * hosted UI's own form (local accounts), asking again even when a session exists (`prompt`), so a
 * break-glass user is not signed in as the company account the session already knows.
 */
export async function signIn(manager, state, { identityProvider = null } = {}) {
  await manager.removeUser();
  const where = identityProvider ? { extraQueryParams: { identity_provider: identityProvider } } : {};
  if (!identityProvider && state.local) where.prompt = "login";
  await manager.signinRedirect({ state, ...where });
}

/** A user who came through the identity provider: Cognito names them "<provider>_<id>". */
export function isFederated(claims, identityProvider) {
  return Boolean(identityProvider) && String(claims.username ?? "").startsWith(`${identityProvider}_`);
}

// Added to the access token by the pre-token-generation trigger (studio_runtime/contracts/
// pre_token_generation.py OVERAGE_CLAIM) when the IdP sent a link instead of the user's groups.
const OVERAGE_CLAIM = "studio:groups_overage";

export function hasGroupsOverage(claims) {
  return claims[OVERAGE_CLAIM] === "true";
}

/**
 * Revokes the refresh token (the access token cannot outlive its hour), forgets the user, then
 * ends the hosted-UI session through Cognito's /logout, which returns to the page.
 */
export async function signOut(manager, config) {
  try {
    await manager.revokeTokens(["refresh_token"]);
  } catch (error) {
    // Still sign out locally and at the hosted UI: a failed revocation must not keep the session.
    console.warn("refresh token revocation failed", error);
  }
  await manager.removeUser();
  const logout = new URL(`${config.cognitoDomain}/logout`);
  logout.searchParams.set("client_id", config.clientId);
  logout.searchParams.set("logout_uri", `${window.location.origin}/`);
  window.location.assign(logout.href);
}

/** The access token's payload; the API verifies the signature, the page only reads claims. */
export function accessTokenClaims(accessToken) {
  try {
    const payload = accessToken.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
    const padded = payload + "=".repeat((4 - (payload.length % 4)) % 4);
    const bytes = Uint8Array.from(atob(padded), (char) => char.charCodeAt(0));
    const claims = JSON.parse(new TextDecoder().decode(bytes));
    return claims !== null && typeof claims === "object" ? claims : {};
  } catch {
    return {};
  }
}

// The ordering API's roles (studio_runtime/contracts/ordering_api.py PLATFORM_GROUPS): Cognito
// groups, but no team's, so never offered as one.
const PLATFORM_GROUPS = ["platform-requesters", "platform-admins"];

export function teamsOf(claims) {
  const groups = claims["cognito:groups"];
  return Array.isArray(groups)
    ? groups.filter((group) => typeof group === "string" && group && !PLATFORM_GROUPS.includes(group))
    : [];
}
