"""The site's one stylesheet: system fonts only (no font downloads), a readable measure, a sidebar
that moves above the content on narrow screens, and the colours of the highlighter's tokens."""
from __future__ import annotations

STYLE = """:root {
  --text: #1f2328; --muted: #59636e; --bg: #ffffff; --panel: #f6f8fa; --line: #d1d9e0;
  --accent: #0b5cad; --code-bg: #f6f8fa;
  --kw: #a626a4; --str: #2b7a0b; --com: #57606a; --num: #b35900; --key: #0550ae; --var: #953800;
}
@media (prefers-color-scheme: dark) {
  :root {
    --text: #e6edf3; --muted: #9198a1; --bg: #0d1117; --panel: #151b23; --line: #3d444d;
    --accent: #6cb6ff; --code-bg: #151b23;
    --kw: #d2a8ff; --str: #7ee787; --com: #8b949e; --num: #ffa657; --key: #79c0ff; --var: #ffa198;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body {
  margin: 0; color: var(--text); background: var(--bg);
  font: 17px/1.65 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
a { color: var(--accent); }
p.engine { color: var(--muted); font-size: .95rem; border-left: 3px solid var(--line); padding-left: .75rem; }
a:focus-visible, summary:focus-visible { outline: 2px solid var(--accent); outline-offset: 2px; }
.skip { position: absolute; left: -999px; }
.skip:focus { left: 1rem; top: 1rem; background: var(--bg); padding: .25rem .5rem; }
.site-header { padding: .75rem 1.5rem; border-bottom: 1px solid var(--line); background: var(--panel); }
.site-header a { font-weight: 600; text-decoration: none; color: var(--text); }
.layout { display: grid; grid-template-columns: 16rem minmax(0, 1fr); max-width: 78rem; margin: 0 auto; }
.sidebar { padding: 1.5rem 1rem; border-right: 1px solid var(--line); font-size: .92rem; }
.sidebar h2 { font-size: .8rem; text-transform: uppercase; letter-spacing: .06em; color: var(--muted); }
.sidebar ol { padding-left: 1.2rem; margin: 0; }
.sidebar li { margin: .35rem 0; }
.sidebar a[aria-current="page"] { font-weight: 700; color: var(--text); text-decoration: none; }
main { padding: 1.5rem 2rem 3rem; max-width: 48rem; }
h1, h2, h3, h4 { line-height: 1.25; margin: 1.8em 0 .6em; }
h1 { font-size: 2rem; margin-top: .5em; }
h2 { font-size: 1.45rem; border-bottom: 1px solid var(--line); padding-bottom: .25rem; }
h3 { font-size: 1.15rem; }
.eyebrow, .meta, .source, .kind, .site-footer, figcaption { color: var(--muted); font-size: .9rem; }
.eyebrow { margin: 0; text-transform: uppercase; letter-spacing: .06em; }
.module-head h1 { margin-top: .2em; }
code { font: .9em/1.5 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
  background: var(--code-bg); padding: .1em .3em; border-radius: 4px; }
figure.concept-map svg, figure.diagram svg { max-width: 100%; height: auto; }
figure.diagram .diagram-note { font-size: .85em; }
pre { background: var(--code-bg); border: 1px solid var(--line); border-radius: 6px;
  padding: .8rem 1rem; overflow-x: auto; }
pre code { padding: 0; background: none; white-space: pre; }
figure.code { margin: 1rem 0 1.5rem; }
blockquote { margin: 1rem 0; padding: .2rem 1rem; border-left: 4px solid var(--line); color: var(--muted); }
blockquote.callout { background: var(--panel); border-left-color: var(--accent); color: inherit;
  border-radius: 0 6px 6px 0; padding: .6rem 1rem; }
.callout-label { margin: 0 0 .3rem; font-weight: 600; color: var(--accent); }
.table { overflow-x: auto; }
table { border-collapse: collapse; }
th, td { border: 1px solid var(--line); padding: .3rem .6rem; text-align: left; }
.modules { padding-left: 1.2rem; }
.modules li { margin-bottom: 1rem; }
.modules li > a { font-weight: 600; font-size: 1.08rem; }
.modules p { margin: .2rem 0; }
.quiz { padding-left: 1.4rem; }
.question { margin-bottom: 1.4rem; }
.prompt { font-weight: 600; margin-bottom: .3rem; }
.kind { font-weight: 400; margin-left: .4rem; }
.kind::before { content: "("; } .kind::after { content: ")"; }
details { background: var(--panel); border: 1px solid var(--line); border-radius: 6px; padding: .4rem .8rem; }
summary { cursor: pointer; font-weight: 600; color: var(--accent); }
.pager { display: flex; flex-wrap: wrap; gap: .5rem 1.5rem; margin: 1rem 0; font-size: .95rem; }
.pager a[rel="next"] { margin-left: auto; }
.site-footer { border-top: 1px solid var(--line); padding: 1rem 1.5rem; text-align: center; }
.site-footer p { margin: .25rem 0; }
.tok-kw { color: var(--kw); } .tok-str { color: var(--str); }
.tok-com { color: var(--com); font-style: italic; }
.tok-num { color: var(--num); } .tok-key { color: var(--key); } .tok-var { color: var(--var); }
@media (max-width: 50rem) {
  body { font-size: 16px; }
  .layout { display: block; }
  .sidebar { border-right: none; border-bottom: 1px solid var(--line); padding: 1rem 1.25rem; }
  main { padding: 1rem 1.25rem 2rem; }
  h1 { font-size: 1.6rem; }
}
@media print {
  .sidebar, .pager, .site-header, .skip { display: none; }
  .layout { display: block; }
  details > *:not(summary) { display: block; }
}
"""
