// What a scientist reads for each outcome: what happened, in their words, and what to do next.
// `action` names the button the message carries: "retry" (#retry), "sign-in" (#sign-in), or none;
// `picker` says whether the user's teams stay on offer beneath it.

const PLATFORM_TEAM = "If it keeps happening, contact the platform team";

const seconds = (count) => `${count} second${count === 1 ? "" : "s"}`;

export function messageFor(outcome, team) {
  const wait = outcome.retryAfter ?? 10;
  switch (outcome.code) {
    case "unauthorized":
      return {
        text: "Your sign-in was not accepted, even after signing in again. Sign in again; " +
          `${PLATFORM_TEAM.toLowerCase()}.`,
        action: "sign-in",
      };
    case "invalid_domain_name":
      return {
        text: `“${team}” is not a team name. Check the link you used, or choose one of your teams.`,
        picker: true,
      };
    case "not_a_member":
      return {
        text: `You are not a member of team “${team}”. Choose one of your teams, or ask that team's ` +
          "lead to add you and then sign in again.",
        picker: true,
        action: "sign-in",
      };
    case "profile_owned_by_other":
      return {
        text: `Your Studio profile in team “${team}” belongs to another user account, so it stays ` +
          "closed to protect their work. Contact the platform team to have it fixed.",
        picker: true,
      };
    case "domain_not_found":
      return {
        text: `Team “${team}”'s Studio is not ready yet; it may still be being set up. ` +
          `Try again in a few minutes. ${PLATFORM_TEAM}.`,
        action: "retry",
        picker: true,
      };
    case "throttled":
      return {
        text: `Studio is getting many requests right now. Wait ${seconds(wait)}, then try again.`,
        action: "retry",
      };
    case "profile_not_ready":
      return {
        text: "Your Studio profile is still being created. Wait a minute, then try again. " +
          `${PLATFORM_TEAM}.`,
        action: "retry",
      };
    case "forbidden":
      return {
        text: `The request was blocked before it reached Studio. Try again; ${PLATFORM_TEAM.toLowerCase()}.`,
        action: "retry",
      };
    case "network":
    case "unavailable":
    case "upstream_error":
      return {
        text: "We cannot reach the Studio sign-in service right now. Check your network or VPN " +
          `connection, then try again. ${PLATFORM_TEAM}.`,
        action: "retry",
      };
    default:
      return {
        text: `Something went wrong on our side while opening Studio. Try again; ${PLATFORM_TEAM.toLowerCase()} ` +
          `and mention the time (${new Date().toLocaleString()}).`,
        action: "retry",
      };
  }
}

export const NO_TEAM = {
  text: "You are signed in, but you are not in any team yet. Ask your team lead or the platform team " +
    "to add you to a team, then sign in again.",
  action: "sign-in",
};

// The trigger found no groups because Entra ID sent a link to them instead (more groups than a
// token lists): no team, and only the identity team can fix it, by assigning the groups to the app.
export const GROUPS_OVERAGE = {
  text: "Your company account is in too many groups for the sign-in to list them; ask your identity team " +
    "to assign the Studio groups to the app (so the sign-in sends only those), then sign in again. " +
    `${PLATFORM_TEAM} and mention “groups overage”.`,
  action: "sign-in",
};

export const CONFIG_UNREACHABLE = {
  text: "We cannot reach the Studio sign-in service right now. Check your network or VPN connection, " +
    `then try again. ${PLATFORM_TEAM}.`,
  action: "retry",
};

export const CONFIG_INVALID = {
  text: "This sign-in page is not set up correctly, so it cannot sign you in. " +
    "Contact the platform team and tell them the page has no valid configuration.",
};

export function signinFailed(description) {
  const detail = description ? ` (Cognito said: ${description})` : "";
  return { text: `Sign-in did not finish${detail}. Sign in again.`, action: "sign-in" };
}
