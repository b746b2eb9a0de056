"""The template gallery import: an uploaded `.mjml` file, or a `.zip` of them with their includes, into a stage.

    read_templates(filename, content) -> list[TemplateFile]      the files, size- and zip-bomb-checked
    survey_templates(files, library=..., email_names=...) -> Gallery
        what each file is and holds, before anything is saved: an email or a snippet, its subject
        (`<mj-title>`) and preheader (`<mj-preview>`), the merge tags it uses, its includes and whether
        each resolves (a snippet in the zip, or the workspace's), and the problems that block the import
    survey_upload(session, stage_id, filename, content) -> Gallery   the same against the workspace
    import_upload(session, stage_id, filename, content) -> Gallery   creates the emails (drafts, at the end
        of the stage) and the new snippets in the caller's transaction: all or nothing

Which file is what: a file that another file in the zip includes is a snippet (named by the include
rule, journey.write.includes: `partials/footer.mjml` is `footer`); any other file with an `<mjml>`
root is an email, named from its file name (`password_reset.mjml` → "Password reset"); an `.mjml`
fragment that nothing includes is a snippet too (a zip of a snippet library). `.css`/`.html` files are
snippets when something includes them and are skipped otherwise. A snippet the workspace already has
with the same MJML is reused; with other MJML it is a clash, as is an email name the journey already
has: the import is refused naming the file.

Limits: the upload at most 5 MB, at most 200 files, each at most 500,000 bytes and 20 MB in all once
unpacked; a zip entry that unpacks more than 100 times its packed size is refused as a zip bomb, and
entries are read with a cap, never trusting the sizes the zip claims. Encrypted entries are refused.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from sqlmodel import Session

from db.models import MAX_MJML
from journey.core.errors import InvalidInput, JourneyError
from journey.core.text import decode_text, normalize_newlines, plural
from journey.write.engines import engines_of, foreign_tags
from journey.write.facts import text_of
from journey.write.includes import NAME_ENDINGS, find_includes, snippet_name
from journey.write.merge import merge_variables
from journey.write.mjml_validation import parse_mjml

MAX_UPLOAD_BYTES = 5 * 1024 * 1024
MAX_FILES = 200
MAX_FILE_BYTES = MAX_MJML
MAX_TOTAL_BYTES = 20 * 1024 * 1024
MAX_RATIO = 100
MAX_SUBJECT = 300

_MJML_ROOT_RE = re.compile(r"<mjml\b", re.I)
_MJML_TAG_RE = re.compile(r"<mj-[a-z]", re.I)
_COMMENT_RE = re.compile(r"<!--.*?-->", re.DOTALL)


@dataclass(frozen=True)
class TemplateFile:
    path: str  # as in the zip (or the uploaded file's name)
    text: str


@dataclass(frozen=True)
class IncludeStatus:
    path: str  # as written
    name: str  # the snippet it names
    source: str | None  # "zip", "workspace", or None when it does not resolve


@dataclass(frozen=True)
class FoundTemplate:
    """One file of the upload, as it would be saved."""

    path: str
    kind: str  # "email", "snippet" or "skipped"
    name: str  # the email's or the snippet's name
    mjml: str
    subject: str = ""
    preheader: str = ""
    merge_tags: tuple[str, ...] = ()
    engines: tuple[str, ...] = ()  # other engines whose merge tags it holds ("Mailchimp"…), most tags first
    includes: tuple[IncludeStatus, ...] = ()
    notes: tuple[str, ...] = ()  # worth knowing, saved all the same
    problems: tuple[str, ...] = ()  # blocks the import
    reused: bool = False  # a snippet the workspace already has, identical


@dataclass(frozen=True)
class Gallery:
    templates: list[FoundTemplate] = field(default_factory=list)

    @property
    def emails(self) -> list[FoundTemplate]:
        return [t for t in self.templates if t.kind == "email"]

    @property
    def snippets(self) -> list[FoundTemplate]:
        return [t for t in self.templates if t.kind == "snippet"]

    @property
    def problems(self) -> list[str]:
        return [f"{t.path}: {problem}" for t in self.templates for problem in t.problems]

    def rows(self) -> list[dict[str, str]]:
        """One row per file, for a table: what it becomes, subject, merge tags, includes, notes."""
        return [
            {
                "file": t.path,
                "becomes": {"email": f"email “{t.name}”", "snippet": f"snippet “{t.name}”"}.get(
                    t.kind, "skipped"
                ),
                "subject": t.subject,
                "preheader": t.preheader,
                "merge tags": ", ".join(t.merge_tags),
                "engine": ", ".join(t.engines) or ("Liquid" if t.merge_tags else "no merge tags"),
                "includes": ", ".join(
                    f"{i.name} ✓" if i.source else f"{i.name} ✗ (no such snippet)" for i in t.includes
                ),
                "problems": " ".join((*t.problems, *t.notes)),
            }
            for t in self.templates
        ]


def _decode(path: str, data: bytes) -> str:
    try:
        return normalize_newlines(decode_text(data))
    except UnicodeDecodeError as exc:
        raise InvalidInput(
            f"{path} is not UTF-8 text (byte {exc.start}): save it as UTF-8 and retry."
        ) from exc


def _too_big(path: str, size: int) -> InvalidInput:
    return InvalidInput(f"{path} is {size:,} bytes: a template may be at most {MAX_FILE_BYTES:,} bytes.")


def _read_zip(filename: str, content: bytes) -> list[TemplateFile]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise InvalidInput(f"{filename} is not a zip file we can read ({exc}).") from exc
    entries = [
        info
        for info in archive.infolist()
        if not info.is_dir()
        and not any(part.startswith((".", "__MACOSX")) for part in PurePosixPath(info.filename).parts)
    ]
    wanted = [info for info in entries if info.filename.lower().endswith(NAME_ENDINGS)]
    if len(wanted) > MAX_FILES:
        raise InvalidInput(f"{filename} holds {len(wanted)} templates: upload at most {MAX_FILES} at a time.")
    files, total = [], 0
    for info in wanted:
        path = info.filename
        if info.flag_bits & 0x1:
            raise InvalidInput(f"{filename}: {path} is encrypted: zip it again without a password.")
        if info.file_size > MAX_FILE_BYTES:
            raise _too_big(f"{filename}: {path}", info.file_size)
        if info.file_size > 1024 and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise InvalidInput(
                f"{filename}: {path} unpacks to over {MAX_RATIO} times its size (a zip bomb?): refused."
            )
        try:
            with archive.open(info) as entry:
                data = entry.read(MAX_FILE_BYTES + 1)
        except (zipfile.BadZipFile, OSError, NotImplementedError, EOFError) as exc:
            raise InvalidInput(f"{filename}: {path} cannot be unpacked ({exc}).") from exc
        if len(data) > MAX_FILE_BYTES:
            raise _too_big(f"{filename}: {path}", len(data))
        total += len(data)
        if total > MAX_TOTAL_BYTES:
            raise InvalidInput(
                f"{filename} unpacks to over {MAX_TOTAL_BYTES // (1024 * 1024)} MB: upload fewer templates."
            )
        files.append(TemplateFile(path, _decode(f"{filename}: {path}", data)))
    if not any(f.path.lower().endswith(".mjml") for f in files):
        raise InvalidInput(f"{filename} holds no .mjml file.")
    return files


def read_templates(filename: str, content: bytes) -> list[TemplateFile]:
    """The templates in an uploaded `.mjml` file or `.zip`; InvalidInput names the file when it cannot be read."""
    if len(content) > MAX_UPLOAD_BYTES:
        raise InvalidInput(
            f"{filename} is {len(content):,} bytes: upload at most {MAX_UPLOAD_BYTES // (1024 * 1024)} MB at a time."
        )
    lower = filename.lower()
    if lower.endswith(".zip"):
        return _read_zip(filename, content)
    if lower.endswith(".mjml"):
        if len(content) > MAX_FILE_BYTES:
            raise _too_big(filename, len(content))
        return [TemplateFile(filename, _decode(filename, content))]
    raise InvalidInput(f"{filename}: upload an .mjml file, or a .zip of .mjml files with their includes.")


def email_name(path: str) -> str:
    """An email's name from its file: `password_reset.mjml` → "Password reset"."""
    stem = PurePosixPath(path.replace("\\", "/")).name
    stem = stem[: -len(".mjml")] if stem.lower().endswith(".mjml") else stem
    words = " ".join(re.split(r"[-_\s]+", stem)).strip()
    return (words[:1].upper() + words[1:]) or "Imported email"


def _head_text(text: str, tag: str) -> str:
    nodes = parse_mjml(text).find(tag)
    return " ".join(text_of(nodes[0].content).split()) if nodes else ""


MAX_TAGS_SHOWN = 10


def _merge_tags(text: str) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """The merge tags a template uses, the other engines they are written for, and notes about them.

    Tags of another engine (Mailchimp's *|FNAME|*, Handlebars…) are listed as written, with a note on
    how to convert them; the import saves the template as it is either way."""
    foreign = foreign_tags(text)
    if foreign:
        engines = tuple(engines_of(foreign))
        written = tuple(dict.fromkeys(tag.text for tag in foreign))
        shown = written[:MAX_TAGS_SHOWN] + (("…",) if len(written) > MAX_TAGS_SHOWN else ())
        note = (
            f"{plural(len(foreign), 'merge tag')} in {' and '.join(engines)} syntax: "
            "after the import, open the email in the studio and press “Convert to Liquid”."
        )
        return shown, engines, (note,)
    try:
        return tuple(merge_variables(text)), (), ()
    except JourneyError as exc:
        return (), (), (f"Merge tags: {exc}",)


def _classify(files: list[TemplateFile]) -> dict[str, str]:
    """path → "email", "snippet" or "skipped"."""
    included = {include.name for f in files for include in find_includes(f.text)}
    kinds = {}
    for f in files:
        is_mjml = f.path.lower().endswith(".mjml")
        if snippet_name(f.path) in included:
            kinds[f.path] = "snippet"
        elif is_mjml and _MJML_ROOT_RE.search(_COMMENT_RE.sub("", f.text)):
            kinds[f.path] = "email"
        elif is_mjml:
            kinds[f.path] = "snippet"
        else:
            kinds[f.path] = "skipped"
    return kinds


def survey_templates(
    files: list[TemplateFile], *, library: Mapping[str, str], email_names: set[str]
) -> Gallery:
    """What each file is and holds, and what blocks the import (see the module's docstring)."""
    kinds = _classify(files)
    zip_snippets: dict[str, list[TemplateFile]] = {}
    for f in files:
        if kinds[f.path] == "snippet":
            zip_snippets.setdefault(snippet_name(f.path), []).append(f)
    taken = {name.lower() for name in email_names}
    seen_emails: dict[str, str] = {}
    found = []
    for f in files:
        kind = kinds[f.path]
        if kind == "skipped":
            found.append(
                FoundTemplate(f.path, kind, "", f.text, notes=("Not included by any template: skipped.",))
            )
            continue
        problems: list[str] = []
        notes: list[str] = []
        reused = False
        if f.path.lower().endswith(".mjml") and not _MJML_TAG_RE.search(f.text):
            problems.append("This is not MJML: it has no <mjml> or <mj-…> tag.")
        if kind == "email":
            name = email_name(f.path)
            if name.lower() in taken:
                problems.append(f"The journey already has an email named “{name}”: rename the file.")
            elif name.lower() in seen_emails:
                problems.append(
                    f"{seen_emails[name.lower()]} would also be named “{name}”: rename one of them."
                )
            seen_emails[name.lower()] = f.path
        else:
            name = snippet_name(f.path)
            others = [o.path for o in zip_snippets[name] if o.path != f.path and o.text != f.text]
            if others:
                problems.append(
                    f"{', '.join(others)} is also the snippet “{name}”, with other MJML: rename one."
                )
            if name in library:
                if library[name] == f.text:
                    reused, notes = (
                        True,
                        [*notes, f"The workspace already has this snippet “{name}”: reused."],
                    )
                else:
                    problems.append(
                        f"The workspace already has a snippet named “{name}” with other MJML: rename the file, "
                        "or change the workspace's snippet on the Snippets page."
                    )
            if not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", name or "-"):
                problems.append(
                    f"“{name}” cannot be a snippet name: use letters, digits, - and _ in the file name."
                )
        includes = tuple(
            IncludeStatus(
                include.path,
                include.name,
                "zip" if include.name in zip_snippets else "workspace" if include.name in library else None,
            )
            for include in find_includes(f.text)
        )
        tags, engines, tag_notes = _merge_tags(f.text)
        subject = _head_text(f.text, "mj-title") if kind == "email" else ""
        found.append(
            FoundTemplate(
                path=f.path,
                kind=kind,
                name=name,
                mjml=f.text,
                subject=subject[:MAX_SUBJECT],
                preheader=_head_text(f.text, "mj-preview")[:MAX_SUBJECT] if kind == "email" else "",
                merge_tags=tags,
                engines=engines,
                includes=includes,
                notes=(*notes, *tag_notes),
                problems=tuple(problems),
                reused=reused,
            )
        )
    return Gallery(found)


def survey_upload(session: Session, stage_id: int, filename: str, content: bytes) -> Gallery:
    """The gallery of an upload against the workspace's snippets and the stage's journey's email names."""
    from sqlalchemy import select

    from db.models import Email, Stage
    from journey.plan.journeys import get_stage
    from journey.write.snippets import snippet_library

    stage = get_stage(session, stage_id)
    in_journey = (
        select(Email.name).join(Stage, Stage.id == Email.stage_id).where(Stage.journey_id == stage.journey_id)
    )
    names = set(session.execute(in_journey).scalars())
    return survey_templates(
        read_templates(filename, content), library=snippet_library(session), email_names=names
    )


def import_upload(session: Session, stage_id: int, filename: str, content: bytes) -> Gallery:
    """Create the upload's emails (drafts, at the end of the stage) and new snippets; refused as a whole
    (InvalidInput listing every problem with its file) when anything blocks it. The caller commits."""
    from journey.plan.journeys import add_email
    from journey.write.snippets import create_snippet

    gallery = survey_upload(session, stage_id, filename, content)
    if gallery.problems:
        raise InvalidInput("Nothing was imported. " + " ".join(gallery.problems))
    if not gallery.emails and not gallery.snippets:
        raise InvalidInput(f"{filename} holds no template to import.")
    created: set[str] = set()
    for snippet in gallery.snippets:
        if not snippet.reused and snippet.name not in created:
            create_snippet(session, name=snippet.name, mjml=snippet.mjml)
            created.add(snippet.name)
    for email in gallery.emails:
        add_email(
            session,
            stage_id,
            name=email.name,
            mjml=email.mjml,
            subject=email.subject,
            preheader=email.preheader,
        )
    return gallery
