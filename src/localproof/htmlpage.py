"""The shell of every HTML page: one self-contained document with inline CSS and script.

A Content-Security-Policy allows only this page's own style and script (by hash) and
nothing else, so the browser makes no request at all, even if a value slipped through.
Every text goes through `esc` (html.escape with quotes).
"""

from __future__ import annotations

import base64
import hashlib
import re
from html import escape

STYLE = """
:root{color-scheme:light dark;--bg:#fff;--fg:#1b1f24;--muted:#505a66;--line:#d0d7de;
--panel:#f6f8fa;--code:#eef1f4;--link:#0b57a4;--fail:#b42318;--fail-bg:#fde7e5;
--unknown:#855000;--unknown-bg:#fdf0c8;--pass:#116329;--pass-bg:#dcf5e3;--none:#505a66;
--none-bg:#eef1f4;--crit:#fff;--crit-bg:#8e1b12;--med:#9a3412;--med-bg:#ffedd5;
--low:#0b57a4;--low-bg:#dbeafe}
@media (prefers-color-scheme:dark){:root{--bg:#0f1216;--fg:#e6e9ed;--muted:#a9b2bd;
--line:#39414b;--panel:#171b21;--code:#222831;--link:#8cc4ff;--fail:#ff9b91;
--fail-bg:#3d1713;--unknown:#f4c75b;--unknown-bg:#372a08;--pass:#74d68f;--pass-bg:#11301b;
--none:#aab3bd;--none-bg:#232931;--crit:#fff;--crit-bg:#a3231a;--med:#fdba74;
--med-bg:#3a1f0c;--low:#93c5fd;--low-bg:#13294a}}
*{box-sizing:border-box}
[hidden]{display:none!important}
body{margin:0;background:var(--bg);color:var(--fg);font:15px/1.5 system-ui,-apple-system,
"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
main,header.top,footer{max-width:1220px;margin:0 auto;padding:0 20px}
header.top{padding-top:20px}
h1{font-size:1.6rem;margin:.2em 0}h2{font-size:1.3rem;margin:1.6em 0 .5em;
border-bottom:1px solid var(--line);padding-bottom:.2em}h3{font-size:1.08rem;margin:1.2em 0 .4em}
h4{font-size:1rem;margin:0 0 .3em}
a{color:var(--link)}code{background:var(--code);padding:0 .25em;border-radius:3px;
font:0.92em/1.4 ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace;overflow-wrap:anywhere}
.muted{color:var(--muted)}.meta{color:var(--muted);font-size:.9rem}
.verdict{border:2px solid var(--line);border-radius:10px;padding:14px 18px;margin:14px 0;
background:var(--panel)}
.verdict.st-fail{border-color:var(--fail)}.verdict.st-unknown{border-color:var(--unknown)}
.verdict.st-pass{border-color:var(--pass)}
.verdict h2{border:0;margin:0 0 .4em;padding:0}
.verdict .answer{font-size:1.25rem;font-weight:700;margin:0 0 .3em}
.tiles{display:flex;flex-wrap:wrap;gap:8px;padding:0;margin:10px 0;list-style:none}
.tiles li{border:1px solid var(--line);border-radius:8px;padding:6px 12px;background:var(--bg)}
.tiles b{font-size:1.2rem;margin-right:.3em}
.badge{display:inline-block;border-radius:4px;padding:0 .45em;font-size:.8rem;font-weight:700;
text-transform:uppercase;letter-spacing:.02em;white-space:nowrap}
.badge.st-fail,.badge.sev-high{color:var(--fail);background:var(--fail-bg)}
.badge.st-unknown{color:var(--unknown);background:var(--unknown-bg)}
.badge.st-pass{color:var(--pass);background:var(--pass-bg)}
.badge.st-none,.badge.st-not_applicable,.badge.sev-info{color:var(--none);background:var(--none-bg)}
.badge.sev-critical{color:var(--crit);background:var(--crit-bg)}
.badge.sev-medium{color:var(--med);background:var(--med-bg)}
.badge.sev-low{color:var(--low);background:var(--low-bg)}
.finding{border:1px solid var(--line);border-left:6px solid var(--none);border-radius:6px;
padding:10px 14px;margin:10px 0;background:var(--bg);break-inside:avoid}
.finding.st-fail{border-left-color:var(--fail)}.finding.st-unknown{border-left-color:var(--unknown)}
.finding.st-pass{border-left-color:var(--pass)}
.finding ul{margin:.3em 0;padding-left:1.2em}
.fix{background:var(--pass-bg);border-radius:6px;padding:6px 10px;margin-top:6px;
display:flex;gap:10px;align-items:flex-start}
.fix p{margin:0;flex:1}
button{font:inherit;font-size:.85rem;border:1px solid var(--line);border-radius:5px;
background:var(--panel);color:var(--fg);padding:2px 10px;cursor:pointer}
button:focus-visible,a:focus-visible,select:focus-visible{outline:3px solid var(--link);
outline-offset:2px}
table{border-collapse:collapse;width:100%;margin:8px 0;font-size:.93rem}
th,td{border:1px solid var(--line);padding:5px 8px;text-align:left;vertical-align:top}
th{background:var(--panel)}td.num{text-align:right}td ul{margin:0;padding-left:1.1em}
.filters{display:flex;flex-wrap:wrap;gap:12px;align-items:end;background:var(--panel);
border:1px solid var(--line);border-radius:8px;padding:10px 14px;margin:10px 0}
.filters label{display:flex;flex-direction:column;font-size:.85rem;color:var(--muted)}
select{font:inherit;color:var(--fg);background:var(--bg);border:1px solid var(--line);
border-radius:4px;padding:2px 4px}
.map{overflow-x:auto;border:1px solid var(--line);border-radius:8px;background:var(--panel);
padding:8px}
.flowmap{display:block;width:100%;min-width:900px;height:auto}
.flowmap text{font-family:system-ui,sans-serif;fill:var(--fg)}
.flowmap .column{font-size:13px;font-weight:700;fill:var(--muted);text-transform:uppercase;
letter-spacing:.04em}
.flowmap .label{font-size:13px;font-weight:600}.flowmap .detail{font-size:11px;fill:var(--muted)}
.flowmap .mark{font-size:14px;font-weight:700}
.flowmap .box{fill:var(--bg);stroke:var(--none);stroke-width:1.2}
.flowmap .bar{fill:var(--none)}
.flowmap .st-fail .box{fill:var(--fail-bg);stroke:var(--fail);stroke-width:2}
.flowmap .st-unknown .box{fill:var(--unknown-bg);stroke:var(--unknown);stroke-width:2}
.flowmap .st-pass .box{fill:var(--pass-bg);stroke:var(--pass)}
.flowmap .st-fail .bar,.flowmap .head.st-fail{fill:var(--fail)}
.flowmap .st-unknown .bar,.flowmap .head.st-unknown{fill:var(--unknown)}
.flowmap .st-pass .bar,.flowmap .head.st-pass{fill:var(--pass)}
.flowmap .head.st-none{fill:var(--none)}
.flowmap .st-fail .mark{fill:var(--fail)}.flowmap .st-unknown .mark{fill:var(--unknown)}
.flowmap .st-pass .mark{fill:var(--pass)}.flowmap .st-none .mark{fill:var(--none)}
.flowmap .edge{fill:none;stroke:var(--none);stroke-width:1.4;opacity:.75}
.flowmap .edge.st-fail{stroke:var(--fail);stroke-width:2.6;opacity:1}
.flowmap .edge.st-unknown{stroke:var(--unknown);stroke-width:2;stroke-dasharray:6 4;opacity:1}
.flowmap .edge.st-pass{stroke:var(--pass);stroke-width:1.6}
.legend{display:flex;flex-wrap:wrap;gap:16px;list-style:none;padding:0;margin:8px 0;font-size:.9rem}
.mark{font-weight:700}li.st-fail>.mark{color:var(--fail)}li.st-unknown>.mark{color:var(--unknown)}
li.st-pass>.mark{color:var(--pass)}li.st-none>.mark{color:var(--none)}
.flow-list,.flow-list ul{padding-left:1.2em}.flows{color:var(--muted);font-size:.9rem}
pre{overflow-x:auto}
details>summary{cursor:pointer;font-weight:600;margin:.6em 0}
footer{color:var(--muted);font-size:.85rem;padding-bottom:30px;margin-top:30px}
@media print{:root{--bg:#fff;--fg:#000;--muted:#333;--panel:#fff;--line:#999}
body{font-size:11pt}.filters,button.copy,.noprint{display:none!important}
.map{overflow:visible;border:0;padding:0}.flowmap{min-width:0}
h2{break-after:avoid}.finding,.verdict,tr{break-inside:avoid}
*{-webkit-print-color-adjust:exact;print-color-adjust:exact}a{color:inherit}}
"""

SCRIPT = """
(function(){
var RANK={info:0,low:1,medium:2,high:3,critical:4};
var form=document.getElementById('filters');
function apply(){
 var f=form.elements,sev=f.severity.value,cat=f.category.value,tool=f.tool.value;
 var shown=0,all=document.querySelectorAll('article.finding');
 all.forEach(function(a){var d=a.dataset;
  var ok=(!sev||RANK[d.severity]>=RANK[sev])&&(!cat||d.category===cat)&&(!tool||d.tool===tool);
  a.hidden=!ok;if(ok){shown++;}});
 document.querySelectorAll('.group').forEach(function(g){
  g.hidden=!g.querySelector('article.finding:not([hidden])');});
 document.getElementById('filter-count').textContent=shown+' of '+all.length+' findings shown';
}
if(form){form.hidden=false;form.addEventListener('change',apply);
 form.addEventListener('reset',function(){setTimeout(apply,0);});apply();}
function copied(button){button.textContent='Copied';
 setTimeout(function(){button.textContent='Copy fix';},1500);}
function fallback(text,button){var area=document.createElement('textarea');area.value=text;
 document.body.appendChild(area);area.select();
 try{document.execCommand('copy');copied(button);}catch(e){button.textContent='Select and copy';}
 document.body.removeChild(area);}
document.querySelectorAll('.fix').forEach(function(fix){
 var button=document.createElement('button');button.type='button';button.className='copy';
 button.textContent='Copy fix';
 button.setAttribute('aria-label','Copy this fix to the clipboard');
 button.addEventListener('click',function(){var text=fix.querySelector('p').innerText;
  if(navigator.clipboard&&window.isSecureContext){navigator.clipboard.writeText(text).then(
   function(){copied(button);},function(){fallback(text,button);});}
  else{fallback(text,button);}});
 fix.appendChild(button);});
window.addEventListener('beforeprint',function(){
 document.querySelectorAll('details').forEach(function(d){d.open=true;});});
})();
"""

_CODE = re.compile(r"`([^`]+)`")


def esc(text: object) -> str:
    """Escape any value for HTML text and attributes; undecodable names made printable."""
    raw = str(text).encode("utf-8", errors="backslashreplace").decode("utf-8")
    return escape(raw, quote=True)


def prose(text: str) -> str:
    """Escape, then show `backticked` parts (commands, settings) as code."""
    return _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", esc(text))


def badge(kind: str, value: str, text: str | None = None) -> str:
    return f'<span class="badge {kind}-{esc(value)}">{esc(text or value)}</span>'


def _digest(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def page(title: str, body: str, *, script: bool = True) -> str:
    """A complete document: strict CSP, inline style, the body, the optional script."""
    scripts = f"'sha256-{_digest(SCRIPT)}'" if script else "'none'"
    policy = (
        f"default-src 'none'; style-src 'sha256-{_digest(STYLE)}'; script-src {scripts}; "
        "img-src 'none'; connect-src 'none'; form-action 'none'; base-uri 'none'"
    )
    tail = f"<script>{SCRIPT}</script>" if script else ""
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n'
        '<meta name="referrer" content="no-referrer">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{esc(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        f"{body}\n{tail}\n</body>\n</html>\n"
    )


def text_page(title: str, text: str) -> str:
    """A plain-text report (knowledge base, witness) as a self-contained HTML page."""
    body = f'<main><h1>{esc(title)}</h1>\n<pre class="plain">{esc(text)}</pre></main>'
    return page(title, body, script=False)
