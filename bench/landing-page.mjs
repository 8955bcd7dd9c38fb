// The realistic page of the benchmark: a merchant's landing page of about 300 KB of HTML, its
// stylesheet and images, with one checkout about half-way down in one of the markups measured.
// Generated, not committed: a seeded PRNG makes it the same page, byte for byte, on every run, and
// every markup gets the same content around its checkout. Pure: test/bench-landing-page.test.ts
// pins size, determinism and layout down.
import { seededRandom } from './stats.mjs'

/** About 300 KB of HTML (bytes, all ASCII), as the merchant page. */
export const PAGE_BYTES = 300_000
export const PAGE_SEED = 20261130
/** The checkout, as in MoonClerk's documented snippet (docs/moonclerk.md, "The stock snippet"). */
export const CHECKOUT = { token: '8h7frjfytj', cid: '234', label: 'My Payment Form' }
/** One image every few sections, all below the hero; served by the landing site as /img/<n>.svg. */
const IMAGE_EVERY = 8
export const IMAGE_SIZE = { width: 320, height: 200 }

/**
 * The markups measured: where our tags go (head, where the checkout is, end of body). `stock` is
 * MoonClerk's snippet, `stock-preload` the same with embed.js preloaded from <head> (the best
 * hand-written markup); `none` the page without a checkout (the merchant's page alone, a control
 * for DCL and LCP); the others are the library's forms, as the README shows them.
 */
export const MARKUPS = [
  'stock',
  'stock-preload',
  'none',
  'body-end',
  'head',
  'preload',
  'async-embed',
  'one-tag',
  'click',
]

// prettier-ignore
const WORDS = ('membership community access monthly annual support local growers fresh harvest season share ' +
  'members box delivery weekly pickup farm market organic vegetables fruit bread cheese eggs honey coffee ' +
  'roastery studio classes workshop yoga pottery wellness team mission story values quality trusted simple ' +
  'secure payment plan pause cancel anytime flexible family friends neighbours recipes kitchen newsletter ' +
  'events tickets donation project partners volunteers garden orchard sustainable packaging compost city ' +
  'route schedule questions answers shipping returns guarantee gift card reward points early bird discount ' +
  'the a and of to in for with on your our we you it is are our every from by at this that more each').split(' ')
const SECTION_TOPICS = [
  'How it works',
  'What members get',
  'Our growers',
  'From the kitchen',
  'Pickup and delivery',
  'Frequently asked questions',
  'Stories from members',
  'Our promise',
  'Events this season',
  'Behind the scenes',
]

/** Deterministic prose from `random`: words, sentences, paragraphs. */
function prose(random) {
  const pick = (list) => list[Math.floor(random() * list.length)]
  const words = (n) => Array.from({ length: n }, () => pick(WORDS)).join(' ')
  const sentence = () => {
    const text = words(8 + Math.floor(random() * 14))
    return text[0].toUpperCase() + text.slice(1) + '.'
  }
  const paragraph = () => Array.from({ length: 3 + Math.floor(random() * 4) }, sentence).join(' ')
  const slug = () => words(2).replace(/ /g, '-')
  return { pick, words, sentence, paragraph, slug }
}

/** One content section: heading, paragraphs, a feature list with links, sometimes a quote or an image. */
function section(text, random, index) {
  const parts = [
    `<section class="block block-${index % 4}" id="s${index}">`,
    `<h2 class="block-title">${text.pick(SECTION_TOPICS)}: ${text.words(3)}</h2>`,
  ]
  for (let i = 0, n = 2 + Math.floor(random() * 3); i < n; i++) parts.push(`<p class="copy">${text.paragraph()}</p>`)
  const items = Array.from(
    { length: 3 + Math.floor(random() * 4) },
    () =>
      `<li class="feature"><a class="feature-link" href="/features/${text.slug()}">${text.words(3)}</a> ${text.sentence()}</li>`,
  )
  parts.push(`<ul class="features">${items.join('')}</ul>`)
  if (random() < 0.4)
    parts.push(
      `<blockquote class="quote"><p>${text.sentence()} ${text.sentence()}</p><cite>${text.words(2)}</cite></blockquote>`,
    )
  if (index % IMAGE_EVERY === 1) {
    const { width, height } = IMAGE_SIZE
    parts.push(
      `<figure class="shot"><img src="/img/${Math.floor(index / IMAGE_EVERY)}.svg" width="${width}" height="${height}" alt="${text.words(4)}"><figcaption>${text.sentence()}</figcaption></figure>`,
    )
  }
  parts.push('</section>')
  return parts.join('\n')
}

/**
 * The page's content, the same for every markup: the header and hero (the hero heading is the
 * largest thing in the first viewport, so the LCP candidate), then sections split in two halves of
 * about equal size, with the checkout to go between them.
 */
export function landingContent({ targetBytes = PAGE_BYTES, seed = PAGE_SEED } = {}) {
  const random = seededRandom(seed)
  const text = prose(random)
  const top = [
    '<header class="site-header"><a class="logo" href="/">Green Valley Share</a><nav>' +
      ['Boxes', 'Growers', 'Recipes', 'Events', 'About']
        .map((label) => `<a href="/${label.toLowerCase()}">${label}</a>`)
        .join('') +
      '</nav></header>',
    '<main>',
    '<section class="hero"><h1 id="hero">Fresh local food, every week, from the farms around you</h1>' +
      `<p class="lead">${text.words(9)}.</p><a class="cta" href="#checkout">Become a member</a></section>`,
  ].join('\n')
  const sections = []
  let bytes = top.length
  // The shell (head, checkout section, footer) is about 2 KB: the rest of the target is content.
  while (bytes < targetBytes - 2_000) {
    const next = section(text, random, sections.length)
    sections.push(next)
    bytes += next.length + 1
  }
  // The split: the first section boundary past half the content.
  let half = 0
  for (let before = top.length; half < sections.length && before < bytes / 2; half++)
    before += sections[half].length + 1
  const checkoutIntro = `<h2 class="block-title">Join the share</h2><p class="copy">${text.paragraph()}</p>`
  return {
    top,
    firstHalf: sections.slice(0, half).join('\n'),
    checkoutIntro,
    secondHalf: sections.slice(half).join('\n'),
    footer: `</main>\n<footer class="site-footer"><p>${text.sentence()}</p><p><a href="/privacy">Privacy</a> <a href="/terms">Terms</a></p></footer>`,
    images: Math.ceil(sections.length / IMAGE_EVERY),
  }
}

/** MoonClerk's stock snippet, verbatim but for embed.js's host and the pay URL. */
function stockSnippet({ embedSrc, payUrl }) {
  const { token, cid, label } = CHECKOUT
  return `<div id="mc${token}"><a href="${payUrl}${token}">${label}</a></div>
<script type="text/javascript">
  var mc${token};
  (function (d, t) {
    var s = d.createElement(t),
      opts = { checkoutToken: "${token}", width: "100%", cid: "${cid}" };
    s.src = "${embedSrc}";
    s.onload = s.onreadystatechange = function () {
      var rs = this.readyState;
      if (rs) if (rs != "complete") if (rs != "loaded") return;
      try { mc${token} = new MoonclerkEmbed(opts); mc${token}.display(); } catch (e) {}
    };
    var scr = d.getElementsByTagName(t)[0];
    scr.parentNode.insertBefore(s, scr);
  })(document, "script");
</script>`
}

/** Where each markup puts its tags: in <head>, where the checkout goes, at the end of <body>. */
export function checkoutMarkup(markup, { embedSrc, payUrl, library }) {
  const { token, cid, label } = CHECKOUT
  // The stand-in's URLs come from our own script tag, as docs/attributes.md's Attributes section shows.
  const urls = `data-moonclerk-embed-src="${embedSrc}" data-moonclerk-pay-url="${payUrl}"`
  const asyncTag = `<script src="${library}" async ${urls}></script>`
  const placeholderWith = (attributes) =>
    `<div data-moonclerk-checkout="${token}" data-moonclerk-cid="${cid}"${attributes}><a href="${payUrl}${token}">${label}</a></div>`
  const placeholder = placeholderWith('')
  switch (markup) {
    case 'stock':
      return { head: '', checkout: stockSnippet({ embedSrc, payUrl }), bodyEnd: '' }
    case 'stock-preload':
      // The best a merchant can hand-write with MoonClerk's own snippet: embed.js asked for from <head>.
      return {
        head: `<link rel="preload" as="script" href="${embedSrc}">`,
        checkout: stockSnippet({ embedSrc, payUrl }),
        bodyEnd: '',
      }
    case 'none':
      return { head: '', checkout: '', bodyEnd: '' }
    case 'body-end':
      return { head: '', checkout: placeholder, bodyEnd: asyncTag }
    case 'head':
      return { head: asyncTag, checkout: placeholder, bodyEnd: '' }
    case 'preload':
      return {
        head: `<link rel="preload" as="script" href="${embedSrc}">\n${asyncTag}`,
        checkout: placeholder,
        bodyEnd: '',
      }
    case 'async-embed':
      // embed.js itself, async, in place of its preload: it defines MoonclerkEmbed as soon as it
      // arrives, and a checkout mounted after that is displayed at once, in the parser's time.
      return { head: `<script src="${embedSrc}" async></script>\n${asyncTag}`, checkout: placeholder, bodyEnd: '' }
    case 'click':
      // Lazy: nothing of MoonClerk's before the payer clicks the button (no preload, as README says).
      return {
        head: asyncTag,
        checkout: placeholderWith(' data-moonclerk-load="click"'),
        bodyEnd: '',
      }
    case 'one-tag':
      // A classic script: the parser waits for it here, as README's one-tag form does.
      return {
        head: '',
        checkout: `<script src="${library}" data-moonclerk-checkout="${token}" data-moonclerk-cid="${cid}" ${urls}></script>`,
        bodyEnd: '',
      }
    default:
      throw new Error(`bench: unknown markup ${markup}`)
  }
}

/** The whole page for one markup. `urls`: embedSrc and payUrl (the stand-in's), library (absolute). */
export function landingPage(markup, urls, content = landingContent()) {
  const tags = checkoutMarkup(markup, urls)
  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>Green Valley Share: fresh local food (bench: ${markup})</title>`,
    '<link rel="stylesheet" href="/site.css">',
    ...(tags.head ? [tags.head] : []),
    '</head>',
    '<body>',
    content.top,
    content.firstHalf,
    `<section class="block pricing" id="checkout">${content.checkoutIntro}`,
    ...(tags.checkout ? [tags.checkout] : []),
    '</section>',
    content.secondHalf,
    content.footer,
    ...(tags.bodyEnd ? [tags.bodyEnd] : []),
    '</body>',
    '</html>',
    '',
  ].join('\n')
}

/** The stylesheet, render-blocking as on most sites. The hero fills the first viewport. */
export const SITE_CSS = `body { margin: 0; font: 17px/1.6 Georgia, serif; color: #23302a; background: #fbfaf6; }
.site-header { display: flex; justify-content: space-between; padding: 12px 32px; background: #2f5d3a; }
.site-header a { color: #fff; margin-left: 16px; font: 15px system-ui, sans-serif; text-decoration: none; }
.logo { font-weight: 700; margin-left: 0; }
main { max-width: 1100px; margin: 0 auto; padding: 0 24px; }
.hero { min-height: 92vh; padding-top: 12vh; box-sizing: border-box; }
.hero h1 { font: 700 64px/1.15 system-ui, sans-serif; margin: 0 0 24px; max-width: 1000px; }
.lead { font-size: 20px; margin: 0 0 24px; }
.cta { display: inline-block; padding: 12px 24px; background: #e07a2f; color: #fff; border-radius: 6px; text-decoration: none; }
.block { padding: 24px 0; border-top: 1px solid #e4e1d6; }
.block-title { font: 600 28px/1.25 system-ui, sans-serif; }
.features { padding-left: 20px; }
.feature-link { font-weight: 600; color: #2f5d3a; }
.quote { margin: 16px 0; padding-left: 16px; border-left: 4px solid #e07a2f; font-style: italic; }
.shot img { display: block; max-width: 100%; height: auto; background: #e4e1d6; }
.pricing [data-moonclerk-checkout], .pricing [id^="mc"] { min-width: 320px; margin: 16px 0; }
.site-footer { padding: 32px; background: #23302a; color: #fff; }
.site-footer a { color: #fff; }
`

/** Image `n`: a small deterministic SVG (about 1 KB), a few shapes in the page's colours. */
export function imageSvg(n) {
  const random = seededRandom(PAGE_SEED + 1 + n)
  const { width, height } = IMAGE_SIZE
  const colors = ['#2f5d3a', '#e07a2f', '#c9b458', '#8aa67a', '#5b7d8c']
  const shapes = Array.from({ length: 12 }, () => {
    const [x, y, r] = [random() * width, random() * height, 8 + random() * 40].map(Math.round)
    return `<circle cx="${x}" cy="${y}" r="${r}" fill="${colors[Math.floor(random() * colors.length)]}" opacity="0.8"/>`
  })
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}"><rect width="${width}" height="${height}" fill="#f1efe6"/>${shapes.join('')}</svg>\n`
}
