// The search state as the URL holds it, and the JSON routes the page calls.

export const FILTERS = ["source", "country", "language", "category", "author"];
export const PAGE_SIZE = 10;

/** The search described by a query string: what the form, the facets and the chart set. */
export function stateFromUrl(search) {
  const params = new URLSearchParams(search);
  const state = {
    q: params.get("q") ?? "",
    sort: params.get("sort") ?? "relevance",
    from: params.get("from") ?? "",
    to: params.get("to") ?? "",
    collapse: params.get("collapse") !== "false", // one result per story unless unticked
    filters: Object.fromEntries(FILTERS.map((name) => [name, params.getAll(name)])),
    // how the date was found, whether a byline is named: the extractor's provenance
    dateSource: params.getAll("date_source"),
    hasByline: params.get("has_byline") ?? "",
  };
  return { state, article: params.get("article") };
}

/** The query string of a search: the same parameters /search, /export and the URL take. */
export function searchParams(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  for (const name of FILTERS) for (const value of state.filters[name]) params.append(name, value);
  if (state.from) params.set("from", state.from);
  if (state.to) params.set("to", state.to);
  for (const value of state.dateSource) params.append("date_source", value);
  if (state.hasByline) params.set("has_byline", state.hasByline);
  if (state.sort !== "relevance") params.set("sort", state.sort);
  return params;
}

/** The page's own URL for a search (an unticked "one result per story" is kept in it). */
export function pageUrl(state) {
  const params = searchParams(state);
  if (!state.collapse) params.set("collapse", "false");
  return `/?${params}`;
}

export class ApiError extends Error {}

/** GET a JSON route; an error answer becomes an ApiError with the API's own detail. */
export async function getJson(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    const detail = body?.detail;
    const text = Array.isArray(detail) ? detail.map((d) => d.msg).join("; ") : detail;
    throw new ApiError(text || `${path}: ${response.status}`);
  }
  return body;
}

/** One page of results: by page number when collapsed (the API pages stories so), else by cursor. */
export function search(state, { page = 1, cursor = null } = {}) {
  const params = searchParams(state);
  params.set("size", String(PAGE_SIZE));
  if (state.collapse) {
    params.set("collapse", "true");
    params.set("page", String(page));
  } else if (cursor) {
    params.set("cursor", cursor);
  }
  return getJson(`/search?${params}`);
}

/** Articles per period (`interval`: day, week or month) of the search's result set: /timeline. */
export function timeline(state, interval) {
  const params = searchParams(state);
  params.delete("sort");
  params.set("interval", interval);
  return getJson(`/timeline?${params}`);
}

/** The routes this API serves, read from its OpenAPI document: the page offers an export link and
 *  a story's pickups only where the routes behind them exist. */
export async function availableRoutes() {
  try {
    const document = await getJson("/openapi.json");
    return new Set(Object.keys(document.paths ?? {}));
  } catch {
    return new Set();
  }
}
