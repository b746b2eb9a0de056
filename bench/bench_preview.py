"""Preview latency: the whole studio pipeline vs the official MJML renderer in node, same sources, same run.

    .venv/bin/python bench/bench_preview.py [--repeat 200] [--node-repeat 50]
    .venv/bin/python bench/bench_preview.py --write-official   # refresh tests/fixtures/mjml/official_*.json
                                                               # (official_corpus.json: every template under it)

What is timed, per email, after a warm-up:
- "pipeline": `check_email(...)` — merge tags + guard + MJML validation + mjml-python + sanitiser + text
  + every pre-send check — exactly what the studio runs on each edit. Each round uses a fresh copy of
  the source (a trailing comment with the round number) so no cache can serve it.
- "render only": `render_email(...)` on the same sources (no checks).
- "official mjml": the `mjml` npm package (bench/node, `npm install` there first) rendering the same
  merged sources in-process in node (`validationLevel: "soft"`), per call, node start-up not counted,
  a fresh string each round: mjml 4.15.3 (the MJML 4 that mjml-python follows) and mjml 5.4.1 (current).

Emails: the starter emails (journey/plan/starter.py), the real mjml.io templates of tests/fixtures/mjml, and
"large" emails of about 100 KB of MJML built from starter emails by repeating their content section.
Prints median and p95 in ms, and the ratio official / pipeline (medians).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from machine import machine  # noqa: E402

from journey.plan import starter  # noqa: E402
from journey.write.checks import check_email  # noqa: E402
from journey.write.merge import merge_tags  # noqa: E402
from journey.write.render import render_email, standard_merge_data  # noqa: E402

NODE_DIR = ROOT / "bench" / "node"
FIXTURES = ROOT / "tests" / "fixtures" / "mjml"
PERSONA = {"first_name": "Olivia", "last_name": "Hart", "company": "Brightside Studio", "city": "Portland"}


def starter_emails() -> list[starter.StarterEmail]:
    return [value for value in vars(starter).values() if isinstance(value, starter.StarterEmail)]


def large_email(email: starter.StarterEmail, target_bytes: int = 100_000) -> str:
    """An MJML email of about `target_bytes`: the email's content section repeated."""
    sections = re.findall(
        r"    <mj-section padding=\"8px 0px 16px\">.*?</mj-section>\n", email.mjml, re.DOTALL
    )
    block = sections[0] if sections else ""
    source = email.mjml
    insert_at = source.index('    <mj-section padding="8px 0px 16px">')
    copies = max(1, (target_bytes - len(source)) // max(1, len(block)))
    return source[:insert_at] + block * copies + source[insert_at:]


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


def time_python(emails: list[dict], repeat: int, *, checks: bool) -> list[float]:
    data = standard_merge_data(PERSONA)
    timings: list[float] = []
    for email in emails:
        for round_number in range(repeat + 3):
            source = f"{email['mjml']}<!-- round {round_number} -->\n"
            start = time.perf_counter()
            if checks:
                check_email(
                    source,
                    subject=email["subject"],
                    preheader=email["preheader"],
                    data=data,
                    cta_label=email["cta_label"],
                    cta_url=email["cta_url"],
                )
            else:
                render_email(source, data, preheader=email["preheader"])
            elapsed = (time.perf_counter() - start) * 1000
            if round_number >= 3:  # warm-up rounds are not counted
                timings.append(elapsed)
    return timings


def run_node(sources: list[str], *extra: str) -> dict:
    if not (NODE_DIR / "node_modules" / "mjml").is_dir():
        raise SystemExit("bench/node/node_modules is missing: run `npm install` in bench/node first.")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(sources, handle)
        path = handle.name
    try:
        output = subprocess.run(
            ["node", str(NODE_DIR / "render.js"), path, *extra], capture_output=True, text=True, check=True
        ).stdout
    finally:
        os.unlink(path)
    return json.loads(output)


def summary(label: str, timings: list[float]) -> dict:
    return {
        "label": label,
        "n": len(timings),
        "median_ms": statistics.median(timings),
        "p95_ms": percentile(timings, 0.95),
    }


def write_official() -> None:
    """Refresh the official validator output and schema used by tests/test_mjml_validation.py."""
    files = sorted(FIXTURES.glob("*.mjml"))
    result = run_node([f.read_text(encoding="utf-8") for f in files], "--validate")
    official = {
        "mjml_version": result["version"],
        "templates": {f.name: errors for f, errors in zip(files, result["errors"], strict=True)},
    }
    (FIXTURES / "official_validation.json").write_text(
        json.dumps(official, indent=1) + "\n", encoding="utf-8"
    )
    script = (
        "const core = require('mjml-core'); require('mjml');"
        "const { dependencies } = require('mjml-validator');"
        "const components = {};"
        "for (const [name, C] of Object.entries(core.components))"
        "  components[name] = { allowedAttributes: C.allowedAttributes || {}, endingTag: !!C.endingTag };"
        "const deps = {};"
        "for (const [k, v] of Object.entries(dependencies)) deps[k] = v.map((x) => String(x));"
        "process.stdout.write(JSON.stringify({ version: require('mjml/package.json').version, components, dependencies: deps }));"
    )
    schema = subprocess.run(
        ["node", "-e", script], cwd=NODE_DIR, capture_output=True, text=True, check=True
    ).stdout
    (FIXTURES / "official_schema.json").write_text(
        json.dumps(json.loads(schema), indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    from check_corpus import official_by_name, templates_in

    corpus = official_by_name(FIXTURES, templates_in(FIXTURES))
    (FIXTURES / "official_corpus.json").write_text(
        json.dumps(corpus, indent=1, sort_keys=True) + "\n", encoding="utf-8"
    )
    print(
        f"Wrote official_validation.json, official_schema.json and official_corpus.json "
        f"({len(corpus['templates'])} templates, mjml {result['version']})."
    )


def _fixture_emails() -> list[dict]:
    """The real mjml.io templates in tests/fixtures/mjml, with a plain subject and preheader."""
    return [
        {
            "mjml": path.read_text(encoding="utf-8"),
            "subject": f"{path.stem.replace('-', ' ').title()} news from us",
            "preheader": "Everything new this month, in a two-minute read for your team.",
            "cta_label": "",
            "cta_url": "",
        }
        for path in sorted(FIXTURES.glob("*.mjml"))
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeat", type=int, default=200, help="timed rounds per typical email (Python)")
    parser.add_argument("--node-repeat", type=int, default=50, help="timed rounds per typical email in node")
    parser.add_argument("--write-official", action="store_true", help="refresh the official_*.json fixtures")
    args = parser.parse_args()
    if args.write_official:
        write_official()
        return

    typical = [
        {
            "mjml": e.mjml,
            "subject": e.subject,
            "preheader": e.preheader,
            "cta_label": e.cta_label,
            "cta_url": e.cta_url,
        }
        for e in starter_emails()
    ]
    templates = _fixture_emails()
    large = [
        dict(email, mjml=large_email(e)) for email, e in zip(typical[:5], starter_emails()[:5], strict=True)
    ]
    data = standard_merge_data(PERSONA)

    print(f"Machine: {machine()}")
    kb = lambda emails: statistics.median(len(e["mjml"].encode()) for e in emails) / 1000  # noqa: E731
    groups = (
        ("starter", typical, args.repeat, args.node_repeat),
        ("mjml.io", templates, args.repeat, args.node_repeat),
        ("~100 KB", large, max(5, args.repeat // 10), max(5, args.node_repeat // 5)),
    )
    for label, emails, _, _ in groups:
        print(f"  {label}: {len(emails)} emails, median {kb(emails):.1f} KB of MJML")
    print(f"{'emails':9} {'what':32} {'n':>6} {'median ms':>10} {'p95 ms':>8}")
    for label, emails, repeat, node_repeat in groups:
        merged = [merge_tags(e["mjml"], data) for e in emails]
        rows = [
            summary("pipeline (render + checks)", time_python(emails, repeat, checks=True)),
            summary("render only", time_python(emails, repeat, checks=False)),
        ]
        for package in ("mjml", "mjml5"):
            node = run_node(merged, "--package", package, "--repeat", str(node_repeat))
            rows.append(
                summary(f"official mjml {node['version']}", [t for per in node["timings_ms"] for t in per])
            )
        for row in rows:
            print(
                f"{label:9} {row['label']:32} {row['n']:>6} {row['median_ms']:>10.2f} {row['p95_ms']:>8.2f}"
            )
        for row in rows[2:]:
            ratio = row["median_ms"] / rows[0]["median_ms"]
            print(f"{label:9} {row['label'] + ' / pipeline':32} {'':>6} {ratio:>9.1f}x")
        print(flush=True)


if __name__ == "__main__":
    main()
