"""Markdown and HTML injection (issue 13, point 1): user text is shown as written on every page.

Every user field (journey name, goal, KPI; stage names and lane items; email name, purpose, subject,
preheader, CTA label, an MJML attribute value quoted in a finding; persona name, segment, description,
goals, motivations; a variant label; weekly notes) holds one hostile value, and every page is opened
in AppTest. Each Markdown source Streamlit would render (markdown, captions, alerts, toasts, headings,
widget labels and `help=`, expander and tab titles, metric labels) must carry the value escaped: no
`](`, `<img`, `**`, `_it_`, `` `code` `` or `http://` left for the renderer to read; and the value shows
as literal text once the escapes are read back. The map's HTML must carry it HTML-escaped.
tests/test_browser_hostile_markdown.py checks the same in Chromium (no `a`/`img` element, no request).
"""

from __future__ import annotations

import html
import re

import pytest
from support import in_db, open_page, texts

from db.models import Email
from journey.core.errors import JourneyError
from journey.core.text import escape_markdown
from journey.measure import review
from journey.measure.weeks import iso_week_label, last_complete_week
from journey.plan import journeys, personas
from journey.plan.demo_metrics import load_demo_metrics
from journey.write import snippets, variants
from ui.navigation import PAGES
from ui.studio import STUDIO_EMAIL

PAYLOADS = {
    "image": "![i](http://127.0.0.1:9/x)",
    "link": "[Session expired - sign in](http://127.0.0.1:9/phish)",
    "html": "<img src=x onerror=alert(1)>",
    "emphasis": "**bold** _it_ `code`",
}
SHORT = {**PAYLOADS, "link": "[Sign in](http://127.0.0.1:9/phish)"}  # for a variant label (40 characters)
LAST_WEEK = iso_week_label(last_complete_week().start)
PAGE_KEYS = [spec.key for spec in PAGES]

# What a Markdown renderer would read in the hostile values, unescaped (a backslash before it is an escape).
UNESCAPED = re.compile(r"(?<!\\)(\]\(|<img|\*\*bold|_it_|`code|http://127|!\[|\[Session|\[Sign)")
_ESCAPES = re.compile(r"\\([!-/:-@\[-`{-~])")


def seed(url: str, payload: str, short: str, *, snippet: str = "footer") -> dict:
    """The starter journey with the demo's metrics, every user field holding `payload`; the ids.

    The first email includes the snippet `snippet` (created here), so the Snippets page names it."""
    with in_db(url) as session:
        persona = personas.create_persona(
            session,
            name=payload,
            segment=payload,
            description=payload,
            goals=payload,
            motivations=payload,
            merge_data={"first_name": payload},
        )
        journey = journeys.create_journey(
            session, name=payload, goal=payload, target_kpi=payload, persona_ids=[persona.id]
        )
        load_demo_metrics(session, journey.id)
        tree = journeys.load_tree(session, journey.id)
        lanes = {"customer_goals": f"- {payload}", "obstacles": payload, "opportunities": f"{payload}\n- x"}
        for index, node in enumerate(tree.stages):
            journeys.update_stage(
                session, node.stage.id, node.stage.version, name=f"{payload} {index}", **lanes
            )
            for e_index, email in enumerate(node.emails):
                journeys.update_email(
                    session,
                    email.id,
                    email.version,
                    name=f"{payload} {index}.{e_index}",
                    purpose=payload,
                    subject=payload,
                    preheader=payload,
                    cta_label=payload,
                )
        first: Email = tree.stages[0].emails[0]
        footer = snippets.create_snippet(session, name=snippet, mjml="<mj-text>Bye</mj-text>")
        journeys.update_email(
            session,
            first.id,
            first.version,
            mjml=(
                f'<mjml><mj-body><mj-section padding="{html.escape(payload)}"><mj-column>'
                f'<mj-text>Hi</mj-text><mj-include path="{snippet}.mjml" /></mj-column></mj-section>'
                "</mj-body></mjml>"
            ),
        )
        for variant in variants.list_variants(session, first.id)[:1]:
            variants.update_variant(session, variant.id, variant.version, label=short)
        review.save_note(session, journey.id, LAST_WEEK, payload, 0)
        return {"journey": journey.id, "email": first.id, "snippet": footer.id}


def markdown_sources(node) -> list[tuple[str, str]]:
    """(where, Markdown source) of every element and block Streamlit renders as Markdown, in a tree."""
    found = []
    kind = getattr(node, "type", "")
    if kind in {
        "markdown",
        "caption",
        "error",
        "warning",
        "info",
        "success",
        "toast",
        "title",
        "header",
        "subheader",
    }:
        found.append((kind, str(node.value)))
    label = getattr(node, "label", None)  # widgets, expanders, tabs, metrics
    if isinstance(label, str):
        found.append((f"{kind} label", label))
    proto = getattr(node, "proto", None)
    if proto is not None and getattr(proto, "help", ""):
        found.append((f"{kind} help", proto.help))
    for child in getattr(node, "children", {}).values():
        found += markdown_sources(child)
    return found


def html_bodies(node) -> list[str]:
    found = [node.proto.body] if getattr(node, "type", "") == "html" else []
    for child in getattr(node, "children", {}).values():
        found += html_bodies(child)
    return found


def shown_text(at) -> str:
    """Every text the page shows, as the user reads it: Markdown with its escapes read, options, HTML."""
    parts = [texts(at)]
    parts += [_ESCAPES.sub(r"\1", source).replace("\u2060", "") for _, source in markdown_sources(at._tree)]
    for box in [*at.selectbox, *at.multiselect]:
        parts += [str(option) for option in box.options]
    parts += [html.unescape(re.sub(r"<[^>]+>", "", body)) for body in html_bodies(at._tree)]
    return "\n".join(parts)


@pytest.fixture(params=list(PAYLOADS), ids=list(PAYLOADS))
def hostile(request, app_db) -> dict:
    payload = PAYLOADS[request.param]
    return {"payload": payload, **seed(app_db, payload, SHORT[request.param])}


# What a page draws only once asked for (the review's charts, the studio's other tabs), and an element
# type that only that view draws.
LAZY_VIEWS = [
    ("review", {"review_charts_shown": True}, "vega_lite_chart"),
    ("studio", {"studio_tab": "A/B variants"}, "iframe"),  # the variants' side-by-side previews
    ("studio", {"studio_tab": "Test send"}, "text_area"),  # the recipients
]


def open_hostile_page(page: str, hostile: dict, **opened):
    state = {"current_journey_id": hostile["journey"], "snippets_selected": hostile["snippet"], **opened}
    at = open_page(page, **state, **{STUDIO_EMAIL: hostile["email"]})
    assert not at.exception, at.exception
    return at


def test_every_page_shows_hostile_user_text_as_written_never_as_markdown(hostile):
    payload = hostile["payload"]
    for page, opened, drawn in [(key, {}, None) for key in PAGE_KEYS] + LAZY_VIEWS:
        at = open_hostile_page(page, hostile, **opened)
        assert drawn is None or at.get(drawn), (page, opened)
        for where, source in markdown_sources(at._tree):
            assert not UNESCAPED.search(source), f"{page}: {where} reads user text as Markdown: {source!r}"
        for body in html_bodies(at._tree):
            assert "<img src=x" not in body, page
            assert "<a " not in body, page
        if page != "settings":  # the workspace's brand: no journey text on it
            assert payload in shown_text(at), f"{page} does not show {payload!r} as written"


@pytest.mark.parametrize("page", ["journey_map", "editor", "studio", "review", "personas", "snippets"])
def test_the_pages_that_show_a_field_show_each_one(hostile, page):
    """Where a page shows the value as Markdown, it is there escaped, once per kind of element."""
    at = open_hostile_page(page, hostile)
    escaped = escape_markdown(hostile["payload"])
    assert any(escaped in source for _, source in markdown_sources(at._tree)), page


def test_the_map_board_escapes_every_value_as_html(hostile):
    at = open_hostile_page("journey_map", hostile)
    board = "".join(html_bodies(at._tree))
    assert html.escape(hostile["payload"], quote=False) in board
    assert "<img src=x" not in board
    assert "<a " not in board


def test_a_finding_quoting_a_hostile_attribute_value_is_escaped(hostile):
    at = open_hostile_page("studio", hostile)
    quoted = [w.value for w in at.warning if "is not a valid padding" in w.value]
    assert quoted, [w.value for w in at.warning]
    assert escape_markdown(html.escape(hostile["payload"]).replace("&quot;", '"')) in quoted[0] or (
        escape_markdown(hostile["payload"]) in quoted[0]
    )
    assert not UNESCAPED.search(quoted[0])


def test_a_refusal_quoting_a_hostile_name_is_escaped(hostile):
    """run_write's refusal (a copy named like a journey that exists) quotes the name: shown as written."""
    at = open_hostile_page("journeys", hostile)
    at.text_input(key=f"journeys_copy_name_{hostile['journey']}").input(hostile["payload"])
    at.button(key="journeys_duplicate").click().run()
    assert not at.exception
    refusals = [e.value for e in at.error]
    assert refusals, texts(at)
    assert escape_markdown(hostile["payload"]) in refusals[0]
    assert not UNESCAPED.search(refusals[0])
    assert hostile["payload"] in texts(at)


def test_the_review_markdown_export_escapes_html_and_markdown_in_user_text(app_db):
    hostile = {"payload": PAYLOADS["html"], **seed(app_db, PAYLOADS["html"], SHORT["html"])}
    with in_db(app_db) as session:
        weekly = review.weekly_review(session, hostile["journey"], LAST_WEEK)
    for payload in PAYLOADS.values():
        exported = review.review_markdown(weekly, notes=f"{payload}\n- {payload}")
        assert not UNESCAPED.search(exported), exported
        assert escape_markdown(payload) in exported  # the notes, as typed
    exported = review.review_markdown(weekly)
    assert r"# Weekly review: \<img src=x onerror=alert(1)\>, " in exported
    assert r"| \<img src=x onerror=alert(1)\> 0 |" in exported  # a stage's row, its pipe kept
    assert r"\<img src=x onerror=alert(1)\>" in exported.split("## A/B tests")[1]  # the variant label


def test_a_snippet_name_cannot_carry_markdown_at_all(app_db):
    with in_db(app_db) as session, pytest.raises(JourneyError):
        snippets.create_snippet(session, name=PAYLOADS["image"], mjml="<mj-text>x</mj-text>")
