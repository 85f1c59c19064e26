// One result: its title, paper and date, the highlighted passages, and, when the results are one
// per story, the other papers that published it ("also published by").
import { el, formatDate, highlighted } from "./dom.js";

const SNIPPET_FIELDS = ["standfirst", "body"];

/** The heading's text: the highlighted title when the query matched it, else the plain title. */
function title(hit) {
  const fragments = hit.highlights.title;
  return fragments?.length ? highlighted(fragments[0]) : [hit.title || hit.url];
}

function snippet(hit) {
  for (const field of SNIPPET_FIELDS) {
    const fragments = hit.highlights[field];
    if (fragments?.length) {
      return el("p", { class: "snippet" }, fragments.map((f, i) => [i ? " … " : "", ...highlighted(f)]));
    }
  }
  return hit.standfirst ? el("p", { class: "snippet" }, hit.standfirst) : null;
}

function meta(hit) {
  const parts = [hit.source_name ?? hit.source_id, hit.country, formatDate(hit.published_at)];
  return el("p", { class: "meta" }, parts.filter(Boolean).join(" · "));
}

function copies(hit, onOpen) {
  if (!hit.copies.length) return null;
  const items = hit.copies.map((copy) => el("li", {},
    el("a", { href: `/?article=${encodeURIComponent(copy.id)}`,
              onclick: (event) => { event.preventDefault(); onOpen(copy.id, hit); } },
       copy.source_name ?? copy.source_id ?? copy.url),
    copy.published_at ? ` (${formatDate(copy.published_at)})` : ""));
  return el("p", { class: "copies" }, "Also published by ", el("ul", {}, items));
}

/** The list item of a hit; `onOpen(id, hit)` opens the story view. */
export function hitItem(hit, onOpen) {
  const link = el("a", {
    href: `/?article=${encodeURIComponent(hit.id)}`,
    onclick: (event) => { event.preventDefault(); onOpen(hit.id, hit); },
  }, title(hit));
  return el("li", { "data-id": hit.id }, el("h3", {}, link), meta(hit), snippet(hit), copies(hit, onOpen));
}
