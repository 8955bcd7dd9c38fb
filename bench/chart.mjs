// The chart a run draws (results/chart.svg), hand-written SVG so the benchmark needs no plotting
// library: time to the last display() for A, B and C per count, and mountAll() cost per placeholder.
// Pure, from the results alone.
import { COUNTS, VARIANT_NAMES } from './plan.mjs'
import { max } from './stats.mjs'

const W = 760
const H = 420
const COLORS = { A: '#9aa5b1', B: '#2f6fde', C: '#e0a030' }

const esc = (text) =>
  String(text).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c])

/** Two panels: time to the last display() (A, B and C), and scan cost per placeholder. */
export function chart({ eager, scan, meta }) {
  const parts = []
  const text = (x, y, content, attrs = '') => parts.push(`<text x="${x}" y="${y}" ${attrs}>${esc(content)}</text>`)
  text(
    20,
    28,
    `moonclerk-checkout vs the stock snippet and a control (embed.js latency ${meta.embedDelayMs} ms)`,
    'font-size="15" font-weight="600"',
  )
  text(
    20,
    46,
    `${meta.date.slice(0, 10)} · ${meta.rounds} rounds of A, B, C · medians · ${meta.cpus} cores · Chromium ${meta.browser}`,
    'font-size="11" fill="#5b6875"',
  )
  displayPanel(parts, text, eager)
  scanPanel(parts, text, scan)
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, -apple-system, Segoe UI, sans-serif" fill="#1b2733">
<rect width="${W}" height="${H}" fill="#ffffff"/>
${parts.join('\n')}
</svg>
`
}

/** Panel 1: grouped bars per count, with B/A and C/A and their CIs under each group; the legend. */
function displayPanel(parts, text, eager) {
  const p1 = { x: 60, y: 80, w: 360, h: 230 }
  const top1 = Math.ceil(max(COUNTS.flatMap((c) => VARIANT_NAMES.map((v) => eager[c].lastDisplayMs[v]))) / 100) * 100
  text(p1.x - 40, p1.y - 14, 'time to last display() after navigation start (ms)', 'font-size="12" font-weight="600"')
  for (let v = 0; v <= top1; v += 100) {
    const y = p1.y + p1.h - (v / top1) * p1.h
    parts.push(`<line x1="${p1.x}" x2="${p1.x + p1.w}" y1="${y}" y2="${y}" stroke="#e3e8ee"/>`)
    text(p1.x - 6, y + 4, v, 'font-size="10" text-anchor="end" fill="#5b6875"')
  }
  const group = p1.w / COUNTS.length
  COUNTS.forEach((count, i) => {
    const s = eager[count]
    VARIANT_NAMES.forEach((variant, j) => {
      const value = s.lastDisplayMs[variant]
      const h = (value / top1) * p1.h
      const x = p1.x + i * group + 8 + j * 36
      parts.push(
        `<rect x="${x}" y="${p1.y + p1.h - h}" width="32" height="${h}" fill="${COLORS[variant]}"><title>${variant}, ${count} checkout(s): ${value.toFixed(1)} ms</title></rect>`,
      )
      text(x + 16, p1.y + p1.h - h - 4, Math.round(value), 'font-size="10" text-anchor="middle"')
      text(
        x + 16,
        p1.y + p1.h + 13,
        `${s.embedExecutions.median[variant]}× run`,
        'font-size="9" text-anchor="middle" fill="#5b6875"',
      )
    })
    const middle = p1.x + i * group + group / 2
    text(middle, p1.y + p1.h + 28, `${count} checkout${count > 1 ? 's' : ''}`, 'font-size="11" text-anchor="middle"')
    ;['B/A', 'C/A'].forEach((name, k) => {
      const { median: value, ci95 } = s.ratios[name]
      text(
        middle,
        p1.y + p1.h + 41 + k * 12,
        `${name} ${value.toFixed(2)} [${ci95[0].toFixed(2)}–${ci95[1].toFixed(2)}]`,
        'font-size="9" text-anchor="middle" fill="#5b6875"',
      )
    })
  })
  parts.push(`<line x1="${p1.x}" x2="${p1.x + p1.w}" y1="${p1.y + p1.h}" y2="${p1.y + p1.h}" stroke="#1b2733"/>`)
  const legend = [
    ['A', 'A: stock snippet', 0],
    ['B', 'B: moonclerk-checkout', 115],
    ['C', 'C: control (snippet from a file)', 265],
  ]
  for (const [variant, label, dx] of legend) {
    parts.push(`<rect x="${p1.x - 40 + dx}" y="${H - 30}" width="12" height="12" fill="${COLORS[variant]}"/>`)
    text(p1.x - 22 + dx, H - 20, label, 'font-size="11"')
  }
  text(p1.x + 450, H - 20, '“× run”: embed.js executions; [ ]: 95% CI', 'font-size="10" fill="#5b6875"')
}

/** Panel 2: scan cost per placeholder, one point per size (evenly spaced: the sizes grow tenfold). */
function scanPanel(parts, text, scan) {
  const p2 = { x: 500, y: 80, w: 230, h: 230 }
  const perUs = scan.rows.map((r) => r.syncUsPerPlaceholder)
  const top2 = Math.max(4, Math.ceil(max(perUs) / 100) * 100)
  text(p2.x - 40, p2.y - 14, 'mountAll() cost per placeholder (µs)', 'font-size="12" font-weight="600"')
  for (let k = 0; k <= 4; k++) {
    const v = (top2 / 4) * k
    const y = p2.y + p2.h - (v / top2) * p2.h
    parts.push(`<line x1="${p2.x}" x2="${p2.x + p2.w}" y1="${y}" y2="${y}" stroke="#e3e8ee"/>`)
    text(p2.x - 6, y + 4, Math.round(v), 'font-size="10" text-anchor="end" fill="#5b6875"')
  }
  const xOf = (i) => p2.x + 25 + (i * (p2.w - 50)) / (scan.rows.length - 1)
  const yOf = (v) => p2.y + p2.h - (v / top2) * p2.h
  parts.push(
    `<polyline fill="none" stroke="${COLORS.B}" stroke-width="2" points="${scan.rows.map((r, i) => `${xOf(i)},${yOf(r.syncUsPerPlaceholder)}`).join(' ')}"/>`,
  )
  scan.rows.forEach((r, i) => {
    parts.push(
      `<circle cx="${xOf(i)}" cy="${yOf(r.syncUsPerPlaceholder)}" r="4" fill="${COLORS.B}"><title>${r.size} placeholders: ${r.syncMs.toFixed(2)} ms in all</title></circle>`,
    )
    text(
      xOf(i),
      yOf(r.syncUsPerPlaceholder) - 8,
      r.syncUsPerPlaceholder.toFixed(1),
      'font-size="10" text-anchor="middle"',
    )
    text(xOf(i), p2.y + p2.h + 13, r.size.toLocaleString('en-US'), 'font-size="11" text-anchor="middle"')
  })
  parts.push(`<line x1="${p2.x}" x2="${p2.x + p2.w}" y1="${p2.y + p2.h}" y2="${p2.y + p2.h}" stroke="#1b2733"/>`)
  text(
    p2.x + p2.w / 2,
    p2.y + p2.h + 28,
    'placeholders on the page (flat or falling = linear or better)',
    'font-size="9" text-anchor="middle" fill="#5b6875"',
  )
}
