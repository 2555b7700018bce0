/** The site's one stylesheet, served under a content-hashed name (`assets.ts`). */
export const SITE_CSS = `
:root { --ink: #1b1b1b; --muted: #555; --line: #d0d0d0; --accent: #0b5394; --bar: #2f6fa7; --bg: #fff; --soft: #f3f5f8; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid #e07b00; outline-offset: 2px; }
.skip { position: absolute; left: -10000px; top: 0; }
.skip:focus { left: 0.5rem; top: 0.5rem; background: var(--bg); padding: 0.5rem; z-index: 1; }
header.site, footer.site { background: var(--soft); border-bottom: 1px solid var(--line); }
footer.site { border-top: 1px solid var(--line); border-bottom: 0; margin-top: 3rem; font-size: 0.9rem; color: var(--muted); }
.wrap { max-width: 64rem; margin: 0 auto; padding: 0.75rem 1rem; }
header.site .wrap { display: flex; flex-wrap: wrap; gap: 0.5rem 1.5rem; align-items: baseline; }
header.site .brand { font-weight: 700; font-size: 1.15rem; text-decoration: none; color: var(--ink); }
nav ul { list-style: none; margin: 0; padding: 0; display: flex; flex-wrap: wrap; gap: 0.25rem 1rem; }
main { max-width: 64rem; margin: 0 auto; padding: 0 1rem; }
h1 { font-size: 1.6rem; line-height: 1.25; margin: 1.25rem 0 0.5rem; }
h2 { font-size: 1.25rem; margin: 2rem 0 0.5rem; }
h3 { font-size: 1.05rem; margin: 1.25rem 0 0.25rem; }
.meta { color: var(--muted); font-size: 0.95rem; }
.note { background: #fff8e1; border-left: 4px solid #c98a00; padding: 0.5rem 0.75rem; }
.table-scroll { overflow-x: auto; max-width: 100%; }
table { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 0.25rem 0; }
th, td { padding: 0.35rem 0.5rem; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
th { background: var(--soft); white-space: nowrap; }
tbody th { background: none; font-weight: 400; white-space: normal; }
td.num, th.num { text-align: right; }
th button { font: inherit; font-weight: 700; background: none; border: 0; padding: 0; color: var(--accent); cursor: pointer; text-decoration: underline; }
th[aria-sort="ascending"] button::after { content: " \\25B2"; }
th[aria-sort="descending"] button::after { content: " \\25BC"; }
td.bar { width: 35%; min-width: 5rem; }
svg.bar { display: block; width: 100%; height: 0.9rem; }
svg.bar rect { fill: var(--bar); }
.chart { margin: 1rem 0; }
.chart svg { max-width: 100%; height: auto; display: block; }
.chart .bars rect { fill: var(--bar); }
.chart .axis line { stroke: var(--line); }
.chart text { font-size: 12px; fill: var(--ink); }
.sources { display: grid; gap: 1rem 2rem; grid-template-columns: repeat(auto-fit, minmax(18rem, 1fr)); }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); clip-path: inset(50%); white-space: nowrap; }
form.subscribe { display: grid; gap: 0.75rem; max-width: 28rem; }
form.subscribe label { display: grid; gap: 0.2rem; font-weight: 600; }
form.subscribe input { font: inherit; padding: 0.4rem; border: 1px solid #767676; border-radius: 3px; }
form.subscribe .hint { font-weight: 400; color: var(--muted); font-size: 0.9rem; }
form.subscribe .trap { position: absolute; left: -10000px; }
form.subscribe button { font: inherit; padding: 0.5rem 1rem; background: var(--accent); color: #fff; border: 0; border-radius: 3px; cursor: pointer; justify-self: start; }
ul.changes { padding-left: 1.2rem; }
@media (max-width: 40rem) {
  body { font-size: 15px; }
  th, td { padding: 0.3rem 0.35rem; }
  td.bar { min-width: 3rem; }
  .hide-narrow { display: none; }
}
`;
