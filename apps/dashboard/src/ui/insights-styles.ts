/** Styles of the part 2 pages (charts, history strips, admin forms), appended to the one stylesheet. */
export const INSIGHTS_STYLES = `
td.strip{font-size:12px;letter-spacing:1px}
.bars .bar-a{fill:var(--accent)}.bars .bar-b{fill:var(--warn)}
.bars text,.trend text{fill:var(--muted);font-size:10px}
.key{display:inline-block;width:10px;height:10px;border-radius:2px;vertical-align:middle;margin-left:8px}
.key.bar-a{background:var(--accent)}.key.bar-b{background:var(--warn)}
.panel.chart{padding:12px}
.trend-panel{padding:10px 14px;margin-bottom:12px}
.trend-narrow{display:none}@media (max-width:640px){.trend-wide{display:none}.trend-narrow{display:block}.trend-narrow text{font-size:12px}}.trend-panel h2{margin:4px 0 8px}
.trend .grid{stroke:var(--line);stroke-width:1}.trend .runs{fill:var(--chip)}
.trend .line{fill:none;stroke:var(--accent);stroke-width:2}.trend .dot{fill:var(--accent)}
.trend .regression{fill:var(--panel);stroke:var(--bad);stroke-width:2.5}
.admin form.inline{display:inline-flex;gap:6px;align-items:center;margin:0}
.admin form.stack{display:flex;flex-wrap:wrap;gap:10px;align-items:end;padding:12px}
.notice{background:color-mix(in srgb,var(--good) 12%,transparent);border-radius:6px;padding:8px 10px;margin-bottom:12px}
header.top{flex-wrap:wrap;row-gap:6px}header.top .brand,header.top .who,header.top .who button{white-space:nowrap}
header.top nav{flex-wrap:wrap}header.top nav a{padding:6px 8px}
.switcher{position:relative;font-size:13px}.switcher>summary{cursor:pointer;color:var(--muted);list-style:none;padding:4px 8px;border:1px solid var(--line);border-radius:6px;white-space:nowrap}
.switcher>summary::-webkit-details-marker{display:none}.switcher>summary::after{content:" ▾"}
.switcher ul{position:absolute;z-index:5;margin:4px 0 0;padding:6px;list-style:none;background:var(--panel);border:1px solid var(--line);border-radius:8px;min-width:200px;box-shadow:0 6px 20px rgba(0,0,0,.15)}
.switcher li a{display:block;padding:5px 8px;border-radius:5px;color:var(--text)}.switcher li a[aria-current=true]{background:var(--chip);font-weight:600}
.secret{font:13px ui-monospace,SFMono-Regular,Menlo,monospace;user-select:all;word-break:break-all}
.trend .hit{fill:transparent}.trend a.point:hover .hit,.trend a.point:focus-visible .hit{fill:var(--accent);fill-opacity:.15}
.bars a.point:hover rect,.bars a.point:focus-visible rect{stroke:var(--text);stroke-width:1.5px}
`;
