// The page's DOM (the browser test relies on these ids): #status announces progress politely,
// #message (role="alert") holds what went wrong and its button (#retry, #sign-in), the picker is
// <fieldset id="team-picker"> with one button.team per team, #sign-out appears once signed in,
// a#local-account (beneath some messages) leads local accounts to the hosted UI's form.
// Text goes in through textContent only: team names come from the URL and must never become markup.

const byId = (id) => document.getElementById(id);

const ACTION_LABELS = { retry: "Try again", "sign-in": "Sign in again" };

export function setStatus(text) {
  byId("status").textContent = text;
}

export function clearMessage() {
  byId("message").replaceChildren();
}

/** Shows the message and its button, and moves focus there so a screen reader reads it first. */
export function showMessage({ text, action }, handlers) {
  const message = byId("message");
  const paragraph = document.createElement("p");
  paragraph.textContent = text;
  message.replaceChildren(paragraph);
  if (action && handlers[action]) {
    const button = document.createElement("button");
    button.type = "button";
    button.id = action;
    button.textContent = ACTION_LABELS[action];
    button.addEventListener("click", handlers[action], { once: true });
    message.append(button);
  }
  setStatus("");
  message.focus();
}

/** One button per team, the last team used first; focus goes to the first unless a message has it. */
export function showPicker(teams, { lastTeam, onPick, focus }) {
  const ordered = lastTeam && teams.includes(lastTeam)
    ? [lastTeam, ...teams.filter((team) => team !== lastTeam)]
    : [...teams];
  const picker = document.createElement("fieldset");
  picker.id = "team-picker";
  const legend = document.createElement("legend");
  legend.textContent = "Choose the team whose Studio you want to open";
  const list = document.createElement("div");
  list.className = "teams";
  for (const team of ordered) {
    const button = document.createElement("button");
    button.type = "button";
    button.className = "team";
    button.dataset.team = team;
    button.textContent = team;
    if (team === lastTeam) {
      const hint = document.createElement("span");
      hint.className = "hint";
      hint.textContent = " (last used)";
      button.append(hint);
    }
    button.addEventListener("click", () => onPick(team));
    list.append(button);
  }
  picker.append(legend, list);
  byId("choices").replaceChildren(picker);
  if (focus) list.firstElementChild?.focus();
}

/** The way in for local (break-glass) accounts, beneath a message, when the page uses a company IdP. */
export function offerLocalAccount() {
  const link = document.createElement("a");
  link.id = "local-account";
  link.href = "/?account=local";
  link.textContent = "Sign in with a local account";
  const paragraph = document.createElement("p");
  paragraph.className = "local-account";
  paragraph.append(link);
  byId("message").append(paragraph);
}

export function hidePicker() {
  byId("choices").replaceChildren();
}

/** Stops a second click from starting a second request while one is under way. */
export function setBusy(busy) {
  for (const button of document.querySelectorAll("#team-picker button, #message button")) {
    button.disabled = busy;
  }
  // No aria-busy on #app: screen readers would hold back #status's progress while it is set.
}

export function showSignedIn(name, onSignOut) {
  const account = byId("account");
  const who = document.createElement("span");
  who.className = "who";
  who.textContent = name ? `Signed in as ${name}` : "Signed in";
  const button = document.createElement("button");
  button.type = "button";
  button.id = "sign-out";
  button.textContent = "Sign out";
  button.addEventListener("click", onSignOut, { once: true });
  account.replaceChildren(who, button);
}
