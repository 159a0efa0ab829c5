// The JSON API of DESIGN.md §7, as the voting pages use it. Casting sends no
// cookie (credentials: "omit"): the ballot must not be joinable to a session.
export class ApiError extends Error {
  constructor(code, message, status) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

async function call(url, { method = "GET", body, credentials = "same-origin", headers = {} } = {}) {
  let response;
  try {
    response = await fetch(url, {
      method, credentials, cache: "no-store",
      headers: body === undefined ? headers : { "Content-Type": "application/json", ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (error) {
    throw new ApiError("network", error.message, 0);
  }
  let data = null;
  try {
    data = await response.json();
  } catch {
    throw new ApiError(response.ok ? "bad_answer" : "http_" + response.status, `HTTP ${response.status}`, response.status);
  }
  if (!response.ok) throw new ApiError(data?.error ?? "http_" + response.status, data?.message ?? "", response.status);
  return data;
}

export function api(base, slug, csrf) {
  const root = `${base}/elections/${encodeURIComponent(slug)}`;
  return {
    election: () => call(root),
    eligibility: () => call(`${root}/eligibility`),
    token: (blindedMsg) => call(`${root}/tokens`, { method: "POST", body: { blinded_msg: blindedMsg }, headers: { "X-CSRFToken": csrf ?? "" } }),
    board: (code) => call(`${root}/board/${code}`, { credentials: "omit" }),
    cast: (ballot) => call(`${root}/ballots`, { method: "POST", body: ballot, credentials: "omit" }),
  };
}
