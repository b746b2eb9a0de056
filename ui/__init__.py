"""The UI glue: the cached engine, one database session per rerun, shared pickers and widgets.

Pages import from here and from journey/; nothing in journey/ or db/ knows Streamlit.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager

import streamlit as st
from sqlalchemy import Engine
from sqlmodel import Session
from streamlit.runtime.scriptrunner import get_script_run_ctx

from db.engine import database_url, make_engine, session_scope
from db.migrate import upgrade
from journey.core.errors import JourneyError
from journey.plan import demo, journeys

CURRENT_JOURNEY = "current_journey_id"


def _leave_legacy_multipage_mode() -> None:
    """Send a deep link that arrived before app.py ever ran through app.py's navigation.

    Streamlit starts every server in its legacy multipage mode when a `pages/` folder sits
    beside the entry point, and only app.py's first `st.navigation` call switches that off.
    So if the first request after a start is a bookmark such as /review, Streamlit runs
    pages/review.py by itself: raw file names in the sidebar, no page config. Every page
    imports this module, so the first such run ends the legacy mode and reruns the same URL
    through app.py.
    """
    from streamlit.runtime.pages_manager import PagesManager

    if PagesManager.uses_pages_directory and get_script_run_ctx() is not None:
        PagesManager.uses_pages_directory = False
        st.rerun()


@st.cache_resource(show_spinner="Opening the workspace…")
def _engine_for(url: str) -> Engine:
    """One engine per database URL: migrated, and seeded with the demo on a first start."""
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        demo.seed_on_first_start(session, with_demo=os.environ.get("JOURNEY_SEED_DEMO", "1") != "0")
    return engine


def get_engine() -> Engine:
    return _engine_for(database_url())


@contextmanager
def db_session() -> Iterator[Session]:
    """A session for this rerun: one transaction, committed when the block ends without error."""
    with session_scope(get_engine()) as session:
        yield session


def run_write(action, *args, success: str | None = None, **kwargs):
    """Run `action(session, …)` in its own transaction; show a JourneyError instead of raising.

    Returns the action's result, or None when it was refused (the message is shown).
    """
    try:
        with db_session() as session:
            result = action(session, *args, **kwargs)
    except JourneyError as exc:
        st.error(str(exc), icon="⚠️")
        return None
    if success:
        st.toast(success, icon="✅")
    return result


def journey_picker(*, key: str, label: str = "Journey") -> journeys.JourneySummary | None:
    """Pick a journey; the choice follows the user from page to page."""
    with db_session() as session:
        summaries = journeys.list_journeys(session)
    if not summaries:
        st.info(
            "No journeys yet. Create one on the **Journeys** page, or load the demo with `python -m journey demo`."
        )
        return None
    ids = [s.id for s in summaries]
    by_id = {s.id: s for s in summaries}
    current = st.session_state.get(CURRENT_JOURNEY)
    if st.session_state.get(key) not in ids:
        st.session_state[key] = current if current in ids else ids[0]
    chosen = st.selectbox(label, ids, key=key, format_func=lambda i: by_id[i].name)
    st.session_state[CURRENT_JOURNEY] = chosen
    return by_id[chosen]


def field_error(errors: dict[str, str], field: str) -> None:
    """The validation message for `field`, shown right under its widget."""
    if field in errors:
        st.caption(f":red[⚠️ {errors[field]}]")


def form_errors(key: str) -> dict[str, str]:
    """The per-field validation messages of one form, kept across reruns."""
    return st.session_state.setdefault(f"{key}_errors", {})


def record_error(key: str, exc: JourneyError) -> None:
    """Put `exc` beside its field (or at the top of the form when it names none)."""
    errors = form_errors(key)
    errors.clear()
    errors[exc.field or "_form"] = str(exc)


def file_stem(name: str, default: str) -> str:
    """A download's file name stem from a journey or email name: lowercase words joined by dashes."""
    return re.sub(r"[\W_]+", "-", name.lower()).strip("-") or default


def finding_counts(findings) -> None:
    """One line above a findings list: how many errors, warnings and hints."""
    counts = {s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")}
    st.markdown(
        f"**{counts['error']}** errors · **{counts['warning']}** warnings · **{counts['info']}** hints"
    )


# --- forms that keep what was typed -------------------------------------------
# A form's widgets are named prefix + field. They are filled from the database once (load_form) and
# then keep what the user typed across reruns; only a successful save reloads them (submit_form marks
# the prefix, reload_saved_forms clears it at the top of the next run, before any widget exists).

FORM_RESET = "form_reset"


def reload_saved_forms() -> None:
    """Forget the widget values of the forms saved on the previous run, so they show the database again."""
    for prefix in st.session_state.pop(FORM_RESET, []):
        for key in [k for k in st.session_state if isinstance(k, str) and k.startswith(prefix)]:
            del st.session_state[key]


def load_form(prefix: str, row, fields) -> None:
    """Put `row`'s values into the widgets named prefix + field, once, with the version they came from."""
    if f"{prefix}version" in st.session_state:
        return
    for field in fields:
        value = getattr(row, field)
        st.session_state[f"{prefix}{field}"] = "" if value is None else value
    st.session_state[f"{prefix}version"] = row.version


def submit_form(prefix: str, action, *args, **kwargs) -> None:
    """Save a form with `action(session, …)`: reload it on success, else show the refusal beside its field."""
    try:
        with db_session() as session:
            action(session, *args, **kwargs)
    except JourneyError as exc:
        record_error(prefix, exc)
    else:
        form_errors(prefix).clear()
        st.session_state.setdefault(FORM_RESET, []).append(prefix)
    st.rerun()


def run_action(action, *args, **kwargs) -> None:
    """A one-click write (move, delete): rerun to show the result, or show why it was refused."""
    try:
        with db_session() as session:
            action(session, *args, **kwargs)
    except JourneyError as exc:
        st.error(str(exc))
        return
    st.rerun()


_leave_legacy_multipage_mode()


# --- journey map ---


def load_map_view(journey_id: int):
    """The journey's map (with its latest stage rates), its check findings and its source journey id."""
    from journey.plan import checks as journey_checks
    from journey.plan import maps as journey_map

    with db_session() as session:
        tree = journeys.load_tree(session, journey_id)
        rates = journey_map.stage_rates(session, journey_id)
        findings = journey_checks.check_tree(
            tree,
            unsubscribe_rates={
                n.stage.name: rates[n.stage.id].rates.get("unsubscribe_rate")
                for n in tree.stages
                if n.stage.id in rates
            },
            unsubscribe_threshold=journey_checks.unsubscribe_threshold(session),
        )
        return journey_map.build_map(tree, rates), findings, tree.journey.source_journey_id


def show_findings(findings) -> None:
    """Journey-check findings as a table, errors first, with a one-line summary above."""
    import pandas as pd

    if not findings:
        st.success("No findings: this journey follows every rule we check.", icon="✅")
        return
    finding_counts(findings)
    icons = {"error": "🛑 error", "warning": "⚠️ warning", "info": "💡 info"}
    rows = [
        {
            "Severity": icons[f.severity],
            "Rule": f.rule,
            "Stage": f.stage or "–",
            "Email": f.email or "–",
            "What": f.message,
            "Fix": f.fix,
        }
        for f in findings
    ]
    st.table(pd.DataFrame(rows).set_index("Severity"))  # a table wraps long messages


def map_downloads(journey_map) -> None:
    """A download button for each export of the map; PNG and SVG are rendered only when clicked."""
    from functools import partial

    from journey.plan import map_export

    stem = file_stem(journey_map.name, "journey")
    buttons = (
        ("PNG image", partial(map_export.map_png, journey_map), f"{stem}-map.png", "image/png", "map_png"),
        (
            "SVG image",
            partial(map_export.map_svg, journey_map),
            f"{stem}-map.svg",
            "image/svg+xml",
            "map_svg",
        ),
        (
            "Printable page (A4)",
            map_export.printable_html(journey_map),
            f"{stem}-map.html",
            "text/html",
            "map_print",
        ),
        ("CSV (lanes)", map_export.map_csv(journey_map), f"{stem}-lanes.csv", "text/csv", "map_csv"),
        (
            "Empty template (CSV)",
            map_export.template_csv(),
            "journey-map-template.csv",
            "text/csv",
            "map_tpl_csv",
        ),
        (
            "Empty template (printable)",
            map_export.template_html(),
            "journey-map-template.html",
            "text/html",
            "map_tpl_html",
        ),
    )
    columns = st.columns(3)
    for i, (label, data, name, mime, key) in enumerate(buttons):
        columns[i % 3].download_button(
            label, data, file_name=name, mime=mime, key=key, icon="⬇️", width="stretch", on_click="ignore"
        )


def load_comparison(current_id: int, future_id: int):
    from journey.plan.maps import compare_trees

    with db_session() as session:
        return compare_trees(journeys.load_tree(session, current_id), journeys.load_tree(session, future_id))


def walk_personas(journey_id: int) -> list[tuple[int, str]]:
    """(id, label) of every persona: the journey's own first."""
    from journey.plan import personas

    with db_session() as session:
        own = set(journeys.journey_persona_ids(session, journey_id))
        everyone = personas.list_personas(session)
    ordered = [p for p in everyone if p.id in own] + [p for p in everyone if p.id not in own]
    return [(p.id, p.name + ("" if p.id in own else " (other journey)")) for p in ordered]


def load_walkthrough(journey_id: int, path, persona_id: int | None, start):
    """The walk-through of a journey on `path` as the persona (its merge data), and the stage names."""
    from journey.plan import personas
    from journey.plan.walkthrough import walk_journey
    from journey.write.render import standard_merge_data

    with db_session() as session:
        tree = journeys.load_tree(session, journey_id)
        merge = personas.get_persona(session, persona_id).merge_data if persona_id else {}
        walk = walk_journey(tree, path, standard_merge_data(merge), start=start)
        return walk, [n.stage.name for n in tree.stages], tree.journey.max_emails_per_week


# --- studio ---

STUDIO_EMAIL = "studio_email_id"  # the email open in the studio (the journey editor sets it too)
STUDIO_FIELDS = ("subject", "preheader", "mjml")
DESKTOP_PREVIEW_WIDTH = 680  # 600 px content plus the email's own margins
MOBILE_PREVIEW_WIDTH = 375
PREVIEW_HEIGHT = 900


def studio_drafts() -> dict[int, dict]:
    """Unsaved studio edits, by email id: {"subject", "preheader", "mjml", "version", "saved": {...}}."""
    return st.session_state.setdefault("studio_drafts", {})


def studio_is_dirty(email_id: int | None) -> bool:
    """True when the email has edits in this browser session that are not saved."""
    draft = studio_drafts().get(email_id)
    return bool(draft) and any(draft[f] != draft["saved"][f] for f in STUDIO_FIELDS)


def studio_open_draft(email) -> dict:
    """The draft of `email`: kept from earlier in this session, else loaded; put into the editor widgets.

    The editor widgets (`studio_subject`, `studio_preheader`, `studio_mjml`) are filled from the draft
    when another email is opened or when Streamlit dropped them on a page switch, so edits survive both.
    """
    drafts = studio_drafts()
    draft = drafts.get(email.id)
    if draft is None:
        saved = {f: getattr(email, f) or "" for f in STUDIO_FIELDS}
        draft = drafts[email.id] = {**saved, "version": email.version, "saved": saved}
    draft["name"] = email.name
    if st.session_state.get("studio_widgets_for") != email.id or "studio_mjml" not in st.session_state:
        for field in STUDIO_FIELDS:
            st.session_state[f"studio_{field}"] = draft[field]
        st.session_state["studio_widgets_for"] = email.id
    return draft


def studio_capture(draft: dict) -> None:
    """Copy what is in the editor widgets into the draft (call after the widgets)."""
    for field in STUDIO_FIELDS:
        draft[field] = st.session_state.get(f"studio_{field}") or ""


def studio_mark_saved(email_id: int, version: int) -> None:
    """After a save: the draft's values are the saved ones, at the row's new version."""
    draft = studio_drafts()[email_id]
    draft["version"] = version
    draft["saved"] = {f: draft[f] for f in STUDIO_FIELDS}


def studio_discard(email_id: int) -> None:
    """Forget the unsaved edits of an email; it is reloaded from the database on the next run."""
    studio_drafts().pop(email_id, None)
    st.session_state.pop("studio_widgets_for", None)
    st.session_state["studio_reload_requested"] = True


def _studio_point_picker(email_id: int) -> None:
    """Set the journey, stage and email pickers to `email_id` (before they are drawn, or in a callback)."""
    with db_session() as session:
        stage = journeys.get_stage(session, journeys.get_email(session, email_id).stage_id)
    st.session_state["studio_journey"] = st.session_state[CURRENT_JOURNEY] = stage.journey_id
    st.session_state["studio_stage"] = stage.id
    st.session_state["studio_email"] = email_id
    st.session_state["studio_picker_for"] = email_id


def _studio_switch(email_id: int) -> None:
    st.session_state[STUDIO_EMAIL] = email_id
    st.session_state["studio_picker_for"] = email_id


def studio_email_picker() -> int | None:
    """Journey → stage → email; the id of the email to edit, or None.

    The email can also come from the journey editor (`st.session_state["studio_email_id"]`) or the
    URL (`?email=ID`). Switching away from an email with unsaved edits asks first; the draft is kept
    in this browser session either way and comes back when the email is reopened.
    """
    from journey.core.errors import NotFound

    query = st.query_params.get("email")
    if query and query.isdigit() and int(query) != st.session_state.get("studio_query_seen"):
        st.session_state["studio_query_seen"] = int(query)
        st.session_state[STUDIO_EMAIL] = int(query)
    open_id = st.session_state.get(STUDIO_EMAIL)
    if open_id is not None and (
        "studio_email" not in st.session_state or st.session_state.get("studio_picker_for") != open_id
    ):
        try:
            _studio_point_picker(open_id)
        except NotFound as exc:
            st.warning(str(exc))
            st.session_state.pop(STUDIO_EMAIL, None)
            open_id = None
    columns = st.columns(3)
    with columns[0]:
        journey = journey_picker(key="studio_journey")
    if journey is None:
        return None
    with db_session() as session:
        tree = journeys.load_tree(session, journey.id)
    stages = {node.stage.id: node for node in tree.stages}
    if not stages:
        st.info("This journey has no stages yet: add them in the Journey editor.")
        return open_id if studio_is_dirty(open_id) else None
    if st.session_state.get("studio_stage") not in stages:
        st.session_state["studio_stage"] = next(iter(stages))
    stage_id = columns[1].selectbox(
        "Stage", list(stages), key="studio_stage", format_func=lambda i: stages[i].stage.name
    )
    emails = {e.id: e for e in stages[stage_id].emails}
    if not emails:
        columns[2].selectbox("Email", [], key="studio_email_none", placeholder="No emails in this stage")
        st.info("This stage has no emails yet: add one in the Journey editor.")
        return open_id if studio_is_dirty(open_id) else None
    if st.session_state.get("studio_email") not in emails:
        st.session_state["studio_email"] = next(iter(emails))
    picked = columns[2].selectbox(
        "Email",
        list(emails),
        key="studio_email",
        format_func=lambda i: emails[i].name,
    )
    if picked == open_id:
        return open_id
    if open_id is None or not studio_is_dirty(open_id):
        _studio_switch(picked)
        return picked
    name = studio_drafts()[open_id].get("name", "this email")
    st.warning(
        f"**Unsaved changes** to {name}. Switch to “{emails[picked].name}” anyway? Your edits stay in "
        "this browser session and come back when you reopen the email, but are not saved.",
        icon="⚠️",
    )
    go, stay = st.columns(2)
    go.button(
        "Switch and keep my draft", key="studio_switch_confirm", on_click=_studio_switch, args=(picked,)
    )
    stay.button(f"Stay on {name}", key="studio_switch_cancel", on_click=_studio_point_picker, args=(open_id,))
    return open_id


def studio_persona_data(tree_personas, *, key: str = "studio_persona") -> dict[str, str]:
    """A persona picker for merge data (the journey's personas first); the standard merge data."""
    from journey.plan import personas
    from journey.write.render import standard_merge_data

    with db_session() as session:
        everyone = personas.list_personas(session)
    own = {p.id for p in tree_personas}
    ordered = [p for p in everyone if p.id in own] + [p for p in everyone if p.id not in own]
    by_id = {p.id: p for p in ordered}
    options = [*by_id, 0]
    if st.session_state.get(key) not in options:
        st.session_state[key] = options[0]
    chosen = st.selectbox(
        "Preview as persona",
        options,
        key=key,
        format_func=lambda i: by_id[i].name if i else "No persona (merge-tag fallbacks)",
        help="Merge tags like {{ first_name }} are filled with this persona's sample merge data.",
    )
    return standard_merge_data(by_id[chosen].merge_data if chosen else {})


class StudioRender:
    """One pipeline run for the studio: sanitised HTML and text (None when it cannot render), findings."""

    def __init__(self, html: str | None, text: str | None, findings: list) -> None:
        self.html, self.text, self.findings = html, text, findings

    @property
    def errors(self) -> list:
        return [f for f in self.findings if f.severity == "error"]


@st.cache_data(max_entries=256, show_spinner=False)
def load_studio_render(
    mjml: str, subject: str | None, preheader: str, data: dict, cta_label: str, cta_url: str
) -> StudioRender:
    """Merge tags → MJML → sanitised HTML + text, and every pre-send finding (one render)."""
    from journey.core.findings import sorted_findings
    from journey.write.checks import findings_for
    from journey.write.render import preview

    result = preview(mjml, data, preheader=preheader)
    findings = findings_for(
        result, subject=subject, preheader=preheader, cta_label=cta_label, cta_url=cta_url
    )
    email = result.email
    return StudioRender(
        email.html if email else None, email.text if email else None, sorted_findings(findings)
    )


def studio_preview(html: str | None, *, width: int, caption: str, height: int = PREVIEW_HEIGHT) -> None:
    """One sandboxed preview: sanitised HTML with a CSP in a data: URL (opaque origin), no app CSS."""
    from journey.write.render import preview_src

    st.caption(caption)
    if html is None:
        st.info("No preview: fix the error in the findings first.")
        return
    st.iframe(preview_src(html), width=width, height=height)


def studio_previews(html: str | None) -> None:
    """Desktop (600 px content) and mobile (375 px viewport) previews side by side."""
    # Fixed-width boxes in a wrapping row: each preview keeps its true width (columns would squeeze them).
    with st.container(horizontal=True, gap="medium"):
        with st.container(width=DESKTOP_PREVIEW_WIDTH):
            studio_preview(html, width=DESKTOP_PREVIEW_WIDTH, caption="Desktop · 600 px content")
        with st.container(width=MOBILE_PREVIEW_WIDTH):
            studio_preview(html, width=MOBILE_PREVIEW_WIDTH, caption="Mobile · 375 px screen")


def studio_findings(findings) -> None:
    """Pre-send findings, errors first, each with its line and how to fix it."""
    if not findings:
        st.success("No problems found: ready to mark as ready.", icon="✅")
        return
    finding_counts(findings)
    show = {"error": st.error, "warning": st.warning, "info": st.info}
    icons = {"error": "🛑", "warning": "⚠️", "info": "💡"}
    for finding in findings:
        where = f"Line {finding.line}: " if finding.line else ""
        fix = f"  \n*Fix:* {finding.fix}" if finding.fix else ""
        show[finding.severity](
            f"{where}{finding.message} `{finding.rule}`{fix}", icon=icons[finding.severity]
        )


def studio_downloads(name: str, mjml: str, rendered: StudioRender) -> None:
    """Download the HTML, the plain text and the MJML source of the email as it is in the editor."""
    slug = file_stem(name, "email")
    html_col, text_col, mjml_col = st.columns(3)
    html_col.download_button(
        "⬇️ HTML",
        rendered.html or "",
        f"{slug}.html",
        "text/html",
        key="studio_download_html",
        disabled=rendered.html is None,
        on_click="ignore",
    )
    text_col.download_button(
        "⬇️ Plain text",
        rendered.text or "",
        f"{slug}.txt",
        "text/plain",
        key="studio_download_text",
        disabled=rendered.text is None,
        on_click="ignore",
    )
    mjml_col.download_button(
        "⬇️ MJML", mjml, f"{slug}.mjml", "application/xml", key="studio_download_mjml", on_click="ignore"
    )


def smtp_settings():
    """(SmtpConfig or None, why not) from the [smtp] table of .streamlit/secrets.toml, else SMTP_* env vars."""
    from journey.write.send import smtp_config, smtp_settings_from_env

    table: dict = {}
    try:
        if "smtp" in st.secrets:
            table = dict(st.secrets["smtp"])
    except Exception:  # no secrets.toml, or one that does not parse: fall back to the environment
        table = {}
    if not table:
        table = smtp_settings_from_env(os.environ)
    try:
        config = smtp_config(table)
    except JourneyError as exc:
        return None, f"SMTP is misconfigured: {exc}"
    if config is None:
        return None, (
            "Test sends are off: no SMTP server is configured. Add an `[smtp]` table (host, port, starttls, "
            "user, password, from) to `.streamlit/secrets.toml`, or set SMTP_HOST, SMTP_PORT, SMTP_STARTTLS, "
            "SMTP_USER, SMTP_PASSWORD and SMTP_FROM, then restart the app."
        )
    return config, None


VARIANT_FIELDS = ("label", "subject", "preheader", "mjml", "esp_campaign_id")


def _variant_saved(variant_id: int) -> None:
    st.session_state.setdefault("studio_variant_drafts", {}).pop(variant_id, None)


def studio_variant_editor(email, row):
    """Edit one A/B variant (label, overrides, ESP id): save (versioned) or delete; its content as edited.

    Edits are kept in session state (by variant id), so they survive reruns and page switches.
    """
    from journey.write import variants

    prefix = f"studio_variant_{row.id}_"
    drafts = st.session_state.setdefault("studio_variant_drafts", {})
    state = drafts.get(row.id)
    if state is None:
        loaded = {f: getattr(row, f) or "" for f in VARIANT_FIELDS}
        state = drafts[row.id] = {"values": dict(loaded), "saved": loaded, "version": row.version}
        for field, value in loaded.items():
            st.session_state[prefix + field] = value
    for field, value in state["values"].items():
        st.session_state.setdefault(prefix + field, value)
    top = st.columns([1, 3, 3])
    top[0].text_input("Label", key=prefix + "label", max_chars=40)
    top[1].text_input("Subject override", key=prefix + "subject", placeholder=email.subject)
    top[2].text_input("Preheader override", key=prefix + "preheader", placeholder=email.preheader)
    st.text_area("Body override (MJML; empty uses the email's body)", key=prefix + "mjml", height=240)
    st.text_input("ESP campaign id", key=prefix + "esp_campaign_id")
    state["values"] = {f: st.session_state.get(prefix + f) or "" for f in VARIANT_FIELDS}
    if state["values"] != state["saved"]:
        st.warning(f"**Unsaved changes** to variant {row.label}.", icon="✏️")
    save_col, confirm_col, delete_col = st.columns(3)
    if save_col.button("Save variant", key=prefix + "save"):
        try:
            with db_session() as session:
                variants.update_variant(session, row.id, state["version"], **state["values"])
        except JourneyError as exc:
            st.error(f"{exc} Your edits are still here, unsaved.", icon="⚠️")
        else:
            _variant_saved(row.id)
            st.rerun()
    sure = confirm_col.checkbox("Yes, delete it", key=prefix + "confirm_delete")
    if delete_col.button("Delete variant", key=prefix + "delete", disabled=not sure):
        try:
            with db_session() as session:
                variants.delete_variant(session, row.id)
        except JourneyError as exc:
            st.error(str(exc))
        else:
            _variant_saved(row.id)
            st.rerun()
    values = state["values"]
    return variants.VariantContent(
        label=values["label"],
        subject=values["subject"] or email.subject,
        preheader=values["preheader"] or email.preheader,
        mjml=values["mjml"] or email.mjml,
    )


# --- metrics ---


def _metrics_db() -> tuple:
    """The cache key of every metric loader: the database, and a stamp that changes with its metrics.

    The stamp (row count, latest import, thresholds saved) is one cheap query, so an import from
    the page, the CLI or a teammate shows at once without anyone clearing the caches.
    """
    from sqlalchemy import func, select

    from db.models import Email, Journey, JourneyPersona, MetricDaily, Persona, Setting, Stage

    columns = [
        select(func.count()).select_from(MetricDaily).scalar_subquery(),
        select(func.max(MetricDaily.imported_at)).scalar_subquery(),
        select(func.count()).select_from(JourneyPersona).scalar_subquery(),
        select(Setting.updated_at).where(Setting.key == "alert_thresholds").scalar_subquery(),
    ]
    for table in (Journey, Stage, Email, Persona):
        columns.append(select(func.count()).select_from(table).scalar_subquery())
        columns.append(select(func.max(table.updated_at)).scalar_subquery())
    with db_session() as session:
        stamp = session.execute(select(*columns)).one()
    return (database_url(), *(str(value) for value in stamp))


@st.cache_data(ttl=300, show_spinner=False)
def _load_metric_scope(stamp: tuple) -> dict:
    from journey.plan import personas

    with db_session() as session:
        return {
            "personas": [(p.id, p.name) for p in personas.list_personas(session)],
            "journeys": [(j.id, j.name, tuple(j.personas)) for j in journeys.list_journeys(session)],
        }


def load_metric_scope() -> dict:
    """Personas as (id, name) and journeys as (id, name, persona names), for the dashboard's filters."""
    return _load_metric_scope(_metrics_db())


@st.cache_data(ttl=300, show_spinner=False)
def _load_journey_span(stamp: tuple, journey_id: int):
    from journey.measure import metrics

    with db_session() as session:
        span = metrics.data_range(session, metrics.MetricFilter(journey_id=journey_id))
        stages = [(n.stage.id, n.stage.name) for n in journeys.load_tree(session, journey_id).stages]
    return (span.start, span.end) if span else None, stages


def load_journey_span(journey_id: int):
    """((first day, last day) with metrics or None, [(stage id, name)] in journey order)."""
    return _load_journey_span(_metrics_db(), journey_id)


@st.cache_data(ttl=300, show_spinner="Summing the metrics…")
def _load_dashboard(stamp, journey_id, start, end, stage_ids, trend_rates, table_rate) -> dict:
    from journey.measure import charts, metrics

    period = metrics.Period(start, end)
    with db_session() as session:
        stages = metrics.stage_metrics(session, journey_id, period, stage_ids)
        weekly = metrics.stage_weekly(session, journey_id, period, stage_ids)
        emails = metrics.email_metrics(session, journey_id, period, stage_ids)
        email_weeks = metrics.email_weekly(session, journey_id, period, stage_ids)
    total = metrics.Counts()
    for stage in stages:
        total = total + stage.counts
    return {
        "total": total,
        "stage_rates": charts.stage_rates_frame(stages),
        "trend": charts.stage_trend_frame(weekly, trend_rates),
        "funnel": charts.funnel_frame(stages),
        "emails": charts.email_table_frame(emails, email_weeks, table_rate),
    }


def load_dashboard(journey_id, start, end, stage_ids=None, trend_rates=(), table_rate="click_rate") -> dict:
    """The dashboard's data for one journey and period: totals and one DataFrame per chart."""
    ids = tuple(stage_ids) if stage_ids else None
    return _load_dashboard(_metrics_db(), journey_id, start, end, ids, tuple(trend_rates), table_rate)


@st.cache_data(ttl=300, show_spinner="Preparing the review…")
def _load_weekly_review(stamp: tuple, journey_id: int, week: str):
    from journey.measure import charts, metrics, review

    with db_session() as session:
        weekly = review.weekly_review(session, journey_id, week)
    stages = [metrics.StageMetrics(s.stage_id, s.stage, i, s.counts) for i, s in enumerate(weekly.stages)]
    return weekly, charts.stage_rates_frame(stages), charts.funnel_frame(stages)


def load_weekly_review(journey_id: int, week: str):
    """(WeeklyReview, stage-rates frame, funnel frame) for one journey and ISO week."""
    return _load_weekly_review(_metrics_db(), journey_id, week)


def clear_metric_caches() -> None:
    """Forget cached metrics: call after an import, a threshold change or the demo reload."""
    for loader in (_load_metric_scope, _load_journey_span, _load_dashboard, _load_weekly_review):
        loader.clear()


def review_week_options(journey_id: int) -> list[str]:
    """ISO weeks to review, newest first: from the last complete week (or the latest data) back to the first data."""
    from datetime import timedelta

    from journey.measure import metrics

    span, _ = load_journey_span(journey_id)
    newest = metrics.last_complete_week().start
    oldest = newest - timedelta(weeks=11)
    if span:
        newest = max(newest, metrics.week_start_of(span[1]))
        oldest = min(oldest, metrics.week_start_of(span[0]))
    weeks, monday = [], newest
    while monday >= oldest and len(weeks) < 260:
        weeks.append(metrics.iso_week_label(monday))
        monday -= timedelta(weeks=1)
    return weeks


def chart_downloads(chart, frame, *, stem: str, key: str) -> None:
    """PNG (rendered only when clicked) and CSV downloads for one chart."""
    from functools import partial

    from journey.measure import charts

    left, right, _ = st.columns([1, 1, 4])
    left.download_button(
        "PNG",
        partial(charts.chart_png, chart),
        file_name=f"{stem}.png",
        mime="image/png",
        key=f"{key}_png",
        icon="⬇️",
        on_click="ignore",
    )
    right.download_button(
        "CSV",
        charts.frame_csv(frame),
        file_name=f"{stem}.csv",
        mime="text/csv",
        key=f"{key}_csv",
        icon="⬇️",
        on_click="ignore",
    )


def studio_side_by_side(*previews: tuple[str | None, str]) -> None:
    """Mobile-width previews in a row, e.g. the base email and an A/B variant: (html, caption) each."""
    with st.container(horizontal=True, gap="medium"):
        for html, caption in previews:
            with st.container(width=MOBILE_PREVIEW_WIDTH):
                studio_preview(html, width=MOBILE_PREVIEW_WIDTH, caption=caption)


def studio_test_send(draft: dict, data: dict) -> None:
    """The test-send form: up to 5 addresses; disabled, with how to configure SMTP, when it is not set up."""
    from journey.write.send import MAX_TEST_RECIPIENTS, send_test_email

    config, problem = smtp_settings()
    st.text_area(
        f"Test addresses (up to {MAX_TEST_RECIPIENTS})",
        key="studio_send_to",
        placeholder="you@yourbrand.com, colleague@yourbrand.com",
    )
    if config is None:
        st.info(problem)
    else:
        st.caption(f"Sends through {config.describe()}: the editor's current version, as the chosen persona.")
    if not st.button("Send test", key="studio_send", disabled=config is None):
        return
    try:
        result = send_test_email(
            config,
            addresses=st.session_state.get("studio_send_to", ""),
            mjml=draft["mjml"],
            subject=draft["subject"],
            preheader=draft["preheader"],
            data=data,
        )
    except JourneyError as exc:
        st.error(str(exc))
        return
    st.success(f"Sent to {', '.join(result.accepted)}.")
    for address, reason in result.refused.items():
        st.warning(f"The server refused {address}: {reason}")


# --- metrics import ---


def import_stage_names(journey_id: int) -> list[str]:
    """The journey's stage names in order, for "create missing emails in stage"."""
    with db_session() as session:
        return [node.stage.name for node in journeys.load_tree(session, journey_id).stages]


def run_import(journey_id: int, upload, **options):
    """import_metrics on an uploaded file with a progress bar: (ImportResult, None) or (None, JourneyError)."""
    from journey.measure.imports.importer import import_metrics

    bar = st.progress(0.0, text="Reading the file…")
    try:
        with db_session() as session:
            result = import_metrics(
                session,
                journey_id,
                upload,
                progress=lambda fraction, message: bar.progress(min(max(fraction, 0.0), 1.0), text=message),
                **options,
            )
    except JourneyError as exc:
        bar.empty()
        return None, exc
    bar.empty()
    if result.written:
        clear_metric_caches()
    return result, None


def import_mapping_form(columns: list[str], *, key: str = "import_map") -> dict[str, str] | None:
    """Pick which of the file's columns holds each of our fields; the mapping once submitted."""
    from journey.measure.imports.formats import GENERIC, MAPPING_FIELDS, MAPPING_REQUIRED, normalize_header

    by_name = {normalize_header(c): c for c in columns}
    with st.form(key):
        st.markdown(
            "**Map the columns.** The header is not one we know: say which column holds what "
            "(fields marked * are needed; dates as YYYY-MM-DD; counts are unique recipients)."
        )
        picked = {}
        grid = st.columns(3)
        for index, name in enumerate(MAPPING_FIELDS):
            guess = next((by_name[a] for a in GENERIC.columns[name] if a in by_name), None)
            options = ["—", *columns]
            picked[name] = grid[index % 3].selectbox(
                f"{name}{' *' if name in MAPPING_REQUIRED else ''}",
                options,
                index=options.index(guess) if guess else 0,
                key=f"{key}_{name}",
            )
        if not st.form_submit_button("Use this mapping", type="primary"):
            return None
    return {name: column for name, column in picked.items() if column != "—"}


def show_import_summary(result) -> None:
    """What a dry run found: format, counts, rejected rows with their reasons, unmatched emails."""
    how = "detected from the header" if result.detected else "chosen"
    separator = {"\t": "tab", ",": "comma", ";": "semicolon"}[result.delimiter]
    st.markdown(f"**Format:** {result.format_label} ({how}) · {result.encoding} · {separator}-separated")
    left, middle, right, last = st.columns(4)
    left.metric("Rows read", f"{result.rows_read:,}")
    middle.metric("Rows to import", f"{result.imported:,}", help="One per email, variant and day.")
    right.metric("Rejected rows", f"{result.rejected_total:,}")
    last.metric("Emails not in the journey", f"{len(result.unmatched):,}")
    if result.rejected_total:
        st.error(
            f"{result.rejected_total:,} rows break a rule, so nothing will be imported. Fix them in the file "
            "and upload it again. Row numbers are as a spreadsheet shows them (the header is row 1)."
        )
        st.dataframe(
            [{"Row": r.row, "Reason": r.error} for r in result.rejected],
            hide_index=True,
            width="stretch",
        )
    if result.unmatched:
        st.warning(
            "These emails are not in the journey: their rows are skipped unless you create them below."
        )
        st.dataframe(
            [
                {
                    "Email": u.name,
                    "Campaign id": u.campaign_id,
                    "Rows": u.rows,
                    "Sent": u.sent,
                    "Delivered": u.delivered,
                    "Opens": u.opens,
                    "Clicks": u.clicks,
                }
                for u in result.unmatched
            ],
            hide_index=True,
            width="stretch",
        )


def studio_add_variant(email_id: int, current_mjml: str) -> None:
    """The form that adds an A/B variant: label, subject override, optionally the current body to edit."""
    from journey.write import variants

    with st.form("studio_variant_new", clear_on_submit=True):
        st.markdown("**Add a variant** (leave a field empty to use the email's own)")
        label = st.text_input("Label", key="studio_variant_new_label", placeholder="B", max_chars=40)
        subject = st.text_input("Subject override", key="studio_variant_new_subject")
        copy_body = st.checkbox("Start a body override from the current MJML", key="studio_variant_new_body")
        if not st.form_submit_button("Add variant"):
            return
        try:
            with db_session() as session:
                variants.add_variant(
                    session, email_id, label=label, subject=subject, mjml=current_mjml if copy_body else None
                )
        except JourneyError as exc:
            st.error(str(exc))
            return
    st.rerun()
