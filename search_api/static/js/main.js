// The search page's controller: the URL holds the search, each change runs it again, and the
// answer is drawn into the results, the facets and the chart; ?article=ID shows a story.
import { availableRoutes, getJson, pageUrl, search, searchParams, stateFromUrl, timeline } from "./api.js";
import { chartInterval, histogram, periodRange } from "./chart.js";
import { el } from "./dom.js";
import { facetGroups } from "./facets.js";
import { hitItem } from "./results.js";
import { showStory } from "./story.js";

const $ = (id) => document.getElementById(id);
// `ticket` numbers the requests: an answer that arrives after a later request was made is dropped,
// so a slow answer to an earlier search never replaces a newer one
const view = { state: null, page: 1, cursors: [null], fromResults: false, ticket: 0 };
let routes = new Set();
let sourceNames = new Map();

function fillForm(state) {
  $("q").value = state.q;
  $("sort").value = state.sort;
  $("from").value = state.from;
  $("to").value = state.to;
  $("collapse").checked = state.collapse;
  for (const box of dateSourceBoxes()) box.checked = state.dateSource.includes(box.value);
  $("has-byline").value = state.hasByline;
}

const dateSourceBoxes = () => document.querySelectorAll("#date-source input");

function readForm() {
  return { ...view.state, q: $("q").value.trim(), sort: $("sort").value, from: $("from").value,
           to: $("to").value, collapse: $("collapse").checked,
           dateSource: Array.from(dateSourceBoxes()).filter((b) => b.checked).map((b) => b.value),
           hasByline: $("has-byline").value };
}

function showPanels(story) {
  $("results").hidden = story;
  $("refine").hidden = story;
  $("story").hidden = !story;
}

function showError(error) {
  $("error").textContent = error.message;
  $("error").hidden = false;
  $("summary").textContent = "";
}

/** Run `state` from its first page; `push` records it in the browser's history. */
async function runSearch(state, { push = true } = {}) {
  view.state = state;
  view.page = 1;
  view.cursors = [null];
  if (push) history.pushState(null, "", pageUrl(state));
  fillForm(state);
  await loadPage();
}

async function loadPage() {
  const { state, page, cursors } = view;
  const ticket = ++view.ticket;
  showPanels(false);
  $("error").hidden = true;
  $("results").setAttribute("aria-busy", "true");
  try {
    const answer = await search(state, state.collapse ? { page } : { cursor: cursors[page - 1] });
    if (ticket !== view.ticket) return;
    // cursor pages carry no facets: the first page's refinements and chart stay
    const chart = Object.keys(answer.facets).length ? await datesChart(state, answer.facets) : null;
    if (ticket !== view.ticket) return;
    if (!state.collapse && answer.next_cursor) cursors[page] = answer.next_cursor;
    render(state, answer, chart);
  } catch (error) {
    if (ticket === view.ticket) showError(error);
  } finally {
    if (ticket === view.ticket) $("results").removeAttribute("aria-busy");
  }
}

const counted = (n, one, many) => `${n.toLocaleString()} ${n === 1 ? one : many}`;

function summary(state, answer) {
  const counts = [counted(answer.total, "article", "articles")];
  if (answer.stories !== null) counts.push(counted(answer.stories, "story", "stories"));
  return counts.join(", ") + (state.q ? ` for “${state.q}”` : "");
}

/**
 * The dates chart of a search: by month from the answer's own month facet, or, when its dates span
 * a few months or weeks only, by week or day from /timeline (the same selection).
 */
async function datesChart(state, facets) {
  const months = facets.month ?? [];
  const interval = chartInterval(months.map((b) => b.value), state.from, state.to);
  if (interval !== "month" && routes.has("/timeline")) {
    try {
      const answer = await timeline(state, interval);
      const points = answer.series.flatMap((s) => s.points).filter((p) => p.articles > 0);
      return { interval, buckets: points.map((p) => ({ value: p.period, count: p.articles })) };
    } catch {
      // the monthly chart the search answer carries is still right
    }
  }
  return { interval: "month", buckets: months };
}

function render(state, answer, chart) {
  $("summary").textContent = summary(state, answer);
  $("hits").replaceChildren(...answer.hits.map((hit) => hitItem(hit, (id, from) => openStory(id, from))));
  if (chart) renderRefine(state, answer.facets, chart);
  const more = state.collapse
    ? answer.hits.length === answer.size && view.page * answer.size < (answer.stories ?? answer.total)
    : Boolean(answer.next_cursor);
  $("previous").hidden = view.page === 1;
  $("next").hidden = !more;
  $("position").textContent = answer.hits.length ? `Page ${view.page}` : "";
  const exportable = routes.has("/export") && answer.total > 0;
  $("export").hidden = !exportable;
  if (exportable) $("export-link").href = `/export?${searchParams(state)}&format=csv`;
}

function renderRefine(state, facets, chart) {
  const narrow = (changes) => runSearch({ ...state, ...changes });
  $("facets").replaceChildren(...facetGroups(facets, state.filters, sourceNames,
    (name, values) => narrow({ filters: { ...state.filters, [name]: values } })));
  $("dates-title").textContent = `Published per ${chart.interval}`;
  $("histogram").replaceChildren(histogram(chart.buckets, chart.interval,
    (period) => narrow(periodRange(chart.interval, period))));
  $("clear-dates").hidden = !(state.from || state.to);
}

async function turnPage(step) {
  view.page += step;
  await loadPage();
  $("results").focus();
}

/** The story view of article `id`; `hit` is the result it was opened from. */
async function openStory(id, hit = null, { push = true } = {}) {
  const ticket = ++view.ticket;
  if (push) history.pushState(null, "", `/?article=${encodeURIComponent(id)}`);
  view.fromResults = view.fromResults || (push && view.state !== null);
  showPanels(true);
  const story = $("story");
  story.replaceChildren(el("p", { role: "status" }, "Loading…"));
  try {
    await showStory(story, id, {
      current: () => ticket === view.ticket,
      hit, routes,
      onOpen: (other) => openStory(other),
      onBack: () => (view.fromResults ? history.back() : runSearch(stateFromUrl("").state)),
    });
  } catch (error) {
    if (ticket === view.ticket) story.replaceChildren(el("p", { role: "alert" }, error.message));
  }
  if (ticket === view.ticket) story.focus();
}

/** Show what the current URL describes (on load and on the browser's back and forward). */
async function route() {
  const { state, article } = stateFromUrl(location.search);
  if (article) {
    await openStory(article, null, { push: false });
  } else {
    view.fromResults = false;
    await runSearch(state, { push: false });
  }
}

async function boot() {
  $("search").addEventListener("submit", (event) => {
    event.preventDefault();
    runSearch(readForm());
  });
  for (const control of [...["sort", "from", "to", "collapse", "has-byline"].map($), ...dateSourceBoxes()]) {
    control.addEventListener("change", () => runSearch(readForm()));
  }
  $("clear-dates").addEventListener("click", () => runSearch({ ...view.state, from: "", to: "" }));
  $("previous").addEventListener("click", () => turnPage(-1));
  $("next").addEventListener("click", () => turnPage(1));
  window.addEventListener("popstate", route);
  const [known, sources] = await Promise.all([
    availableRoutes(), getJson("/sources").catch(() => ({ sources: [] }))]);
  routes = known;
  sourceNames = new Map(sources.sources.map((s) => [s.id, s.name]));
  await route();
}

boot();
