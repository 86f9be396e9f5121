/**
 * The dashboard's one stylesheet: light and dark from prefers-color-scheme, or
 * the reader's choice (the theme cookie sets data-theme on <html>), dense
 * tables that keep their key columns on a phone, clear numbers.
 */
const LIGHT =
  '--bg:#f7f7f8;--panel:#fff;--text:#16181d;--muted:#5c6370;--line:#e3e5e8;--accent:#3b5bdb;--on-accent:#fff;--good:#116329;--bad:#c92a2a;--warn:#9a5000;--chip:#eef0f3;--code:#f2f3f5;color-scheme:light';
const DARK =
  '--bg:#0f1115;--panel:#171a21;--text:#e6e8ec;--muted:#9aa3b2;--line:#2a2f3a;--accent:#8ea2ff;--on-accent:#0f1115;--good:#4ac26b;--bad:#ff6b6b;--warn:#f0a94b;--chip:#232834;--code:#11141a;color-scheme:dark';

export const STYLES = `
:root{${LIGHT}}
@media (prefers-color-scheme:dark){:root:not([data-theme=light]){${DARK}}}
:root[data-theme=dark]{${DARK}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--text);font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
/* Links in running text and tables are underlined: colour alone does not mark them (WCAG 1.4.1). */
main a:not(.button):not(.tabs a):not(.pager a):not(.sort){text-decoration:underline;text-underline-offset:2px;text-decoration-thickness:1px}
.skip{position:absolute;left:8px;top:-48px;z-index:10;background:var(--accent);color:var(--on-accent);padding:8px 12px;border-radius:6px;font-weight:600}.skip:focus{top:8px}
:focus-visible{outline:2px solid var(--accent);outline-offset:2px}
header.top{display:flex;align-items:center;gap:20px;padding:10px 24px;background:var(--panel);border-bottom:1px solid var(--line)}
header.top .brand{font-weight:700;color:var(--text)}
header.top nav{display:flex;gap:4px;flex:1}
header.top nav a{padding:6px 10px;border-radius:6px;color:var(--muted)}
header.top nav a[aria-current=page]{background:var(--chip);color:var(--text)}
header.top .who{color:var(--muted);font-size:13px;display:flex;gap:10px;align-items:center}
header.top form.theme{margin:0}header.top form.theme button{font-weight:400;font-size:13px;white-space:nowrap}
main{max-width:1280px;margin:0 auto;padding:20px 24px 48px}
h1{font-size:20px;margin:4px 0 16px}h2{font-size:15px;margin:24px 0 10px}
.sub,.muted{color:var(--muted);font-size:13px}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(190px,1fr));gap:12px}
.card{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:14px 16px}
.card .label{color:var(--muted);font-size:12px;text-transform:uppercase;letter-spacing:.04em}
.card .value{font-size:26px;font-weight:650;font-variant-numeric:tabular-nums;margin-top:2px}
.delta{font-size:12px;font-weight:600;font-variant-numeric:tabular-nums}
.good{color:var(--good)}.bad{color:var(--bad)}.neutral{color:var(--muted)}.warn{color:var(--warn)}
.panel{position:relative;background:var(--panel);border:1px solid var(--line);border-radius:10px;overflow-x:auto}
table{border-collapse:collapse;width:100%;font-variant-numeric:tabular-nums}
th,td{padding:7px 10px;border-bottom:1px solid var(--line);text-align:left;vertical-align:middle;white-space:nowrap}
th{font-size:12px;color:var(--muted);font-weight:600;background:var(--panel);position:sticky;top:0}
th a.sort{color:inherit}th[aria-sort]{color:var(--text)}
p.csv{margin:6px 0 0;font-size:13px;text-align:right}
tr:last-child td{border-bottom:0}
td.num,th.num{text-align:right}
td.wrap{white-space:normal;word-break:break-word;max-width:420px}
td.wrap-sm{white-space:normal;word-break:break-word;max-width:240px}
.chip{display:inline-block;padding:1px 7px;border-radius:999px;background:var(--chip);font-size:12px;color:var(--muted)}
.pass{color:var(--good);font-weight:600}.fail{color:var(--bad);font-weight:600}
.badge{display:inline-block;padding:1px 7px;border-radius:5px;font-size:12px;font-weight:600;border:1px solid currentColor}
form.filters{display:flex;flex-wrap:wrap;gap:10px;align-items:end;margin-bottom:12px}
select{max-width:220px}
label{display:flex;flex-direction:column;gap:3px;font-size:12px;color:var(--muted)}
label.check{flex-direction:row;align-items:center;gap:6px}label.check input{height:auto}
input,select,button{height:34px;font:inherit;color:var(--text);background:var(--panel);border:1px solid var(--line);border-radius:6px;padding:6px 9px}
button,.button{cursor:pointer;background:var(--accent);border-color:var(--accent);color:var(--on-accent);font-weight:600;border-radius:6px;padding:6px 12px;display:inline-block}
button.link{background:none;border:0;color:var(--accent);padding:0;font-weight:400}
.button.secondary,button.secondary{background:var(--panel);color:var(--text);border-color:var(--line)}
button.danger{background:var(--bad);border-color:var(--bad);color:var(--on-accent)}
details.test{border-bottom:1px solid var(--line)}details.test:last-child{border-bottom:0}
details.test>summary{display:grid;grid-template-columns:70px minmax(200px,2fr) 60px minmax(160px,1.3fr) 90px 80px;white-space:nowrap;gap:10px;padding:7px 12px;cursor:pointer;list-style:none;align-items:baseline}
details.test>summary::-webkit-details-marker{display:none}
details.test>summary .name{overflow-wrap:anywhere;white-space:normal}
details.test[open]>summary{background:var(--chip)}
.test-body{padding:10px 16px 16px;display:grid;gap:12px}
pre{background:var(--code);border:1px solid var(--line);border-radius:6px;padding:10px;margin:0;white-space:pre-wrap;word-break:break-word;max-height:360px;overflow:auto;font:12px/1.45 ui-monospace,SFMono-Regular,Menlo,monospace}
.grid2{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.meta{display:flex;flex-wrap:wrap;gap:6px 18px;color:var(--muted);font-size:13px;margin:-8px 0 16px}
.deltas{display:flex;flex-wrap:wrap;gap:6px 18px;color:var(--muted);font-size:13px;margin:12px 0 16px}
.meta b{color:var(--text);font-weight:600}
.empty{padding:28px;text-align:center;color:var(--muted)}
.empty code,code{background:var(--code);padding:1px 5px;border-radius:4px;font-size:12px}
.spark{vertical-align:middle;display:block}.spark .band{fill:var(--chip)}.spark .line{fill:none;stroke:var(--accent);stroke-width:1.5}.spark .dot{fill:var(--accent)}
.bar-bg{fill:var(--chip)}.bar-pass{fill:var(--good)}.bar-fail{fill:var(--bad)}
.pager{display:flex;gap:10px;align-items:center;justify-content:flex-end;margin-top:10px;color:var(--muted)}
.login{max-width:360px;margin:10vh auto;background:var(--panel);border:1px solid var(--line);border-radius:12px;padding:28px}
.login form{display:grid;gap:12px}.login .or{text-align:center;color:var(--muted);font-size:12px;margin:14px 0}
.error{color:var(--bad);background:color-mix(in srgb,var(--bad) 10%,transparent);border-radius:6px;padding:8px 10px}
.tabs{display:flex;gap:6px;flex-wrap:wrap;margin-bottom:10px}
.period{display:flex;flex-wrap:wrap;gap:6px 16px;align-items:end;margin-bottom:10px}.period .tabs{margin:0}
form.range{display:flex;flex-wrap:wrap;gap:6px;align-items:end;margin:0}form.range label{flex-direction:row;align-items:center;gap:6px}
.tabs a{padding:4px 10px;border-radius:999px;background:var(--chip);color:var(--muted);font-size:13px}
.tabs a[aria-current=true]{background:var(--accent);color:var(--on-accent)}
.sr-only{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.reasons li{margin:2px 0}
@media (max-width:800px){.grid2{grid-template-columns:1fr}details.test>summary{grid-template-columns:44px 1fr 70px}details.test>summary .hide-sm{display:none}}
/* Phones: the header stacks, tables drop their secondary columns (.hide-sm) and wrap, nothing scrolls sideways. */
@media (max-width:640px){
header.top{padding:8px 12px;gap:8px}header.top nav{order:3;flex-basis:100%}header.top button{height:30px;padding:4px 8px}header.top .who>span{display:none}
main{padding:12px 12px 40px}
th,td{padding:6px 6px;white-space:normal}td{overflow-wrap:anywhere}td.num{white-space:nowrap;overflow-wrap:normal}
h1,h2{overflow-wrap:anywhere}td .chip,td button{white-space:nowrap;overflow-wrap:normal}
.hide-sm{display:none}
.panel.scroll th,.panel.scroll td{white-space:nowrap;overflow-wrap:normal}
.panel.scroll th:first-child,.panel.scroll td:first-child{position:sticky;left:0;z-index:1;background:var(--panel);white-space:normal;overflow-wrap:anywhere;min-width:8em;max-width:45vw;box-shadow:1px 0 0 var(--line)}
.cards{grid-template-columns:repeat(auto-fit,minmax(150px,1fr))}
.card .value{font-size:22px}
svg{max-width:100%;height:auto}
}
`;
