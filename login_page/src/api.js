// The presign API: GET {apiUrl}domainName/{team}/getPresignedUrl with the access token.
// Every outcome becomes one value the page can act on; nothing here touches the DOM.

// API Gateway gives up after 29 s; a little longer here so its own answer wins.
const TIMEOUT_MS = 35000;

/**
 * Resolves to {ok: true, url} or {ok: false, code, status, retryAfter, message}; `code` is the
 * API's error code, or "network" when no answer came back (unreachable, CORS refusal, timeout).
 */
export async function requestStudioUrl(config, accessToken, team) {
  const endpoint = `${config.apiUrl}domainName/${encodeURIComponent(team)}/getPresignedUrl`;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  let response;
  try {
    response = await fetch(endpoint, {
      headers: { Authorization: `Bearer ${accessToken}` },
      credentials: "omit",
      cache: "no-store",
      referrerPolicy: "no-referrer",
      signal: abort.signal,
    });
  } catch {
    return { ok: false, code: "network", status: 0, retryAfter: null, message: "" };
  } finally {
    clearTimeout(timer);
  }
  const body = await response.json().catch(() => ({}));
  if (response.ok) {
    const url = studioUrl(body && body.url);
    if (url) return { ok: true, url };
    return { ok: false, code: "internal_error", status: response.status, retryAfter: null, message: "" };
  }
  return {
    ok: false,
    code: errorCode(body, response.status),
    status: response.status,
    retryAfter: retryAfterSeconds(response.headers.get("Retry-After")),
    message: body && typeof body.message === "string" ? body.message : "",
  };
}

// The codes the presign function answers with; an answer without one (API Gateway's own 401,
// 403 from WAF, 429 from the stage's throttling, 5xx from the integration) maps by status.
const KNOWN_CODES = new Set([
  "unauthorized", "invalid_domain_name", "not_a_member", "profile_owned_by_other", "domain_not_found",
  "throttled", "profile_not_ready", "unavailable", "upstream_error", "internal_error",
]);

function errorCode(body, status) {
  if (body && KNOWN_CODES.has(body.code)) return body.code;
  if (status === 401) return "unauthorized";
  if (status === 403) return "forbidden";
  if (status === 429) return "throttled";
  if (status === 502 || status === 504) return "upstream_error";
  if (status === 503) return "unavailable";
  return "internal_error";
}

// Retry-After in seconds (the API never sends the HTTP-date form); null when absent or odd.
export function retryAfterSeconds(header) {
  if (header === null || !/^\s*\d+\s*$/.test(header)) return null;
  return Number.parseInt(header, 10);
}

// Only a web URL may become a navigation: a javascript: or data: URL from a broken API must not.
// http only while the page itself runs on loopback (the browser test's stand-ins).
function studioUrl(candidate) {
  if (typeof candidate !== "string") return null;
  let url;
  try {
    url = new URL(candidate);
  } catch {
    return null;
  }
  const loopback = ["localhost", "127.0.0.1", "[::1]"].includes(window.location.hostname);
  if (url.protocol === "https:" || (loopback && url.protocol === "http:")) return url.href;
  return null;
}
