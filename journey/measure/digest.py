"""The weekly digest: the weekly review of one journey, or of every journey with metrics that week, as one
email for the team (`python -m journey report --week LAST --send-to team@…`, run from cron on Monday).

    multipart/alternative
    ├── text/plain          a summary of the alerts, then each journey's review_markdown
    └── multipart/related
        ├── text/html       the alerts first, then per journey its review_html body and its two charts
        └── image/png       per journey with metrics: the stage rates chart and the funnel, <img src="cid:…">

Every name from the workspace (journey, stage, email) is escaped: html.escape in the HTML (review_html
escapes its own), escape_markdown in the text. The email goes out through journey.write.send.deliver, the
same SMTP client, settings and error messages as the studio's test sends.
"""

from __future__ import annotations

import html
import io
import re
import struct
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import make_msgid

from journey.core.text import escape_markdown, plural
from journey.measure.charts import chart_png, funnel_chart, funnel_frame, stage_rates_chart, stage_rates_frame
from journey.measure.metrics import format_rate
from journey.measure.review import WeeklyReview, review_html, review_markdown
from journey.measure.weeks import Period
from journey.write.send import SendResult, SmtpConfig, deliver, new_message

CHART_SCALE = 2  # PNG pixels per CSS pixel: sharp on high-density screens
CHART_COLOURS = 64  # a palette PNG of this many colours: the same chart at about a ninth of the bytes
EMAIL_WIDTH = 600  # CSS pixels: no image is shown wider (Outlook ignores max-width, not width)
OVERVIEW_RATES = ("open_rate", "click_rate", "conversion_rate", "unsubscribe_rate")
_BODY_RE = re.compile(r"<body[^>]*>(.*)</body>", re.S | re.I)
_STYLE_RE = re.compile(r"<style[^>]*>(.*?)</style>", re.S | re.I)
_DIGEST_STYLE = """
img { max-width: 100%; height: auto; border: 0; }
.journey { margin-top: 2.5rem; padding-top: 1rem; border-top: 3px solid #2f5d8a; }
.summary td.alerts { color: #c0392b; font-weight: bold; }
ul.alerts li { margin: .25rem 0; }
"""


@dataclass(frozen=True)
class InlineImage:
    """A PNG that the HTML shows as <img src="cid:{cid}">."""

    cid: str  # the Content-ID without its angle brackets
    png: bytes
    alt: str

    @property
    def css_size(self) -> tuple[int, int]:
        """Width and height in CSS pixels (the PNG's own size ÷ CHART_SCALE), read from its IHDR chunk."""
        width, height = struct.unpack(">II", self.png[16:24])
        return round(width / CHART_SCALE), round(height / CHART_SCALE)


@dataclass(frozen=True)
class Digest:
    period: Period
    subject: str
    html: str
    text: str
    images: tuple[InlineImage, ...]
    journeys: tuple[str, ...]  # the journeys it reviews, in order
    alerts: int


def week_dates(period: Period, reviews: Sequence[WeeklyReview] = (), *, year: bool = False) -> str:
    """The week as people write it ("24–30 Nov", journey.measure.weeks.dates_label), marked "in progress
    (N of 7 days)" when the reviews are of the week under way."""
    progress = reviews[0].progress if reviews else ""
    return period.dates(year=year) + (f", {progress}" if progress else "")


def digest_subject(period: Period, reviews: Sequence[WeeklyReview]) -> str:
    """ "Weekly review 24–30 Nov: 2 alerts" (one journey: "Weekly review 24–30 Nov, Onboarding: no alerts")."""
    subject = f"Weekly review {week_dates(period, reviews)}"
    if len(reviews) == 1:
        subject += f", {reviews[0].journey}"
    if all(review.is_empty for review in reviews):
        return f"{subject}: no metrics yet"
    alerts = sum(len(review.alerts) for review in reviews)
    return f"{subject}: {plural(alerts, 'alert') if alerts else 'no alerts'}"


def compact_png(png: bytes) -> bytes:
    """The PNG flattened on white and reduced to a palette of CHART_COLOURS colours (a chart's flat colours
    and anti-aliased text survive; 142 KB → 19 KB for the demo's rates chart)."""
    from PIL import Image

    with Image.open(io.BytesIO(png)) as image:
        flat = Image.new("RGB", image.size, "white")
        flat.paste(image, mask=image.getchannel("A") if image.mode == "RGBA" else None)
    out = io.BytesIO()
    flat.quantize(colors=CHART_COLOURS, method=Image.Quantize.FASTOCTREE).save(out, format="PNG")
    return out.getvalue()


def _charts(review: WeeklyReview, index: int) -> list[InlineImage]:
    stages = review.stage_metrics
    charts = (
        (stage_rates_chart(stage_rates_frame(stages)), f"Rates per stage, {review.journey}"),
        (funnel_chart(funnel_frame(stages)), f"Funnel per stage, {review.journey}"),
    )
    return [
        InlineImage(
            cid=make_msgid(idstring=f"chart{index}-{n}", domain="digest.journey")[1:-1],
            png=compact_png(chart_png(chart, scale=CHART_SCALE)),
            alt=alt,
        )
        for n, (chart, alt) in enumerate(charts)
    ]


def _body_and_style(page: str) -> tuple[str, str]:
    """The inside of review_html's <body> and its <style> (the whole text when it has no <body>)."""
    body = _BODY_RE.search(page)
    style = _STYLE_RE.search(page)
    return (body.group(1) if body else page), (style.group(1) if style else "")


def _img(image: InlineImage) -> str:
    width = min(image.css_size[0], EMAIL_WIDTH)
    return (
        f'<p><img src="cid:{image.cid}" alt="{html.escape(image.alt)}" width="{width}" '
        'style="max-width:100%;height:auto"></p>'
    )


def _headline(period: Period, measured: Sequence[WeeklyReview], alerts: int) -> str:
    """The digest's first sentence (plain text, no user data)."""
    if not measured:
        return (
            f"No metrics for {week_dates(period, year=True)} yet. Import the week's export on the app's "
            "Import metrics page; next week's digest will include it."
        )
    return (
        f"{plural(alerts, 'alert') if alerts else 'No alerts'} in {plural(len(measured), 'journey')}, "
        f"{period.start:%A %d %B} to {period.end:%A %d %B %Y}."
    )


def _summary_html(period: Period, reviews: Sequence[WeeklyReview], alerts: int) -> list[str]:
    e = html.escape
    measured = [r for r in reviews if not r.is_empty]
    parts = [f"<h1>Weekly review {e(week_dates(period, reviews, year=True))}</h1>"]
    parts.append(f"<p>{e(_headline(period, measured, alerts))}</p>")
    if not measured:
        return parts
    parts.append("<h2>Alerts</h2>")
    if alerts:
        parts.append("<ul class='alerts'>")
        parts += [
            f"<li><strong>{e(r.journey)} · {e(a.stage)}</strong>: {e(a.message)}</li>"
            for r in measured
            for a in r.alerts
        ]
        parts.append("</ul><p>Each journey's section below says the likely cause and what to try.</p>")
    else:
        parts.append("<p>No alerts this week.</p>")
    if len(reviews) > 1:
        heads = "".join(
            f"<th>{e(label)}</th>"
            for label in (
                "Journey",
                "Delivered",
                "Open rate",
                "Click rate",
                "Conversion rate",
                "Unsubscribe rate",
            )
        )
        parts.append(f"<table class='summary'><tr>{heads}<th>Alerts</th></tr>")
        for r in measured:
            totals = r.totals
            rates = "".join(f"<td>{format_rate(totals.rate(name))}</td>" for name in OVERVIEW_RATES)
            parts.append(
                f"<tr><td>{e(r.journey)}</td><td>{totals.delivered:,}</td>{rates}"
                f"<td class='{'alerts' if r.alerts else ''}'>{len(r.alerts) or ''}</td></tr>"
            )
        parts.append("</table>")
    return parts


def _summary_text(period: Period, reviews: Sequence[WeeklyReview], alerts: int) -> list[str]:
    measured = [r for r in reviews if not r.is_empty]
    lines = [
        f"# Weekly review {week_dates(period, reviews, year=True)}",
        "",
        _headline(period, measured, alerts),
        "",
    ]
    if not measured:
        return lines
    lines += ["## Alerts", ""]
    lines += [
        f"- **{escape_markdown(r.journey)} · {escape_markdown(a.stage)}**: {escape_markdown(a.message)}"
        for r in measured
        for a in r.alerts
    ] or ["No alerts this week."]
    return [*lines, ""]


def build_digest(
    period: Period,
    reviews: Sequence[WeeklyReview],
    notes: Mapping[int, str] | None = None,
) -> Digest:
    """The digest of `reviews` (each a weekly_review of `period`; `notes` by journey id): subject, HTML with
    the alerts first and the charts as cid: images, and the Markdown alternative."""
    notes = notes or {}
    alerts = sum(len(review.alerts) for review in reviews)
    html_parts = _summary_html(period, reviews, alerts)
    text_parts = _summary_text(period, reviews, alerts)
    # Every journey with metrics that week; a journey asked for by name even without.
    shown = [review for review in reviews if not review.is_empty or len(reviews) == 1]
    styles, images = [], []
    for index, review in enumerate(shown):
        body, style = _body_and_style(review_html(review, notes.get(review.journey_id, "")))
        styles.append(style)
        charts = [] if review.is_empty else _charts(review, index)
        images += charts
        html_parts.append(f"<div class='journey'>{body}{''.join(_img(c) for c in charts)}</div>")
        text_parts += ["---", "", review_markdown(review, notes.get(review.journey_id, "")), ""]
    page = "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en"><head><meta charset="utf-8">',
            f"<title>{html.escape(digest_subject(period, reviews))}</title>",
            f"<style>{next((s for s in styles if s), '')}{_DIGEST_STYLE}</style></head><body>",
            *html_parts,
            "</body></html>",
        ]
    )
    return Digest(
        period=period,
        subject=digest_subject(period, reviews),
        html=page,
        text="\n".join(text_parts),
        images=tuple(images),
        journeys=tuple(review.journey for review in shown),
        alerts=alerts,
    )


def digest_message(digest: Digest, *, sender: str, recipients: list[str]) -> EmailMessage:
    """The digest as an email: text/plain, then text/html with its PNGs in a multipart/related."""
    message = new_message(sender=sender, recipients=recipients, subject=digest.subject)
    message.set_content(digest.text, subtype="plain", cte="quoted-printable")
    message.add_alternative(digest.html, subtype="html", cte="quoted-printable")
    html_part = message.get_payload()[1]
    for image in digest.images:
        html_part.add_related(
            image.png, maintype="image", subtype="png", cid=f"<{image.cid}>", disposition="inline"
        )
    return message


def send_digest(config: SmtpConfig, digest: Digest, recipients: list[str]) -> SendResult:
    """Mail the digest to `recipients` (checked addresses) through `config`; SendError naming the server."""
    message = digest_message(digest, sender=config.sender, recipients=recipients)
    return deliver(config, message, recipients, who="address")
