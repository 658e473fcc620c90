// The login page: load the deployment's configuration, sign in (or finish signing in), find the
// user's teams in the access token, and open the chosen team's Studio through the presign API.
import "./style.css";
import { ConfigInvalid, loadConfig } from "./config.js";
import {
  accessTokenClaims, createUserManager, hasGroupsOverage, isFederated, isSigninCallback, signIn, signOut, teamsOf,
} from "./auth.js";
import { requestStudioUrl } from "./api.js";
import { CONFIG_INVALID, CONFIG_UNREACHABLE, GROUPS_OVERAGE, NO_TEAM, messageFor, signinFailed } from "./messages.js";
import {
  clearMessage, hidePicker, offerLocalAccount, setBusy, setStatus, showMessage, showPicker, showSignedIn,
} from "./view.js";
import { readLastTeam, rememberTeam } from "./last-team.js";

// A profile the API is still creating: retry by itself this often, then say so and stop.
const MAX_NOT_READY_RETRIES = 3;
const NOT_READY_DELAY_SECONDS = { fallback: 5, min: 1, max: 30 };

async function start() {
  clearMessage();
  hidePicker();
  setStatus("Loading…");
  let config;
  try {
    config = await loadConfig();
  } catch (error) {
    console.warn(`login page: ${error.message}`);
    showMessage(error instanceof ConfigInvalid ? CONFIG_INVALID : CONFIG_UNREACHABLE, { retry: start });
    return;
  }
  const manager = createUserManager(config);
  const signedIn = await signedInUser(config, manager);
  if (signedIn) new Session(config, manager, signedIn.user, signedIn.state).begin();
}

// `/?account=local` (the "Sign in with a local account" link): the hosted UI's own form, for
// break-glass and demo users, when the page otherwise sends everyone to the company's IdP.
const LOCAL_ACCOUNT = { param: "account", value: "local" };

/** How to sign in: through the identity provider, unless there is none or a local account is asked for. */
function route(config, local) {
  return { identityProvider: local ? null : config.identityProvider };
}

/**
 * The signed-in user and the sign-in's state ({team, reauth}), or null when the page is on its
 * way to the hosted UI or shows why sign-in failed. `?team=` asks for that team directly; it
 * survives the trip to sign-in inside the (session-stored) sign-in state, not the URL.
 */
async function signedInUser(config, manager) {
  const url = new URL(window.location.href);
  const requestedTeam = url.searchParams.get("team") || null;
  const local = Boolean(config.identityProvider) && url.searchParams.get(LOCAL_ACCOUNT.param) === LOCAL_ACCOUNT.value;
  if (isSigninCallback(url)) {
    setStatus("Finishing sign-in…");
    try {
      const user = await manager.signinRedirectCallback(url.href);
      return { user, state: user.state ?? {} };
    } catch (error) {
      console.warn(error);
      showMessage(signinFailed(error.error_description), { "sign-in": () => signIn(manager, {}, route(config, false)) });
      if (config.identityProvider) offerLocalAccount();
      return null;
    } finally {
      // The code and state must not stay in the address bar, the history or a bookmark.
      window.history.replaceState(null, "", "/");
    }
  }
  await manager.clearStaleState();
  const user = await manager.getUser();
  // A stored user is reused, except when a local account is asked for (it may be a company one).
  if (user && !user.expired && !local) return { user, state: { team: requestedTeam } };
  setStatus("Taking you to sign-in…");
  await signIn(manager, { team: requestedTeam, local }, route(config, local));
  return null;
}

class Session {
  constructor(config, manager, user, state) {
    this.config = config;
    this.manager = manager;
    this.user = user;
    this.requestedTeam = state.team || null;
    // True right after a sign-in caused by a refused token: a second refusal in a row shows a
    // message instead of another automatic redirect, so the page can never loop through sign-in.
    this.reauthenticated = Boolean(state.reauth);
    const claims = accessTokenClaims(user.access_token);
    this.teams = teamsOf(claims);
    this.overage = hasGroupsOverage(claims);
    // A local user (break-glass) signs in again through the hosted UI's form, never the company IdP.
    this.local = Boolean(config.identityProvider) && !isFederated(claims, config.identityProvider);
    this.name = user.profile?.email || claims.username || "";
  }

  begin() {
    showSignedIn(this.name, () => this.signOut());
    // A requested team goes to the API even when the token lacks it: the API decides and its
    // refusal becomes the message, with the user's own teams beneath it.
    if (this.requestedTeam) return this.open(this.requestedTeam);
    if (this.teams.length === 0) return this.explainNoTeam();
    if (this.teams.length === 1) return this.open(this.teams[0]);
    setStatus(`Signed in. You are in ${this.teams.length} teams.`);
    return this.offerTeams({ focus: true });
  }

  explainNoTeam() {
    showMessage(this.overage ? GROUPS_OVERAGE : NO_TEAM, { "sign-in": () => this.signInAgain(null) });
    if (this.config.identityProvider && !this.local) offerLocalAccount();
  }

  offerTeams({ focus }) {
    showPicker(this.teams, { lastTeam: readLastTeam(), onPick: (team) => this.open(team), focus });
  }

  async open(team, attempt = 0) {
    if (this.user.expired) return this.reauthenticate(team);
    clearMessage();
    setBusy(true);
    setStatus(`Opening the Studio of team “${team}”…`);
    const outcome = await requestStudioUrl(this.config, this.user.access_token, team);
    if (outcome.ok) {
      rememberTeam(team);
      window.location.assign(outcome.url);
      return undefined;
    }
    setBusy(false);
    if (outcome.code === "unauthorized") return this.reauthenticate(team);
    this.reauthenticated = false;
    if (outcome.code === "profile_not_ready" && attempt < MAX_NOT_READY_RETRIES) {
      return this.retryLater(team, attempt + 1, outcome.retryAfter);
    }
    const message = messageFor(outcome, team);
    // Other teams stay on offer; a picker holding only the refused team would just repeat it.
    if (message.picker && this.teams.some((other) => other !== team)) this.offerTeams({ focus: false });
    else hidePicker();
    return showMessage(message, { retry: () => this.open(team), "sign-in": () => this.signInAgain(team) });
  }

  retryLater(team, attempt, retryAfter) {
    const { fallback, min, max } = NOT_READY_DELAY_SECONDS;
    const seconds = Math.min(max, Math.max(min, retryAfter ?? fallback));
    hidePicker();
    setBusy(true);
    setStatus(`Your Studio profile in team “${team}” is being created. Trying again in ${seconds} ` +
      `second${seconds === 1 ? "" : "s"} (attempt ${attempt} of ${MAX_NOT_READY_RETRIES})…`);
    setTimeout(() => this.open(team, attempt), seconds * 1000);
  }

  reauthenticate(team) {
    if (this.reauthenticated) {
      hidePicker();
      return showMessage(messageFor({ code: "unauthorized" }, team), { "sign-in": () => this.signInAgain(team) });
    }
    setStatus("Your sign-in has expired. Taking you to sign-in…");
    return signIn(this.manager, { team, reauth: true, local: this.local }, route(this.config, this.local));
  }

  signInAgain(team) {
    setStatus("Taking you to sign-in…");
    return signIn(this.manager, { team, local: this.local }, route(this.config, this.local));
  }

  signOut() {
    setBusy(true);
    setStatus("Signing you out…");
    return signOut(this.manager, this.config);
  }
}

start().catch((error) => {
  // Storage switched off, a broken library call: say so instead of leaving "Loading…" forever.
  console.error(error);
  showMessage(messageFor({ code: "internal_error" }, ""), { retry: () => window.location.reload() });
});
