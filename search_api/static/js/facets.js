// Facets as groups of checkboxes with counts: any of the ticked values (the API's multi-select
// semantics, where a facet's counts apply every filter but its own).
import { el } from "./dom.js";

const TITLES = { source: "Paper", country: "Country", language: "Language", category: "Category",
                 author: "Author" };

/**
 * The facet groups of an answer. A ticked value the answer no longer counts stays listed (with 0),
 * so it can be unticked. `names` maps a source id to its paper's name; `onChange(name, values)`.
 */
export function facetGroups(facets, chosen, names, onChange) {
  return Object.entries(TITLES).map(([name, title]) => {
    const buckets = [...(facets[name] ?? [])];
    for (const value of chosen[name]) {
      if (!buckets.some((b) => b.value === value)) buckets.push({ value, count: 0 });
    }
    if (!buckets.length) return null;
    const group = el("fieldset", { class: "facet", "data-facet": name }, el("legend", {}, title));
    buckets.forEach((bucket, i) => {
      const id = `facet-${name}-${i}`;
      const box = el("input", {
        type: "checkbox", id, name, value: bucket.value, checked: chosen[name].includes(bucket.value),
        onchange: () => {
          const ticked = Array.from(group.querySelectorAll("input:checked"), (input) => input.value);
          onChange(name, ticked);
        },
      });
      const text = name === "source" ? names.get(bucket.value) ?? bucket.value : bucket.value;
      group.append(el("label", { for: id }, box, el("span", {}, text),
                      el("span", { class: "count", "data-count": bucket.count }, String(bucket.count))));
    });
    return group;
  }).filter(Boolean);
}
