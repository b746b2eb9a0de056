// Baseline for bench/bench_preview.py: the official mjml renderer, in-process (node start-up not counted).
//
//   node render.js SOURCES.json [--repeat N] [--warmup N]   -> {"timings_ms": [[...per source...]], "version": "..."}
//   node render.js SOURCES.json --validate                   -> {"errors": [[{line, tagName, message}], ...]}
//
// SOURCES.json holds a JSON array of MJML strings. Timings are per mjml2html call (process.hrtime.bigint).
'use strict'
const fs = require('fs')
const mjml2html = require('mjml')
const version = require('mjml/package.json').version

const args = process.argv.slice(2)
const sources = JSON.parse(fs.readFileSync(args[0], 'utf8'))
const option = (name, fallback) => {
  const i = args.indexOf(name)
  return i === -1 ? fallback : Number(args[i + 1])
}

if (args.includes('--validate')) {
  const errors = sources.map((source) => {
    const { errors: found } = mjml2html(source, { validationLevel: 'soft' })
    return found.map((e) => ({ line: e.line, tagName: e.tagName, message: e.message }))
  })
  process.stdout.write(JSON.stringify({ version, errors }))
} else {
  const repeat = option('--repeat', 50)
  const warmup = option('--warmup', 5)
  const timings = sources.map((source) => {
    for (let i = 0; i < warmup; i += 1) mjml2html(source, { validationLevel: 'soft' })
    const runs = []
    for (let i = 0; i < repeat; i += 1) {
      const start = process.hrtime.bigint()
      mjml2html(source, { validationLevel: 'soft' })
      runs.push(Number(process.hrtime.bigint() - start) / 1e6)
    }
    return runs
  })
  process.stdout.write(JSON.stringify({ version, timings_ms: timings }))
}
