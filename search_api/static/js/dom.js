// Building the page with DOM methods only: no field of an answer is ever inserted as markup.

/** An element with attributes (on* handlers as functions) and children (nodes or text). */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children.flat(Infinity).filter((c) => c !== null && c !== undefined));
  return node;
}

const SVG = "http://www.w3.org/2000/svg";

/** An SVG element with attributes and children. */
export function svg(tag, attributes = {}, ...children) {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, String(value));
  }
  node.append(...children);
  return node;
}

/**
 * A highlight fragment as nodes. The API's fragments are HTML: the article's text escaped, the
 * matches between <mark> tags. The fragment is parsed into an inert document (nothing in it runs
 * or loads) and only its text and its <mark> elements are carried over, as text: anything else a
 * fragment might hold arrives as plain characters.
 */
export function highlighted(fragment) {
  const parsed = new DOMParser().parseFromString(fragment, "text/html");
  return Array.from(parsed.body.childNodes, (node) =>
    node.nodeName === "MARK" ? el("mark", {}, node.textContent) : document.createTextNode(node.textContent));
}

/** A date as the reader's locale writes it, or "" when the article has none. */
export function formatDate(iso) {
  if (!iso) return "";
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? "" : date.toLocaleDateString(undefined, { dateStyle: "medium" });
}
