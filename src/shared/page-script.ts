/**
 * The one inline script of every page, and its CSP hash-source (CSP Level 3
 * §8.2): the same text on every page, so one constant hash allows it and
 * nothing else inline runs. Every page reads and works without it; it only
 * adds what cannot be done without script:
 *
 * - the light/dark choice: applied in <head>, before the first paint, so a
 *   reader who chose dark never sees a light flash; until they choose, the
 *   system setting rules (CSS `prefers-color-scheme`). The switch button is
 *   `hidden` in the markup and shown here, so readers without script never see
 *   a control that does nothing;
 * - a copy button on code blocks;
 * - comments, loaded when the reader scrolls near them (the provider's own
 *   embed script, with the attributes the view put on `[data-embed]`);
 * - Google Analytics' bootstrap, when the site configures it.
 *
 * Settings come from data attributes (the script's own tag, the elements it
 * enhances), never from the script text, so its hash never changes per page.
 * `test/node/page-script.test.ts` recomputes the hash, so the two cannot drift.
 */

export const PAGE_SCRIPT = `(function(){var d=document,r=d.documentElement,s=d.currentScript,k='kumo-theme',t;
try{t=localStorage.getItem(k)}catch(e){}
if(t==='light'||t==='dark')r.setAttribute('data-theme',t);
var ga=s&&s.getAttribute('data-ga');
if(ga){window.dataLayer=window.dataLayer||[];window.gtag=function(){dataLayer.push(arguments)};gtag('js',new Date());gtag('config',ga)}
function load(el){if(el.getAttribute('data-loaded'))return;el.setAttribute('data-loaded','1');
var a=JSON.parse(el.getAttribute('data-attrs')||'{}'),u=el.getAttribute('data-disqus-url');
if(u){var i=el.getAttribute('data-disqus-identifier');window.disqus_config=function(){this.page.url=u;this.page.identifier=i}}
var x=d.createElement('script');for(var n in a)x.setAttribute(n,a[n]);x.src=el.getAttribute('data-embed');x.async=true;el.appendChild(x)}
d.addEventListener('DOMContentLoaded',function(){
var b=d.getElementById('theme-toggle');
if(b){var dark=function(){var c=r.getAttribute('data-theme');return c?c==='dark':matchMedia('(prefers-color-scheme: dark)').matches};
var sync=function(){b.setAttribute('aria-pressed',String(dark()))};b.hidden=false;sync();
b.addEventListener('click',function(){var c=dark()?'light':'dark';r.setAttribute('data-theme',c);try{localStorage.setItem(k,c)}catch(e){}sync()})}
if(navigator.clipboard)d.querySelectorAll('.content pre:not(.gutter)').forEach(function(p){
var box=p.parentElement&&p.parentElement.classList.contains('code-linenos')?p.parentElement:p,c=d.createElement('button'),label=s.getAttribute('data-copy')||'Copy';
c.type='button';c.className='copy';c.textContent=label;
c.addEventListener('click',function(){navigator.clipboard.writeText((p.querySelector('code')||p).textContent).then(function(){c.textContent=s.getAttribute('data-copied')||'Copied';setTimeout(function(){c.textContent=label},1500)})});
var w=d.createElement('div');w.className='code-box';box.parentNode.insertBefore(w,box);w.appendChild(box);w.appendChild(c)});
d.querySelectorAll('[data-embed]').forEach(function(el){
if(!('IntersectionObserver' in window))return load(el);
var o=new IntersectionObserver(function(es){if(es.some(function(e){return e.isIntersecting})){o.disconnect();load(el)}},{rootMargin:'800px'});o.observe(el)})})})()`

/** `'sha256-…'` of PAGE_SCRIPT, as a CSP source expression (checked by a test). */
export const PAGE_SCRIPT_HASH = "'sha256-UdwYJNjRUu7489j4G4uylbrOtwbdIvdflKkMtBmLUtk='"
