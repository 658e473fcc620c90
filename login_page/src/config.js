// The deployment's values come from /config.json, written next to the page at deploy time
// (studio_constructs/login_page_contract.py CONFIG_KEYS); nothing about a deployment is built in.
const CONFIG_KEYS = ["apiUrl", "cognitoDomain", "clientId", "issuer"];
// Optional: identityProvider, the user pool's name of the corporate identity provider.
const OPTIONAL_CONFIG_KEYS = ["identityProvider"];
// Cognito's ProviderName: 1 to 32 characters, no whitespace, not starting or ending with "_".
const PROVIDER_NAME = /^[^_\s](?:\S{0,30}[^_\s])?$/u;

export class ConfigUnreachable extends Error {}
export class ConfigInvalid extends Error {}

export async function loadConfig() {
  let response;
  try {
    response = await fetch("/config.json", { cache: "no-store", credentials: "same-origin" });
  } catch (error) {
    throw new ConfigUnreachable(String(error));
  }
  if (!response.ok) {
    // 5xx: the host is having trouble, worth a retry; 4xx: the file was never deployed.
    const Problem = response.status >= 500 ? ConfigUnreachable : ConfigInvalid;
    throw new Problem(`config.json: HTTP ${response.status}`);
  }
  let raw;
  try {
    raw = await response.json();
  } catch {
    throw new ConfigInvalid("config.json is not JSON");
  }
  return parseConfig(raw);
}

export function parseConfig(raw) {
  if (raw === null || typeof raw !== "object") throw new ConfigInvalid("config.json is not an object");
  const missing = CONFIG_KEYS.filter((key) => typeof raw[key] !== "string" || raw[key] === "");
  if (missing.length) throw new ConfigInvalid(`config.json lacks ${missing.join(", ")}`);
  for (const key of ["apiUrl", "cognitoDomain", "issuer"]) {
    if (!isHttpUrl(raw[key])) throw new ConfigInvalid(`config.json: ${key} is not an http(s) URL`);
  }
  return {
    // Relative API paths are appended to apiUrl, so it must end with "/" (API Gateway's stage URL does).
    apiUrl: raw.apiUrl.endsWith("/") ? raw.apiUrl : `${raw.apiUrl}/`,
    cognitoDomain: raw.cognitoDomain.replace(/\/+$/, ""),
    clientId: raw.clientId,
    issuer: raw.issuer,
    [OPTIONAL_CONFIG_KEYS[0]]: identityProviderOf(raw[OPTIONAL_CONFIG_KEYS[0]]),
  };
}

function identityProviderOf(value) {
  if (value === undefined || value === null) return null;
  if (typeof value !== "string" || !PROVIDER_NAME.test(value)) {
    throw new ConfigInvalid("config.json: identityProvider is not a user pool provider name");
  }
  return value;
}

function isHttpUrl(text) {
  try {
    return ["https:", "http:"].includes(new URL(text).protocol);
  } catch {
    return false;
  }
}
