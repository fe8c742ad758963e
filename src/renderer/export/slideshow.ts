/**
 * Steps as frames: one self-contained HTML file, the frames as PNG data URLs, one shown at a time. Why HTML: the
 * browser has no encoder for an animated image or a zip, and adding one is a library; an HTML file opens anywhere,
 * steps with the arrow keys (or plays with P) in front of an audience, and each frame can be saved as its own PNG
 * from the browser (right-click) for a slide. Its style and script are inline: it is the user's file, opened on its
 * own, not a page of the app.
 */

export interface SlideFrame {
  readonly step: number;
  /** Shown under the frame, e.g. `Step 120 · 1.234 ms`. */
  readonly caption: string;
  /** `data:image/png;base64,…` */
  readonly png: string;
}

export interface Slideshow {
  readonly title: string;
  /** The keys, shown at the bottom. */
  readonly help: string;
  /** `Made with UVMScope …` */
  readonly footer: string;
  readonly frames: readonly SlideFrame[];
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `
html,body{margin:0;background:#15171c;color:#e6e8eb;font:15px system-ui,sans-serif}
header{padding:10px 16px;display:flex;gap:16px;align-items:baseline}
h1{font-size:17px;margin:0;font-weight:600}
.count{color:#9aa3ad}
main{display:grid;place-items:center;padding:0 16px}
figure{margin:0;display:none}
figure.on{display:block}
img{max-width:calc(100vw - 32px);max-height:calc(100vh - 120px);display:block;border:1px solid #2c313a}
figcaption{padding:6px 0;color:#e6e8eb}
footer{padding:8px 16px;color:#9aa3ad;font-size:13px}
`;

const SCRIPT = `
(function(){
var f=document.querySelectorAll('figure'),c=document.getElementById('count'),i=0,timer=null;
function show(n){i=(n+f.length)%f.length;for(var k=0;k<f.length;k++)f[k].className=k===i?'on':'';c.textContent=(i+1)+' / '+f.length;}
document.addEventListener('keydown',function(e){
if(e.key==='ArrowRight'||e.key===' '||e.key==='PageDown'){show(i+1);e.preventDefault();}
else if(e.key==='ArrowLeft'||e.key==='PageUp'){show(i-1);e.preventDefault();}
else if(e.key==='Home')show(0);else if(e.key==='End')show(f.length-1);
else if(e.key==='p'||e.key==='P'){if(timer){clearInterval(timer);timer=null;}else timer=setInterval(function(){show(i+1);},700);}
});
document.addEventListener('click',function(){show(i+1);});
show(0);
})();
`;

/** The slideshow's HTML text. */
export function slideshowHtml(s: Slideshow): string {
  const figures = s.frames
    .map((f, i) => `<figure data-step="${f.step}"${i === 0 ? ' class="on"' : ''}><img src="${escapeHtml(f.png)}" alt="${escapeHtml(f.caption)}"><figcaption>${escapeHtml(f.caption)}</figcaption></figure>`)
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(s.title)}</title>
<meta name="generator" content="UVMScope">
<style>${STYLE}</style></head>
<body><header><h1>${escapeHtml(s.title)}</h1><span class="count" id="count">1 / ${s.frames.length}</span></header>
<main>
${figures}
</main>
<footer>${escapeHtml(s.help)} · ${escapeHtml(s.footer)}</footer>
<script>${SCRIPT}</script>
</body></html>
`;
}
