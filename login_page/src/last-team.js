// The team a user last opened, so the picker offers it first tomorrow. Only the team's name is
// kept in localStorage (it outlives the tab on purpose); tokens never go there.
const LAST_TEAM_KEY = "studio-login:last-team";

export function readLastTeam() {
  try {
    return window.localStorage.getItem(LAST_TEAM_KEY);
  } catch {
    return null; // storage blocked by the browser's privacy settings: no memory, no harm
  }
}

export function rememberTeam(team) {
  try {
    window.localStorage.setItem(LAST_TEAM_KEY, team);
  } catch {
    // as above
  }
}
