// Baseline for bench/bench_preview.py: the official mjml renderer, in-process (node start-up not counted).
//
//   node render.js SOURCES.json [--package mjml|mjml5] [--repeat N] [--warmup N]
//       -> {"version": "...", "timings_ms": [[...per source...]]}
//   node render.js SOURCES.json --validate
//       -> {"version": "...", "errors": [[{line, tagName, message}], ...], "renders": [true|false, ...],
//           "failures": ["" | why it did not render, ...]}   (mjml 4, soft mode; mj-include paths are
//           resolved from this folder, so an include is never found and reported as an error)
//
// SOURCES.json holds a JSON array of MJML strings. Timings are per mjml2html call (process.hrtime.bigint),
// each on a fresh copy of the source (a round comment appended), after warm-up calls. mjml 5 returns a
// promise; it is awaited inside the timed span.
'use strict'
const fs = require('fs')

const args = process.argv.slice(2)
const option = (name, fallback) => {
  const i = args.indexOf(name)
  return i === -1 ? fallback : args[i + 1]
}
const packageName = option('--package', 'mjml')
const mjml2html = require(packageName)
const version = require(`${packageName}/package.json`).version
const sources = JSON.parse(fs.readFileSync(args[0], 'utf8'))
const options = { validationLevel: 'soft' }

async function main() {
  if (args.includes('--validate')) {
    // mjml's MJML 3 migration and mj-include log to stdout: keep stdout for the JSON
    console.log = () => {}
    console.warn = () => {}
    console.error = () => {}
    const errors = []
    const renders = []
    const failures = []
    for (const source of sources) {
      try {
        const { html, errors: found } = await mjml2html(source, options)
        errors.push(found.map((e) => ({ line: e.line, tagName: e.tagName, message: e.message })))
        renders.push(html.length > 0)
        failures.push('')
      } catch (error) {
        errors.push([])
        renders.push(false)
        failures.push(String(error.message || error).split('\n')[0])
      }
    }
    process.stdout.write(JSON.stringify({ version, errors, renders, failures }))
    return
  }
  const repeat = Number(option('--repeat', 50))
  const warmup = Number(option('--warmup', 5))
  const timings = []
  for (const source of sources) {
    for (let i = 0; i < warmup; i += 1) await mjml2html(`${source}<!-- warm-up ${i} -->`, options)
    const runs = []
    for (let i = 0; i < repeat; i += 1) {
      const fresh = `${source}<!-- round ${i} -->` // a new string each round, as the Python side does
      const start = process.hrtime.bigint()
      await mjml2html(fresh, options)
      runs.push(Number(process.hrtime.bigint() - start) / 1e6)
    }
    timings.push(runs)
  }
  process.stdout.write(JSON.stringify({ version, timings_ms: timings }))
}

main().catch((error) => {
  process.stderr.write(`${error.stack || error}\n`)
  process.exit(1)
})
