// The story view: one article in full, the other pages of its story (with the reprint graph's
// first publisher and pickup lags where the API serves /stories) and similar articles.
import { getJson } from "./api.js";
import { el, formatDate } from "./dom.js";

const STORIES_ROUTE = "/stories/{cluster_id}";

function lag(seconds) {
  if (seconds === null || seconds === undefined) return "";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `+${minutes} min`;
  const hours = Math.floor(minutes / 60);
  return hours < 48 ? `+${hours} h ${minutes % 60} min` : `+${Math.round(hours / 24)} days`;
}

function storyLink(copy, onOpen, text) {
  return el("a", { href: `/?article=${encodeURIComponent(copy.id)}`,
                   onclick: (event) => { event.preventDefault(); onOpen(copy.id); } }, text);
}

/** The reprint graph of the story (/stories): who published first, who picked it up, how late. */
function pickupTable(story, onOpen) {
  const row = (copy, role) => el("tr", { "data-id": copy.id },
    el("td", {}, storyLink(copy, onOpen, copy.source_name ?? copy.source_id ?? copy.url)),
    el("td", {}, role), el("td", {}, formatDate(copy.published_at)),
    el("td", {}, copy.title ?? ""));
  const head = el("tr", {}, ...["Paper", "", "Published", "Headline"].map((h) => el("th", { scope: "col" }, h)));
  return el("table", { class: "copies-table" },
    el("caption", { class: "help" }, `${story.copies} pages of this story`),
    el("thead", {}, head),
    el("tbody", {}, row(story.first, "first"), ...story.pickups.map((p) => row(p, lag(p.lag_seconds)))));
}

/** The copies a collapsed search result carried, when the API has no /stories. */
function copyList(copies, onOpen) {
  return el("ul", { class: "copies-list" }, copies.map((copy) => el("li", { "data-id": copy.id },
    storyLink(copy, onOpen, copy.source_name ?? copy.source_id ?? copy.url),
    copy.published_at ? ` (${formatDate(copy.published_at)})` : "")));
}

async function copiesSection(article, hit, routes, onOpen) {
  const section = el("section", { "aria-labelledby": "copies-title" },
                     el("h3", { id: "copies-title" }, "Copies of this story"));
  if (routes.has(STORIES_ROUTE) && article.cluster_id) {
    const story = await getJson(`/stories/${encodeURIComponent(article.cluster_id)}`);
    section.append(story.pickups.length ? pickupTable(story, onOpen) : el("p", {}, "No other paper published it."));
    if (story.headlines.length > 1) {
      section.append(el("h4", {}, "Headlines"), el("ul", { class: "headlines" }, story.headlines.map((h) =>
        el("li", {}, h.title, el("span", { class: "meta" }, ` — ${h.sources.join(", ")}`)))));
    }
    return section;
  }
  const copies = (hit?.id === article.id ? hit.copies : []) ?? [];
  section.append(copies.length ? copyList(copies, onOpen) : el("p", {}, "No other copy among the results."));
  return section;
}

async function similarSection(article, onOpen) {
  const similar = await getJson(`/articles/${encodeURIComponent(article.id)}/similar?size=5`);
  const items = similar.hits.map((h) => el("li", { "data-id": h.id },
    storyLink(h, onOpen, h.title || h.url), " ",
    el("span", { class: "meta" }, [h.source_name, formatDate(h.published_at)].filter(Boolean).join(" · "))));
  return el("section", { "aria-labelledby": "similar-title" },
            el("h3", { id: "similar-title" }, "Similar articles"),
            items.length ? el("ol", {}, items) : el("p", {}, "None found."));
}

/** Fill `container` with the story view of article `id`, unless `current()` says another view was
 *  asked for meanwhile; `hit` is the search result it was opened from, if any; `onOpen(id)` opens
 *  another; `onBack()` returns to the results. */
export async function showStory(container, id, { current, hit, routes, onOpen, onBack }) {
  const article = await getJson(`/articles/${encodeURIComponent(id)}`);
  const paragraphs = article.body.split(/\n\s*\n/).filter((p) => p.trim()).map((p) => el("p", {}, p));
  const byline = article.authors.length ? `By ${article.authors.join(", ")}` : "";
  const [copies, similar] = await Promise.all([
    copiesSection(article, hit, routes, onOpen), similarSection(article, onOpen)]);
  if (!current()) return;
  container.replaceChildren(...[
    el("button", { type: "button", onclick: onBack }, "Back to results"),
    el("h2", { id: "story-title" }, article.title || article.url),
    el("p", { class: "meta" }, [article.source_name, article.country, formatDate(article.published_at),
                                byline].filter(Boolean).join(" · ")),
    el("p", {}, el("a", { href: article.url, rel: "noopener noreferrer" }, "Read it on the paper's site")),
    article.standfirst ? el("p", {}, el("strong", {}, article.standfirst)) : null,
    el("div", { class: "body" }, paragraphs),
    copies, similar,
  ].filter(Boolean));
  container.setAttribute("aria-labelledby", "story-title");
}
