// The date histogram as a small SVG bar chart; a bar, clicked or chosen by keyboard, narrows the
// dates to its month.
import { el, svg } from "./dom.js";

const WIDTH = 240;
const HEIGHT = 90;
const AXIS = 14;
const SLOTS = 6; // a chart of one or two months keeps thin bars, not one block

/** The first and last day of a "YYYY-MM" month, as dates the API takes. */
export function monthRange(month) {
  const [year, number] = month.split("-").map(Number);
  const last = new Date(Date.UTC(year, number, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, "0")}` };
}

/** The chart of `buckets` ([{value: "2025-03", count}], oldest first); `onPick(month)` on a bar. */
export function histogram(buckets, onPick) {
  if (!buckets.length) return el("p", { class: "help" }, "No dated articles.");
  const top = Math.max(...buckets.map((b) => b.count));
  const step = WIDTH / Math.max(buckets.length, SLOTS);
  const bars = buckets.map((bucket, i) => {
    const height = Math.max(1, ((HEIGHT - AXIS) * bucket.count) / top);
    const label = `${bucket.value}: ${bucket.count} articles`;
    const pick = () => onPick(bucket.value);
    return svg("rect", {
      class: "bar", x: i * step + step * 0.1, y: HEIGHT - AXIS - height, width: step * 0.8, height,
      tabindex: 0, role: "button", "aria-label": `${label}, show only this month`,
      "data-month": bucket.value,
      onclick: pick,
      onkeydown: (event) => {
        if (event.key === "Enter" || event.key === " ") { event.preventDefault(); pick(); }
      },
    }, svg("title", {}, label));
  });
  const ends = buckets.length > 1 ? [buckets[0], buckets[buckets.length - 1]] : [buckets[0]];
  const axis = ends.map((bucket, i) =>
    svg("text", { x: i === 0 ? 0 : step * buckets.length, y: HEIGHT - 2,
                  "text-anchor": i === 0 ? "start" : "end" }, bucket.value));
  return svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "group",
                      "aria-label": "Articles published per month" }, ...bars, ...axis);
}
