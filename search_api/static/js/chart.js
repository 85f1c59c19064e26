// The date histogram as a small SVG bar chart, by day, week or month as the dates the result set
// spans call for; a bar, clicked or chosen by keyboard, narrows the dates to its period.
import { el, svg } from "./dom.js";

const WIDTH = 240;
const HEIGHT = 90;
const AXIS = 14;
const SLOTS = 6; // a chart of one or two periods keeps thin bars, not one block
const DAY_MS = 86_400_000;
const DAYS_BY_DAY = 45; // up to this many days spanned: a bar per day (about six weeks)
const DAYS_BY_WEEK = 190; // up to this many (about six months): a bar per week; beyond, per month

const iso = (time) => new Date(time).toISOString().slice(0, 10);
const day = (text) => Date.parse(`${text}T00:00:00Z`);

/** The first and last day of a "YYYY-MM" month, as dates the API takes. */
export function monthRange(month) {
  const [year, number] = month.split("-").map(Number);
  const last = new Date(Date.UTC(year, number, 0)).getUTCDate();
  return { from: `${month}-01`, to: `${month}-${String(last).padStart(2, "0")}` };
}

/**
 * The chart's interval for a result set whose dated articles fall in `months` ("YYYY-MM", oldest
 * first: the /search month facet), within the chosen dates `from`..`to` ("" when open): the days
 * from its first day to its last decide.
 */
export function chartInterval(months, from = "", to = "") {
  if (!months.length) return "month";
  let first = day(`${months[0]}-01`);
  let last = day(monthRange(months[months.length - 1]).to);
  if (from) first = Math.max(first, day(from));
  if (to) last = Math.min(last, day(to));
  const days = (last - first) / DAY_MS + 1;
  if (days <= DAYS_BY_DAY) return "day";
  return days <= DAYS_BY_WEEK ? "week" : "month";
}

/** The dates a bar stands for: a day ("YYYY-MM-DD"), the week starting on a Monday
 *  ("YYYY-MM-DD", as /timeline names weeks) or a month ("YYYY-MM"). */
export function periodRange(interval, period) {
  if (interval === "month") return monthRange(period);
  if (interval === "week") return { from: period, to: iso(day(period) + 6 * DAY_MS) };
  return { from: period, to: period };
}

const named = { day: (p) => p, week: (p) => `week of ${p}`, month: (p) => p };

/**
 * The chart of `buckets` ([{value, count}], oldest first; values name periods of `interval`);
 * `onPick(value)` on a bar.
 */
export function histogram(buckets, interval, onPick) {
  if (!buckets.length) return el("p", { class: "help" }, "No dated articles.");
  const top = Math.max(...buckets.map((b) => b.count));
  const step = WIDTH / Math.max(buckets.length, SLOTS);
  const bars = buckets.map((bucket, i) => {
    const height = Math.max(1, ((HEIGHT - AXIS) * bucket.count) / top);
    const label = `${named[interval](bucket.value)}: ${bucket.count} articles`;
    const pick = () => onPick(bucket.value);
    return svg("rect", {
      class: "bar", x: i * step + step * 0.1, y: HEIGHT - AXIS - height, width: step * 0.8, height,
      tabindex: 0, role: "button", "aria-label": `${label}, show only this ${interval}`,
      "data-period": bucket.value,
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
  return svg("svg", { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: "group", "data-interval": interval,
                      "aria-label": `Articles published per ${interval}` }, ...bars, ...axis);
}
