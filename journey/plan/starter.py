"""The starter journey: five stages with their lanes and the emails that serve each, as a template.

Pure data (plus the MJML skeleton of a new email). The story is a small business that delivers freshly
roasted coffee on subscription to offices; the company itself is the workspace brand
(journey.write.brand): its name, website, postal address, sender and colours are merge tags
(`{{ brand.name }}`, `{{ brand.website }}/plans`, `{{ brand.address }}`, `{{ brand.primary_color }}`…),
so the emails are the workspace's own once its brand is filled in on the Settings page. The demo
workspace's brand is Fernhill Coffee Roasters (DEMO_BRAND), a small roastery in Portland.
Every email follows ../shared/REFERENCE.md: one primary call to action, a first-name merge tag with a
fallback, 16 px body text, 48 px tall buttons, a 600 px body, and a footer with an unsubscribe link and
the brand's postal address (CAN-SPAM). Only the standard merge data (`unsubscribe_url`,
`view_in_browser_url`, `brand`) appears without a `| default:` fallback, so any persona renders. The
MJML is written as it reads: plain characters (' • · °), an `&` escaped only where it would start an
entity, quotes only inside attributes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class StarterEmail:
    name: str
    purpose: str
    trigger: str  # a db.models.Trigger value
    trigger_detail: str  # days for "inactivity", an ISO date for "date", else ""
    delay_hours: int
    subject: str
    preheader: str
    cta_label: str
    cta_url: str
    mjml: str


@dataclass(frozen=True)
class StarterStage:
    name: str
    customer_goals: str
    motivations: str
    actions: str
    obstacles: str
    opportunities: str
    touchpoints: str
    emotion: int  # -2 … +2
    emails: tuple[StarterEmail, ...]


# The links start at the brand's website (saved without a trailing slash: journey.write.brand).
SITE = "{{ brand.website }}"
POSTAL_ADDRESS = "{{ brand.address }}"

# Shared styles: every email uses these classes instead of repeating inline attributes.
_HEAD = """  <mj-head>
    <mj-title>{title}</mj-title>
    <mj-attributes>
      <mj-all font-family="Helvetica, Arial, sans-serif" />
      <mj-section background-color="#ffffff" padding="0px" />
      <mj-text font-size="16px" line-height="26px" color="{{{{ brand.text_color }}}}" padding="8px 32px" />
      <mj-class name="brand" font-size="20px" line-height="28px" font-weight="bold" color="{{{{ brand.primary_color }}}}" padding="24px 32px 16px" />
      <mj-class name="heading" font-size="26px" line-height="34px" font-weight="bold" padding="24px 32px 8px" />
      <mj-class name="note" font-size="14px" line-height="22px" color="#5c4b3f" />
      <mj-class name="footer" font-size="14px" line-height="22px" color="#6b5d52" align="center" padding="4px 32px" />
    </mj-attributes>
    <mj-style>
      a {{ color: {{{{ brand.primary_color }}}}; }}
      .footer-links a {{ color: #6b5d52; }}
    </mj-style>
  </mj-head>"""

_FOOTER = """    <mj-section background-color="{{{{ brand.background_color }}}}" padding="16px 0px 32px">
      <mj-column>
        <mj-text mj-class="footer">{reason}</mj-text>
        <mj-text mj-class="footer" css-class="footer-links"><a href="{{{{ unsubscribe_url }}}}">Unsubscribe</a> · <a href="{{{{ view_in_browser_url }}}}">View in your browser</a></mj-text>
        <mj-text mj-class="footer">{address}</mj-text>
      </mj-column>
    </mj-section>"""

# The one primary button (48 px tall: 14 + 14 px padding around a 20 px line), styled in place.
_BUTTON_STYLE = (
    'background-color="{{ brand.primary_color }}" color="#ffffff" font-size="16px" font-weight="bold" line-height="20px" '
    'inner-padding="14px 28px" border-radius="6px" padding="16px 32px 24px"'
)

SIGNUP_REASON = "You're getting this because you signed up for news from {{ brand.name }}."
CUSTOMER_REASON = "You're getting this because you have an account with {{ brand.name }}."

_ENTITY_START_RE = re.compile(r"&(?=#?\w+;)")


def _text(value: str) -> str:
    """Text as MJML reads it: `<` and `>` escaped, `&` only where it would start an entity (so `Tom & Jerry`)."""
    return _ENTITY_START_RE.sub("&amp;", value).replace("<", "&lt;").replace(">", "&gt;")


def _attribute(value: str) -> str:
    """A double-quoted attribute value: as text, and `"` escaped."""
    return _text(value).replace('"', "&quot;")


def _email_mjml(title: str, body: str, cta_label: str, cta_url: str, after: str = "", *, reason: str) -> str:
    """A whole email: the shared head, the brand bar, `body`, the one button, `after`, the footer."""
    after_block = f"\n{after.rstrip()}" if after.strip() else ""
    return f"""<mjml>
{_HEAD.format(title=_text(title))}
  <mj-body width="600px" background-color="{{{{ brand.background_color }}}}">
    <mj-section background-color="{{{{ brand.background_color }}}}">
      <mj-column>
        <mj-text mj-class="brand">{{{{ brand.name }}}}</mj-text>
      </mj-column>
    </mj-section>
    <mj-section padding="8px 0px 16px">
      <mj-column>
{body.rstrip()}
        <mj-button href="{_attribute(cta_url)}" {_BUTTON_STYLE}>{_text(cta_label)}</mj-button>{after_block}
      </mj-column>
    </mj-section>
{_FOOTER.format(reason=reason, address=POSTAL_ADDRESS)}
  </mj-body>
</mjml>
"""


def blank_email_mjml(cta_label: str = "Find out more", cta_url: str = "https://example.com") -> str:
    """The MJML skeleton of a new email: valid, mobile-friendly, first-name tag, one button, footer."""
    body = """        <mj-text mj-class="heading">Your headline here</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }},</mj-text>
        <mj-text>Say one thing this email is for, in two or three short sentences. Keep it about the reader: what they get, and what to do next.</mj-text>"""
    after = """        <mj-text>Thanks,<br />The team</mj-text>"""
    return _email_mjml("New email", body, cta_label, cta_url, after, reason=SIGNUP_REASON)


def template_email(
    name: str,
    purpose: str,
    trigger: str,
    delay_hours: int,
    subject: str,
    preheader: str,
    cta_label: str,
    cta_url: str,
    body: str,
    after: str = "",
    *,
    trigger_detail: str = "",
    reason: str = CUSTOMER_REASON,
) -> StarterEmail:
    """One email of a template: its fields, and its MJML built from the shared head, `body`, the button and footer."""
    return StarterEmail(
        name=name,
        purpose=purpose,
        trigger=trigger,
        trigger_detail=trigger_detail,
        delay_hours=delay_hours,
        subject=subject,
        preheader=preheader,
        cta_label=cta_label,
        cta_url=cta_url,
        mjml=_email_mjml(subject, body, cta_label, cta_url, after, reason=reason),
    )


# --- The starter's emails ---------------------------------------------------------------------
# Written for any small business. [Bracketed text] is what the marketer writes herself: the checks flag
# it (template-placeholder) until it is replaced, so a template cannot go out by mistake.

_SIGNOFF = """        <mj-text>Thanks,<br />{{ brand.sender_name }}, {{ brand.name }}</mj-text>"""

# --- Awareness: the welcome series (welcome, value, a hint at the main offer) -------------------

_WELCOME = template_email(
    "Welcome",
    "Say hello the moment someone signs up: deliver what they signed up for, say who you are, and set "
    "expectations for how often you will write.",
    "signup",
    0,
    "Welcome! Here's what to expect from us",
    "Your signup gift is inside, plus how often we'll write and what each email will bring you.",
    "Get your welcome gift",
    f"{SITE}/welcome?utm_source=email&utm_campaign=welcome_1",
    """        <mj-text mj-class="heading">Welcome to {{ brand.name }}, {{ first_name | default: "there" }}</mj-text>
        <mj-text>Thanks for signing up. As promised, here is [the guide, discount code or free resource you offered at signup].</mj-text>
        <mj-text>[Two sentences on who you are and who you help, in your own words.]</mj-text>
        <mj-text>What to expect: two more short emails this week, then [how often you will write, e.g. one email a fortnight]. Every one will be useful, or we won't send it.</mj-text>""",
    _SIGNOFF,
    reason=SIGNUP_REASON,
)

_VALUE = template_email(
    "Value before the offer",
    "Give real value before asking for anything: your three most useful tips or answers, so the reader "
    "learns something even if they never buy.",
    "previous_email",
    48,
    "3 tips our customers wish they'd known sooner",
    "Quick, practical and free: three things that save time and money, whatever you decide.",
    "Read the full guide",
    f"{SITE}/blog?utm_source=email&utm_campaign=welcome_2",
    """        <mj-text mj-class="heading">Three things worth knowing</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, here are the questions we hear most often, and our honest answers:</mj-text>
        <mj-text><strong>1. [First tip, as a short headline].</strong> [One or two sentences that explain it.]</mj-text>
        <mj-text><strong>2. [Second tip].</strong> [One or two sentences.]</mj-text>
        <mj-text><strong>3. [Third tip].</strong> [One or two sentences.]</mj-text>""",
    _SIGNOFF,
    reason=SIGNUP_REASON,
)

_MAIN_OFFER = template_email(
    "Meet our main offer",
    "Introduce the main product or service gently: the problem it solves, what makes it different and "
    "where to see it, without a hard sell.",
    "previous_email",
    72,
    "The easiest way to get started with us",
    "What we offer, who it's for, and why customers choose us. Take a look when it suits you.",
    "See how it works",
    f"{SITE}/how-it-works?utm_source=email&utm_campaign=welcome_3",
    """        <mj-text mj-class="heading">[The problem you solve, as a headline]</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, [one sentence on the problem your customers had before they found you].</mj-text>
        <mj-text>• [First benefit: what the customer gets]<br />• [Second benefit]<br />• [One sentence on what makes your product different]</mj-text>
        <mj-text>No pressure: have a look and see whether it fits {{ company | default: "you" }}.</mj-text>""",
    _SIGNOFF,
    reason=SIGNUP_REASON,
)

# --- Consideration: proof and answers --------------------------------------------------------------

_CASE_STUDY = template_email(
    "Case study",
    "Prove value with a customer like the reader: their situation before, what they chose and the result "
    "in numbers. Goes out ten days after signup, once the welcome series is over.",
    "signup",
    240,
    "How a customer like you got real results",
    "A short story of one customer: where they started, what changed and what it was worth.",
    "Read the full story",
    f"{SITE}/customers?utm_source=email&utm_campaign=case_study",
    """        <mj-text mj-class="heading">[Customer name]: [the result, in a few words]</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, [customer name and what they do] came to us because [the problem they had].</mj-text>
        <mj-text>Here's what changed after they started with {{ brand.name }}:</mj-text>
        <mj-text>• <strong>[Result with a number, e.g. 30% less time spent on …]</strong><br />• <strong>[Second result]</strong><br />• And, in their words: "[a short quote from the customer]"</mj-text>""",
    _SIGNOFF,
    reason=SIGNUP_REASON,
)

_TESTIMONIALS = template_email(
    "What customers say",
    "Answer the doubt that stops people from buying with short quotes from real customers, and send them "
    "back to the main offer.",
    "previous_email",
    96,
    "Don't just take our word for it",
    "Three customers on what they liked, what surprised them and whether they'd choose us again.",
    "Read more reviews",
    f"{SITE}/reviews?utm_source=email&utm_campaign=testimonials",
    """        <mj-text mj-class="heading">In our customers' words</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, here's what people who chose us told us this year:</mj-text>
        <mj-text><em>"[A short quote about the result a customer got]"</em><br /><strong>[Name, role or city]</strong></mj-text>
        <mj-text><em>"[A quote that answers the most common doubt, e.g. price or effort]"</em><br /><strong>[Name, role or city]</strong></mj-text>
        <mj-text><em>"[A quote about the service or support]"</em><br /><strong>[Name, role or city]</strong></mj-text>""",
    _SIGNOFF,
    reason=SIGNUP_REASON,
)

_COMPARISON = template_email(
    "Honest comparison",
    "Help people who looked at the product but did not buy: compare the usual options side by side, fairly, "
    "so they can decide with confidence.",
    "product_view",
    24,
    "Comparing your options? Here's an honest guide",
    "How we compare with the usual alternatives on price, effort and results, side by side.",
    "See the comparison",
    f"{SITE}/compare?utm_source=email&utm_campaign=comparison",
    """        <mj-text mj-class="heading">Choosing is easier side by side</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, you had a look at [product or service] recently. If you're weighing it against other options, here's how they compare:</mj-text>
        <mj-text><strong>[Option A, e.g. doing it yourself]:</strong> [its honest pros and cons]<br /><strong>[Option B, e.g. a larger provider]:</strong> [its pros and cons]<br /><strong>{{ brand.name }}:</strong> [where you are the better choice, and for whom]</mj-text>
        <mj-text>Still unsure? Reply to this email with your question; a real person reads every reply.</mj-text>""",
    _SIGNOFF,
    reason=SIGNUP_REASON,
)

_TRIAL_HELP = template_email(
    "Trial or demo follow-up",
    "Help people who started a trial or booked a demo get to their first success quickly, and offer a "
    "short call with a person who can answer their questions.",
    "trial_started",
    72,
    "Getting the most out of your trial",
    "The one thing to try first, and a 15-minute call with us if you'd like a hand.",
    "Book a 15-minute call",
    f"{SITE}/book-a-call?utm_source=email&utm_campaign=trial_help",
    """        <mj-text mj-class="heading">Your first win, in three steps</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, you've had a few days to look around. Customers who stay usually start here:</mj-text>
        <mj-text>1. [First step to try]<br />2. [Second step]<br />3. [The moment the customer sees the value]</mj-text>
        <mj-text>Want a hand? Book 15 minutes with [name or team] and we'll set it up with you.</mj-text>""",
    _SIGNOFF,
    reason=SIGNUP_REASON,
)

# --- Decision: make buying easy ---------------------------------------------------------------------

_CART = template_email(
    "Cart reminder",
    "Bring back people who left something in their cart: remind them what they chose, answer the usual "
    "worry before buying, and make finishing one click.",
    "cart_abandoned",
    4,
    "You left something in your cart",
    "We've saved your cart for you. Finish your order in a minute, or ask us anything first.",
    "Finish my order",
    f"{SITE}/cart?utm_source=email&utm_campaign=cart_reminder",
    """        <mj-text mj-class="heading">Still thinking it over?</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, you left something in your cart, and we've saved it for you.</mj-text>
        <mj-text>If something is holding you back: [answer the most common worry, e.g. returns, delivery times or how to cancel].</mj-text>""",
    """        <mj-text mj-class="note">Questions first? Just reply to this email; a real person reads every reply.</mj-text>""",
)

_LAST_CHANCE = template_email(
    "Last chance",
    "Give people who still have not ordered one honest, time-limited reason to decide now, two days "
    "after the cart reminder, and say clearly when the offer ends.",
    "previous_email",
    48,
    "Last chance: your offer ends tomorrow",
    "Your cart is still saved, and the offer we mentioned ends at midnight tomorrow.",
    "Use my offer",
    f"{SITE}/cart?utm_source=email&utm_campaign=last_chance",
    """        <mj-text mj-class="heading">Your offer ends tomorrow</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, a quick reminder: [the offer, e.g. free delivery or 10% off your first order] ends at midnight tomorrow.</mj-text>
        <mj-text>Your cart is saved, so it takes a minute to finish. If now isn't the right time, no problem: we'll keep sending useful tips instead.</mj-text>""",
    """        <mj-text mj-class="note">[The offer's terms in one line: who it is for and when it ends.]</mj-text>""",
)

_TRIAL_ENDING = template_email(
    "Trial ending",
    "Remind trial users before their trial ends: what they would lose, what it costs to continue and how "
    "to keep going, so nobody is surprised by the end date.",
    "trial_started",
    264,
    "Your trial ends in 3 days",
    "Keep everything you've set up: choose a plan in a minute, or tell us what's missing.",
    "Choose my plan",
    f"{SITE}/pricing?utm_source=email&utm_campaign=trial_ending",
    """        <mj-text mj-class="heading">Three days left in your trial</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, your free trial ends in three days. To keep [what they have set up or made during the trial], choose a plan before then.</mj-text>
        <mj-text>[One sentence on price, e.g. plans start at … a month, and you can cancel any time.]</mj-text>
        <mj-text>Not convinced yet? Reply and tell us what's missing; we read every answer.</mj-text>""",
    _SIGNOFF,
)

_ORDER_CONFIRMATION = template_email(
    "Order confirmation",
    "Confirm the purchase straight away with what happens next (delivery or access, timing) and where to "
    "see or change the details, so the buyer knows the choice was a good one.",
    "purchase",
    0,
    "Thank you! Your order is confirmed",
    "Here's what happens next, when to expect it, and where to find your order details.",
    "View my order",
    f"{SITE}/account/orders?utm_source=email&utm_campaign=order_confirmation",
    """        <mj-text mj-class="heading">Thanks, {{ first_name | default: "there" }}, your order is in</mj-text>
        <mj-text>Here's what happens next:</mj-text>
        <mj-text><strong>[Step 1, e.g. We prepare your order]:</strong> [when]<br /><strong>[Step 2, e.g. It ships or your access starts]:</strong> [when]<br /><strong>[Step 3, e.g. Delivery]:</strong> [usual timing]</mj-text>
        <mj-text>Your order details and receipt are in your account.</mj-text>""",
    """        <mj-text mj-class="note">Need to change something? Reply to this email and we'll sort it out.</mj-text>""",
)

# --- Retention: onboarding, how-to, check-in, win-back, birthday ------------------------------------

_ONBOARDING = template_email(
    "Getting started",
    "Help the first use succeed: the three steps that get a new customer to their first good result, so "
    "the habit sticks and they buy again.",
    "purchase",
    48,
    "Getting started: your first three steps",
    "Everything you need to get a great result from day one, in about five minutes.",
    "Open the getting-started guide",
    f"{SITE}/getting-started?utm_source=email&utm_campaign=onboarding",
    """        <mj-text mj-class="heading">Five minutes to a great start</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, welcome aboard. Here's how to get the most from [product or service] from day one:</mj-text>
        <mj-text><strong>1. [First step].</strong> [Why it matters, in one sentence.]<br /><strong>2. [Second step].</strong> [One sentence.]<br /><strong>3. [Third step].</strong> [One sentence.]</mj-text>""",
    _SIGNOFF,
)

_HOW_TO = template_email(
    "How-to tips",
    "Keep customers getting value a week after they start: one practical how-to they may have missed, "
    "with a link to the full tutorial.",
    "previous_email",
    168,
    "One tip to get more from your purchase",
    "A small thing most customers discover too late, and how to use it in two minutes.",
    "Watch the tutorial",
    f"{SITE}/tutorials?utm_source=email&utm_campaign=how_to",
    """        <mj-text mj-class="heading">[A feature or habit worth knowing, as a headline]</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, here's something many customers only find out after months: [the tip, in one or two sentences].</mj-text>
        <mj-text>[Why it helps, e.g. it saves time, money or effort.] The two-minute tutorial shows you how.</mj-text>""",
    _SIGNOFF,
)

_CHECK_IN = template_email(
    "Check-in survey",
    "Catch problems early and learn what to improve: three short questions two weeks after purchase, "
    "read by a person who can act on the answers.",
    "purchase",
    336,
    "How's it going so far?",
    "Three quick questions about your experience. It takes two minutes, and we read every answer.",
    "Answer 3 questions",
    f"{SITE}/survey?utm_source=email&utm_campaign=check_in",
    """        <mj-text mj-class="heading">Tell us how we're doing</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, it's been a couple of weeks. We'd love to know how it's going:</mj-text>
        <mj-text>1. [A question about the result they got]<br />2. [A question about what could be better]<br />3. How likely are you to recommend us to a friend?</mj-text>
        <mj-text>Every answer is read by our team, and we change things because of them.</mj-text>""",
    _SIGNOFF,
)

_WIN_BACK = template_email(
    "Win-back after 60 days",
    "Win back customers who have not bought or logged in for 60 days: ask what went wrong, offer a reason "
    "to come back, and make leaving the list just as easy.",
    "inactivity",
    0,
    "We've missed you",
    "Here's a reason to come back, or tell us what we could do better. Either way, we're listening.",
    "Come back and see",
    f"{SITE}/welcome-back?utm_source=email&utm_campaign=win_back",
    """        <mj-text mj-class="heading">It's been a while</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, we haven't seen you for a couple of months, and we'd like to know why.</mj-text>
        <mj-text>If something didn't work for you, reply and tell us; we'll suggest a better fit. If you'd like to come back, [a reason to return, e.g. what's new or a welcome-back offer].</mj-text>
        <mj-text>And if you'd rather not hear from us, you can unsubscribe below. No hard feelings.</mj-text>""",
    _SIGNOFF,
    trigger_detail="60",
)

_BIRTHDAY = template_email(
    "Birthday",
    "Celebrate the customer's birthday with a genuine treat and no strings attached, so the brand feels "
    "personal rather than promotional.",
    "birthday",
    0,
    "Happy birthday! A little something from us",
    "A small birthday present from all of us, to use any time in the next 30 days.",
    "Claim my present",
    f"{SITE}/birthday?utm_source=email&utm_campaign=birthday",
    """        <mj-text mj-class="heading">Happy birthday, {{ first_name | default: "friend" }}!</mj-text>
        <mj-text>From all of us at {{ brand.name }}: have a wonderful day. We'd like to give you a small present.</mj-text>
        <mj-text>[The treat, e.g. a free gift with your next order or a birthday discount.]</mj-text>""",
    """        <mj-text mj-class="note">[The treat's terms in one line, e.g. valid once within 30 days of this email.]</mj-text>""",
)

# --- Advocacy: reviews, referrals, the anniversary ----------------------------------------------------

_REVIEW = template_email(
    "Review request",
    "Turn happy customers into social proof for the Consideration stage: ask for a short review while "
    "the purchase is fresh in their minds.",
    "purchase",
    504,
    "Would you recommend us? Tell others",
    "A two-line review helps people like you choose with confidence. It takes a minute.",
    "Write a quick review",
    f"{SITE}/review?utm_source=email&utm_campaign=review_request",
    """        <mj-text mj-class="heading">Help others find us</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, most of our new customers find us through people like you.</mj-text>
        <mj-text>If you're happy with [product or service], would you write two lines about it? What you bought, what changed, anything you liked. Honest reviews only; the good and the not-so-good both help us.</mj-text>""",
    _SIGNOFF,
)

_REFERRAL = template_email(
    "Referral reward",
    "Reward word of mouth: give customers a personal link that gets a friend a reward on their first order "
    "and gets the customer one for every friend who joins.",
    "previous_email",
    168,
    "Give a friend a treat, get one too",
    "Share your personal link: your friend gets a reward on their first order, and so do you.",
    "Share my referral link",
    f"{SITE}/refer?utm_source=email&utm_campaign=referral",
    """        <mj-text mj-class="heading">Know someone who'd like us?</mj-text>
        <mj-text>Hi {{ first_name | default: "there" }}, thanks for being a customer. If you know someone who'd like {{ brand.name }} too, here's a way to help them, and yourself:</mj-text>
        <mj-text>• They get <strong>[the friend's reward]</strong> on their first order<br />• You get <strong>[your reward]</strong> for every friend who joins<br />• It takes one link</mj-text>""",
    _SIGNOFF,
)

_ANNIVERSARY = template_email(
    "Customer anniversary",
    "Thank customers on the first anniversary of their first purchase: look back on the year together and "
    "give loyal customers something that only they get.",
    "purchase",
    8760,
    "One year together: thank you",
    "A year ago you placed your first order with us. Here's a small thank-you for sticking with us.",
    "See my thank-you",
    f"{SITE}/anniversary?utm_source=email&utm_campaign=anniversary",
    """        <mj-text mj-class="heading">Happy anniversary, {{ first_name | default: "there" }}</mj-text>
        <mj-text>A year ago today you placed your first order with {{ brand.name }}. Thank you for sticking with us.</mj-text>
        <mj-text>[One or two sentences on what changed at your company this year, thanks to customers like them.]</mj-text>
        <mj-text>As a thank-you: [the anniversary reward, e.g. early access to something new or a loyal-customer discount].</mj-text>""",
    _SIGNOFF,
)


STARTER_STAGES: tuple[StarterStage, ...] = (
    StarterStage(
        name="Awareness",
        customer_goals="[What they want when they first find you, e.g. a better option than what they use today]\n"
        "[What they want to learn before talking to anyone]",
        motivations="[Why they signed up, e.g. the free guide or discount you offered]\n"
        "[What made them curious: an ad, a friend, a search]",
        actions="[Where they sign up, e.g. the form on your website or a social ad]\n"
        "[What they do with the welcome email: read, click, ignore]",
        obstacles="[Why they might not trust you yet: they don't know you]\n"
        "[What gets in the way: a full inbox, a generic welcome with no next step]",
        opportunities="[Deliver the signup gift at once and say what to expect]\n"
        "[Give one useful tip before any offer]",
        touchpoints="[Signup form]\n[Welcome email]\n[Website or blog]\n[Social media or ads]",
        emotion=1,
        emails=(_WELCOME, _VALUE, _MAIN_OFFER),
    ),
    StarterStage(
        name="Consideration",
        customer_goals="[What they need to decide, e.g. is it worth the price]\n"
        "[Who else must agree, e.g. a partner or a boss]",
        motivations="[Proof that people like them got results]\n[Trying before committing]",
        actions="[How they compare you, e.g. prices, reviews, alternatives]\n"
        "[What they try: a trial, a demo, a sample]",
        obstacles="[What they cannot find out, e.g. the real cost or effort]\n"
        "[The doubt that stops them, e.g. will it work for me]",
        opportunities="[A case study with real numbers]\n[An honest comparison with the alternatives]\n"
        "[A call or demo for their questions]",
        touchpoints="[Pricing or product page]\n[Trial or demo signup]\n[Case study and review emails]",
        emotion=0,
        emails=(_CASE_STUDY, _TESTIMONIALS, _COMPARISON, _TRIAL_HELP),
    ),
    StarterStage(
        name="Decision",
        customer_goals="[Buy quickly and without surprises]\n[Know exactly what happens after paying]",
        motivations="[The trial or sample went well]\n[A fair, time-limited offer]",
        actions="[Adds to the cart and gets interrupted]\n[Completes the order]",
        obstacles="[A worry at checkout, e.g. commitment, delivery or returns]\n"
        "[Not knowing what happens next after paying]",
        opportunities="[A cart reminder that answers the worry]\n[A clear confirmation with the next steps]",
        touchpoints="[Checkout]\n[Cart reminder]\n[Order confirmation]",
        emotion=-1,
        emails=(_CART, _LAST_CHANCE, _TRIAL_ENDING, _ORDER_CONFIRMATION),
    ),
    StarterStage(
        name="Retention",
        customer_goals="[Get a good result from what they bought]\n[Feel it was worth the money]",
        motivations="[Tips that make the product better]\n[Being asked what they think]",
        actions="[Uses the product for the first time]\n[Stops opening emails after a few months]",
        obstacles="[The first use disappoints, e.g. a step they missed]\n"
        "[Emails feel repetitive, so they stop reading]",
        opportunities="[A getting-started guide right after purchase]\n[A check-in survey to catch problems]\n"
        "[A win-back offer after 60 days of inactivity]",
        touchpoints="[Getting-started email]\n[Account or app]\n[Survey]\n[Newsletter]",
        emotion=1,
        emails=(_ONBOARDING, _HOW_TO, _CHECK_IN, _WIN_BACK, _BIRTHDAY),
    ),
    StarterStage(
        name="Advocacy",
        customer_goals="[Share a good find with friends or peers]\n[Feel recognised as a loyal customer]",
        motivations="[Pride in a good choice]\n[A reward for referring friends]",
        actions="[Recommends you to a friend]\n[Writes a review]",
        obstacles="[No easy way to share or refer]\n[Never asked for a review]",
        opportunities="[A review request when they are happiest]\n[A referral reward on both sides]",
        touchpoints="[Review request]\n[Referral programme]\n[Social media]",
        emotion=2,
        emails=(_REVIEW, _REFERRAL, _ANNIVERSARY),
    ),
)
