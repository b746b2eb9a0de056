"""Compare our MJML validation and preview with the official renderer on a folder of real templates.

    .venv/bin/python bench/check_corpus.py DIR [--json OUT.json]

For every `*.mjml` under DIR (recursively): the official `mjml` 4.15.3 in node (bench/node,
`validationLevel: "soft"`) gives its validation errors and whether it renders; ours is
`journey.write.render.preview` on the same source (our MJML validation findings, and whether it gives a
non-empty preview). Prints one row per template and a summary:

- official errors / ours: the number of validation errors each reports (ours: `mjml-*` findings of
  severity error);
- extra: our MJML errors on a template the official renders without an error (the number that must be 0);
- renders: official / ours (a preview, placeholders allowed).

`--json` also writes the official results (what tests/test_template_corpus.py reads, see
`bench/bench_preview.py --write-official`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_DIR = ROOT / "bench" / "node"
sys.path.insert(0, str(ROOT))


def templates_in(folder: Path) -> list[Path]:
    return sorted(path for path in folder.rglob("*.mjml") if path.is_file())


def official_results(sources: list[str]) -> dict:
    """The official renderer's errors and render outcome for each source (mjml 4, soft mode)."""
    if not (NODE_DIR / "node_modules" / "mjml").is_dir():
        raise SystemExit("bench/node/node_modules is missing: run `npm ci` in bench/node first.")
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False, encoding="utf-8") as handle:
        json.dump(sources, handle)
        path = handle.name
    try:
        output = subprocess.run(
            ["node", str(NODE_DIR / "render.js"), path, "--validate"],
            capture_output=True,
            text=True,
            check=True,
            cwd=NODE_DIR,
        ).stdout
    finally:
        os.unlink(path)
    result = json.loads(output)
    # mj-include messages carry the absolute path they tried: keep them the same on every machine
    for errors in result["errors"]:
        for error in errors:
            error["message"] = error["message"].replace(str(NODE_DIR), "bench/node")
    return result


def official_by_name(folder: Path, files: list[Path]) -> dict:
    """{"mjml_version", "templates": {relative path: {"errors": [...], "renders": bool, "failure": str}}}."""
    result = official_results([path.read_text(encoding="utf-8") for path in files])
    templates = {}
    for path, errors, renders, failure in zip(
        files, result["errors"], result["renders"], result["failures"], strict=True
    ):
        templates[path.relative_to(folder).as_posix()] = {
            "errors": errors,
            "renders": renders,
            "failure": failure,
        }
    return {"mjml_version": result["version"], "templates": templates}


def ours(source: str) -> tuple[list, bool, str]:
    """Our MJML validation errors (mjml-* findings of severity error), whether a preview came out, and why not."""
    from journey.write.render import preview

    result = preview(source)
    errors = [f for f in result.findings if f.rule.startswith("mjml-") and f.severity == "error"]
    previewed = result.email is not None and bool(result.email.html.strip())
    return errors, previewed, str(result.error or "")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("folder", type=Path, help="a folder of .mjml templates (searched recursively)")
    parser.add_argument("--json", type=Path, help="also write the official results here")
    args = parser.parse_args()
    files = templates_in(args.folder)
    if not files:
        raise SystemExit(f"No .mjml files under {args.folder}.")
    official = official_by_name(args.folder, files)
    if args.json:
        args.json.write_text(json.dumps(official, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    rows = []
    for path in files:
        name = path.relative_to(args.folder).as_posix()
        theirs = official["templates"][name]
        errors, previewed, why = ours(path.read_text(encoding="utf-8"))
        extra = len(errors) if not theirs["errors"] and theirs["renders"] else 0
        note = errors[0].message if extra else why if theirs["renders"] and not previewed else ""
        rows.append((name, len(theirs["errors"]), len(errors), extra, theirs["renders"], previewed, note))
    width = max(len(row[0]) for row in rows)
    print(f"{'template':{width}}  official  ours  extra  renders (official/ours)")
    for name, theirs, mine, extra, renders, previewed, note in rows:
        flag = f"  <-- {note[:90]}" if note else ""
        print(
            f"{name:{width}}  {theirs:>8}  {mine:>4}  {extra:>5}  {'yes' if renders else 'no':>3}/{'yes' if previewed else 'no'}{flag}"
        )
    total = len(rows)
    clean = [row for row in rows if row[1] == 0 and row[4]]
    print()
    print(f"templates: {total} (mjml {official['mjml_version']}, soft mode)")
    print(
        f"official reports no error: {len(clean)}; of those we report an MJML error on {sum(1 for r in clean if r[2])}"
    )
    print(
        f"official reports errors or refuses: {total - len(clean)}; of those we report an MJML error on {sum(1 for r in rows if r not in clean and r[2])}"
    )
    official_renders = [row for row in rows if row[4]]
    print(
        f"official renders: {len(official_renders)}; of those we preview {sum(1 for r in official_renders if r[5])}"
        f"; we preview {sum(1 for r in rows if r[5])} of {total} in all"
    )


if __name__ == "__main__":
    main()
