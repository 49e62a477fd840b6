/** The stylesheet and script the HTML report inlines (kept apart so html.ts stays about structure). */

export const HTML_CSS = `
:root {
  --bg: #f4f6fa; --panel: #ffffff; --text: #1c2330; --muted: #5d6b82; --line: #e3e8f0; --soft: #f7f9fc;
  --head-bg: #0f1a2e; --head-text: #eef3fb; --head-muted: #9fb0cc; --accent: #3d6ef5; --code-bg: #eef2f8;
  --critical: #b3123a; --high: #e4570e; --medium: #e7a600; --low: #3b7bea; --info: #8a97ab;
  --pass: #178a4c; --fail: #c9213b; --skip: #c07d00;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #0c1220; --panel: #151d2e; --text: #e3e9f3; --muted: #93a2bb; --line: #26324a; --soft: #111a2a;
    --head-bg: #080d18; --code-bg: #1d2840; --accent: #7a9cff;
  }
}
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { margin: 0; background: var(--bg); color: var(--text); font: 14px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
code { background: var(--code-bg); border-radius: 4px; padding: 1px 5px; overflow-wrap: anywhere; }
a { color: var(--accent); }
[hidden] { display: none !important; }
.wrap { max-width: 1180px; margin: 0 auto; padding: 0 24px; }

header.top { background: var(--head-bg); color: var(--head-text); padding: 22px 0 20px; }
header.top .row { display: flex; align-items: center; gap: 14px; flex-wrap: wrap; }
header.top h1 { margin: 0; font-size: 22px; font-weight: 650; letter-spacing: .2px; }
header.top h1 span { color: var(--head-muted); font-weight: 400; }
header.top .logo { width: 30px; height: 30px; flex: none; }
header.top .when { margin-left: auto; color: var(--head-muted); font-size: 13px; text-align: right; }
header.top .when b { color: var(--head-text); font-weight: 600; }
header.top .inputs { margin-top: 12px; color: var(--head-muted); font-size: 13px; display: flex; gap: 6px; flex-wrap: wrap; align-items: center; }
header.top .inputs code { background: rgba(255,255,255,.09); color: var(--head-text); }
header.top .cmd { margin-top: 6px; color: var(--head-muted); font-size: 12px; overflow-wrap: anywhere; }

main.wrap { padding-top: 22px; padding-bottom: 40px; }
section.panel { background: var(--panel); border: 1px solid var(--line); border-radius: 12px; padding: 18px 20px; margin-bottom: 18px; box-shadow: 0 1px 2px rgba(16,24,40,.04); }
section.panel > h2 { margin: 0 0 14px; font-size: 16px; font-weight: 650; display: flex; align-items: center; gap: 8px; }
section.panel > h2 .count, summary .count { font-size: 12px; font-weight: 600; color: var(--muted); background: var(--soft); border: 1px solid var(--line); border-radius: 99px; padding: 0 8px; }

.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(106px, 1fr)); gap: 10px; margin-bottom: 18px; }
.tile { display: flex; flex-direction: column; justify-content: flex-start; background: var(--panel); border: 1px solid var(--line); border-radius: 12px; padding: 12px 14px 10px; position: relative; overflow: hidden; text-align: left; font: inherit; color: inherit; }
button.tile { cursor: pointer; }
button.tile:hover { border-color: var(--accent); }
.tile::before { content: ""; position: absolute; inset: 0 auto 0 0; width: 4px; background: var(--line); }
.tile .n { display: block; font-size: 28px; font-weight: 700; line-height: 1.15; font-variant-numeric: tabular-nums; }
.tile .l { display: block; color: var(--muted); font-size: 11.5px; text-transform: uppercase; letter-spacing: .4px; font-weight: 600; }
.tile.total::before { background: var(--accent); }
.tile.zero .n { color: var(--muted); }
.tile.sev-critical::before { background: var(--critical); } .tile.sev-critical:not(.zero) .n { color: var(--critical); }
.tile.sev-high::before { background: var(--high); } .tile.sev-high:not(.zero) .n { color: var(--high); }
.tile.sev-medium::before { background: var(--medium); }
.tile.sev-low::before { background: var(--low); }
.tile.sev-info::before { background: var(--info); }
.tile.warn:not(.zero)::before { background: var(--skip); }
.tile.err:not(.zero)::before { background: var(--fail); } .tile.err:not(.zero) .n { color: var(--fail); }

.charts { display: grid; grid-template-columns: minmax(300px, 5fr) minmax(340px, 7fr); gap: 18px; }
@media (max-width: 820px) { .charts { grid-template-columns: 1fr; } }
.charts figure { margin: 0; }
.charts figcaption { font-weight: 650; margin-bottom: 8px; }
.donut-wrap { display: flex; align-items: center; gap: 18px; flex-wrap: wrap; }
.donut { width: 180px; height: 180px; flex: none; }
.legend { list-style: none; margin: 0; padding: 0; display: grid; gap: 6px; min-width: 130px; }
.legend li { display: flex; align-items: center; gap: 8px; }
.legend .sw { width: 11px; height: 11px; border-radius: 3px; flex: none; }
.legend .v { margin-left: auto; font-weight: 650; font-variant-numeric: tabular-nums; padding-left: 12px; }
svg text { fill: var(--text); font-family: inherit; }
svg .muted { fill: var(--muted); }
svg .track { fill: none; stroke: var(--line); }
svg .bar-bg { fill: var(--soft); }
.bars { width: 100%; max-width: 470px; height: auto; display: block; }
.cat-chips { display: flex; flex-wrap: wrap; gap: 8px; margin-top: 12px; }
.cat-chip { border: 1px solid var(--line); border-radius: 99px; padding: 1px 10px; font-size: 12.5px; color: var(--muted); background: var(--soft); }
.cat-chip b { color: var(--text); }

.sev-fill-critical { fill: var(--critical); stroke: var(--critical); } .sev-fill-high { fill: var(--high); stroke: var(--high); }
.sev-fill-medium { fill: var(--medium); stroke: var(--medium); } .sev-fill-low { fill: var(--low); stroke: var(--low); }
.sev-fill-info { fill: var(--info); stroke: var(--info); }
circle.seg { fill: none; }
.sw.sev-critical { background: var(--critical); } .sw.sev-high { background: var(--high); } .sw.sev-medium { background: var(--medium); }
.sw.sev-low { background: var(--low); } .sw.sev-info { background: var(--info); }

.badge { display: inline-block; border-radius: 5px; padding: 1px 7px; font-size: 11px; font-weight: 700; text-transform: uppercase; letter-spacing: .5px; color: #fff; white-space: nowrap; }
.badge.sev-critical { background: var(--critical); } .badge.sev-high { background: var(--high); }
.badge.sev-medium { background: var(--medium); color: #2b2100; } .badge.sev-low { background: var(--low); }
.badge.sev-info { background: var(--info); color: #12161e; }
.pill { display: inline-block; border-radius: 99px; padding: 0 9px; font-size: 12px; font-weight: 650; white-space: nowrap; border: 1px solid currentColor; }
.pill.pass { color: var(--pass); } .pill.fail { color: var(--fail); } .pill.not-evaluated { color: var(--skip); }

.filters { position: sticky; top: 0; z-index: 5; background: var(--panel); display: flex; flex-wrap: wrap; gap: 10px 14px; align-items: center; padding: 10px 0 12px; border-bottom: 1px solid var(--line); margin-bottom: 14px; }
.chips { display: flex; flex-wrap: wrap; gap: 6px; }
.chip { display: inline-flex; align-items: center; gap: 6px; border: 1px solid var(--line); border-radius: 99px; padding: 3px 10px 3px 8px; cursor: pointer; user-select: none; font-size: 12.5px; background: var(--soft); }
.chip input { margin: 0; accent-color: var(--accent); }
.chip .dot { width: 9px; height: 9px; border-radius: 50%; }
.chip .dot.sev-critical { background: var(--critical); } .chip .dot.sev-high { background: var(--high); } .chip .dot.sev-medium { background: var(--medium); }
.chip .dot.sev-low { background: var(--low); } .chip .dot.sev-info { background: var(--info); }
.chip:has(input:not(:checked)) { opacity: .5; }
.filters select, .filters input[type=search] { font: inherit; color: inherit; background: var(--soft); border: 1px solid var(--line); border-radius: 8px; padding: 5px 9px; }
.filters input[type=search] { flex: 1 1 220px; min-width: 180px; }
.filters .shown { color: var(--muted); font-size: 12.5px; margin-left: auto; white-space: nowrap; }
.linkish { font: inherit; font-size: 12.5px; color: var(--accent); background: none; border: 0; padding: 0; cursor: pointer; }

.resource { border: 1px solid var(--line); border-radius: 10px; margin-bottom: 14px; overflow: hidden; }
.r-head { display: flex; flex-wrap: wrap; align-items: baseline; gap: 4px 10px; padding: 9px 14px; background: var(--soft); border-bottom: 1px solid var(--line); }
.r-head .kind { font-weight: 700; }
.r-head .name { font-weight: 600; overflow-wrap: anywhere; }
.r-head .ns { color: var(--muted); }
.r-head .api, .r-head .src { color: var(--muted); font-size: 12px; }
.r-head .src { margin-left: auto; }
.finding { padding: 12px 14px 12px 17px; border-top: 1px solid var(--line); position: relative; }
.r-head + .finding { border-top: 0; }
.finding::before { content: ""; position: absolute; left: 0; top: 0; bottom: 0; width: 4px; }
.finding.sev-critical::before { background: var(--critical); } .finding.sev-high::before { background: var(--high); }
.finding.sev-medium::before { background: var(--medium); } .finding.sev-low::before { background: var(--low); }
.finding.sev-info::before { background: var(--info); }
.f-head { display: flex; flex-wrap: wrap; align-items: center; gap: 6px 10px; }
.f-head .cid { font-weight: 700; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
.f-head .ftitle { font-weight: 600; }
.f-head .meta { color: var(--muted); font-size: 12.5px; }
.f-head .meta + .meta::before { content: "· "; }
.msg { margin: 6px 0 8px; }
table { border-collapse: collapse; width: 100%; }
th { text-align: left; font-size: 11.5px; text-transform: uppercase; letter-spacing: .5px; color: var(--muted); font-weight: 650; padding: 4px 8px; border-bottom: 1px solid var(--line); }
td { padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; overflow-wrap: anywhere; }
tr:last-child td { border-bottom: 0; }
table.evidence { margin: 4px 0 8px; background: var(--soft); border-radius: 8px; }
table.evidence td.loc { white-space: nowrap; color: var(--muted); }
.fix { margin: 6px 0 2px; padding: 7px 10px; border-radius: 8px; background: color-mix(in srgb, var(--pass) 9%, transparent); }
.fix b { color: var(--pass); margin-right: 6px; }
.refs { margin-top: 6px; font-size: 12.5px; color: var(--muted); display: flex; flex-wrap: wrap; gap: 4px 12px; }
.refs a { overflow-wrap: anywhere; }
.empty { color: var(--muted); text-align: center; padding: 24px; }
.good { color: var(--pass); font-weight: 650; }
details > summary { cursor: pointer; font-weight: 650; font-size: 16px; }
summary .count { margin-left: 6px; vertical-align: 2px; }
details[open] > summary { margin-bottom: 12px; }
.reason { color: var(--muted); }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 8px 0 30px; }
@media print {
  .filters, button.tile { display: none; }
  body { background: #fff; }
  section.panel, .tile { box-shadow: none; break-inside: avoid; }
  .finding[hidden], .resource[hidden] { display: block !important; }
}
`;

/** Filters: severity chips, category select and text search hide findings (and resources left empty). */
export const HTML_SCRIPT = `
(function () {
  "use strict";
  var $ = function (sel, root) { return Array.prototype.slice.call((root || document).querySelectorAll(sel)); };
  var boxes = $('input[name="sev"]');
  var cat = document.getElementById("f-cat");
  var text = document.getElementById("f-q");
  var shown = document.getElementById("f-shown");
  var none = document.getElementById("f-none");
  var findings = $("#findings .finding");
  var resources = $("#findings .resource");
  if (!cat || !text || !shown) return;
  var haystack = findings.map(function (f) {
    var head = f.closest(".resource").querySelector(".r-head");
    return ((head ? head.textContent : "") + " " + f.textContent).toLowerCase();
  });
  function apply() {
    var sev = {};
    boxes.forEach(function (b) { if (b.checked) sev[b.value] = true; });
    var c = cat.value;
    var q = text.value.trim().toLowerCase();
    var n = 0;
    findings.forEach(function (f, i) {
      var ok = sev[f.getAttribute("data-severity")] === true &&
        (c === "" || f.getAttribute("data-category") === c) &&
        (q === "" || haystack[i].indexOf(q) !== -1);
      f.hidden = !ok;
      if (ok) n++;
    });
    resources.forEach(function (r) { r.hidden = r.querySelector(".finding:not([hidden])") === null; });
    shown.textContent = "Showing " + n + " of " + findings.length + (findings.length === 1 ? " finding" : " findings");
    shown.setAttribute("data-shown", String(n));
    if (none) none.hidden = n !== 0 || findings.length === 0;
  }
  function only(severity) {
    boxes.forEach(function (b) { b.checked = severity === "" || b.value === severity; });
    apply();
    var target = document.getElementById("findings");
    if (target && target.scrollIntoView) target.scrollIntoView({ behavior: "smooth", block: "start" });
  }
  boxes.forEach(function (b) { b.addEventListener("change", apply); });
  cat.addEventListener("change", apply);
  text.addEventListener("input", apply);
  $("[data-only-severity]").forEach(function (el) {
    el.addEventListener("click", function () { only(el.getAttribute("data-only-severity") || ""); });
  });
  var reset = document.getElementById("f-reset");
  if (reset) reset.addEventListener("click", function () { cat.value = ""; text.value = ""; only(""); });
  apply();
})();
`;
