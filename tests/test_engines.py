"""Other engines' merge tags: each engine recognised and named, nothing Liquid or CSS flagged, conversions."""

from __future__ import annotations

from pathlib import Path

import pytest

from journey.write.engines import (
    BLADE,
    ERB,
    HANDLEBARS,
    HUBL,
    JINJA,
    MAILCHIMP,
    SALESFORCE,
    SINGLE_BRACE,
    ForeignTag,
    convert_tags,
    detect_engines,
    foreign_tags,
)
from journey.write.merge import merge_tags

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "tags"


def _in_text(inner: str) -> str:
    return f"<mjml><mj-body><mj-section><mj-column><mj-text>{inner}</mj-text></mj-column></mj-section></mj-body></mjml>"


def _one(source: str) -> ForeignTag:
    (tag,) = foreign_tags(source)
    return tag


@pytest.mark.parametrize(
    ("tag", "engine", "liquid"),
    [
        pytest.param("*|FNAME|*", MAILCHIMP, "{{ first_name }}", id="mailchimp-fname"),
        pytest.param("*|UNSUB|*", MAILCHIMP, "{{ unsubscribe_url }}", id="mailchimp-unsub"),
        pytest.param("*|MC:SUBJECT|*", MAILCHIMP, None, id="mailchimp-esp-data"),
        pytest.param(
            "{{!-- hidden --}}", HANDLEBARS, "{% comment %} hidden {% endcomment %}", id="hbs-comment"
        ),
        pytest.param("{{! note }}", HANDLEBARS, "{% comment %} note {% endcomment %}", id="mustache-comment"),
        pytest.param("{{> footer}}", HANDLEBARS, None, id="hbs-partial"),
        pytest.param('{{formatDate date "MMM"}}', HANDLEBARS, None, id="hbs-helper-arguments"),
        pytest.param("{{{ body_html }}}", HANDLEBARS, "{{ body_html }}", id="hbs-triple-stache"),
        pytest.param("{% trans %}", JINJA, None, id="jinja-trans"),
        pytest.param("{% block content %}", JINJA, None, id="jinja-block"),
        pytest.param("{{ items|length }}", JINJA, "{{ items | size }}", id="jinja-length"),
        pytest.param(
            "{{ name|default('there') }}", JINJA, "{{ name | default: 'there' }}", id="jinja-default"
        ),
        pytest.param("{{ name|upper }}", JINJA, "{{ name | upcase }}", id="jinja-upper"),
        pytest.param("{# a note #}", JINJA, "{% comment %} a note {% endcomment %}", id="jinja-comment"),
        pytest.param("{% set greeting = name|title %}", JINJA, None, id="jinja-set-unknown-filter"),
        pytest.param("{% set total = price %}", JINJA, "{% assign total = price %}", id="jinja-set"),
        pytest.param("{{ loop.index }}", JINJA, "{{ forloop.index }}", id="jinja-loop-index"),
        pytest.param("{{ $user->name }}", BLADE, "{{ user.name }}", id="blade-arrow"),
        pytest.param("{{ $name ?? 'there' }}", BLADE, "{{ name | default: 'there' }}", id="blade-default"),
        pytest.param("{!! $intro !!}", BLADE, "{{ intro }}", id="blade-raw"),
        pytest.param("{{-- note --}}", BLADE, "{% comment %} note {% endcomment %}", id="blade-comment"),
        pytest.param("@lang('Hello')", BLADE, None, id="blade-lang"),
        pytest.param("<%= user.name %>", ERB, "{{ user.name }}", id="ejs-output"),
        pytest.param("<%= @email %>", ERB, "{{ email }}", id="erb-instance-variable"),
        pytest.param("<%# note %>", ERB, "{% comment %} note {% endcomment %}", id="erb-comment"),
        pytest.param("<% if (vip) { %>", ERB, None, id="ejs-code"),
        pytest.param("%%FirstName%%", SALESFORCE, "{{ first_name }}", id="sfmc-first-name"),
        pytest.param("%%=v(@city)=%%", SALESFORCE, "{{ city }}", id="ampscript-v"),
        pytest.param("%%[ SET @a = 1 ]%%", SALESFORCE, None, id="ampscript-block"),
        pytest.param('{% module "hero" path="@hubspot/rich_text" %}', HUBL, None, id="hubl-module"),
        pytest.param("{{ unsubscribe_link }}", HUBL, "{{ unsubscribe_url }}", id="hubl-unsubscribe"),
        pytest.param(
            "{{ contact.firstname|default('you') }}",
            HUBL,
            "{{ contact.firstname | default: 'you' }}",
            id="hubl-contact",
        ),
        pytest.param("{first_name}", SINGLE_BRACE, "{{ first_name }}", id="single-brace"),
    ],
)
def test_each_engine_is_named_with_its_liquid_equivalent(tag, engine, liquid):
    found = _one(_in_text(f"Hi {tag}!"))
    assert (found.engine, found.text, found.liquid) == (engine, tag, liquid)
    assert (found.line, found.column) == (
        1,
        51,
    )  # after "<mjml><mj-body><mj-section><mj-column><mj-text>Hi " (50)


@pytest.mark.parametrize(
    "source",
    [
        pytest.param(
            "<mjml><mj-head><mj-style>a { color: red } @media (max-width: 480px) { .x { width: 100% } }"
            "</mj-style></mj-head><mj-body></mj-body></mjml>",
            id="css-in-mj-style",
        ),
        pytest.param(
            "<style>p { margin: 0 } @import url(x.css); @font-face { font: a }</style>", id="css-in-style"
        ),
        pytest.param(
            '<script type="application/ld+json">{"@context": "http://schema.org", "@type": "EmailMessage",'
            ' "potentialAction": {name}}</script>',
            id="json-ld",
        ),
        pytest.param(
            _in_text('Hi {{ first_name | default: "there" }} {{ company.name }}'), id="liquid-output"
        ),
        pytest.param(_in_text("{% if vip %}Gold{% elsif x %}S{% else %}-{% endif %}"), id="liquid-if"),
        pytest.param(
            _in_text("{% for item in items %}{{ item.price }}{{ forloop.index }}{% endfor %}"),
            id="liquid-for",
        ),
        pytest.param(_in_text("{% assign n = items | size %}{{ n | plus: 1 }}"), id="liquid-assign"),
        pytest.param(
            _in_text('{{ "now" | date: "%Y" }} {% comment %}*|FNAME|*{% endcomment %}'), id="liquid-comment"
        ),
        pytest.param(_in_text("{% raw %}{{#if x}}{% endraw %}"), id="liquid-raw"),
        pytest.param(
            _in_text("Write to hello@fernhill.example or @fernhill, 50% off {not a tag}"), id="text"
        ),
        pytest.param(_in_text("<!-- @if($x) *|FNAME|* -->Hi"), id="html-comment"),
        pytest.param(_in_text("Price: 100%% off? {{ a }}}}"), id="percent-signs"),
    ],
)
def test_css_json_ld_liquid_and_text_are_not_flagged(source):
    assert foreign_tags(source) == []


def test_a_blade_directive_glued_to_a_word_is_text_as_in_blade():
    assert foreign_tags(_in_text("Whoops@else")) == []  # Blade's own pattern is \B@


def test_detect_engines_lists_the_most_frequent_first():
    source = _in_text("*|FNAME|* *|LNAME|* {{#if vip}}x{{/if}} {{ $a }} *|EMAIL|*")
    assert detect_engines(source) == [MAILCHIMP, HANDLEBARS, BLADE]  # 3, 2, 1
    assert detect_engines(_in_text("{{ first_name }}")) == []


def test_lines_and_columns_are_one_based_on_later_lines():
    tag = _one("<mjml>\n  <mj-body>\n    Hi %%FirstName%%\n")
    assert (tag.line, tag.column, tag.offset) == (3, 8, 26)  # 7 + 12 characters on lines 1-2, then "    Hi "


# --- conversion ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param("Hi *|FNAME|*", "Hi {{ first_name }}", id="variable"),
        pytest.param(
            "*|IF:VIP|*Gold*|ELSE:|*Silver*|END:IF|*",
            "{% if vip %}Gold{% else %}Silver{% endif %}",
            id="mailchimp-if-else",
        ),
        pytest.param(
            "*|IF:PLAN=Pro|*P*|END:IF|*", '{% if plan == "Pro" %}P{% endif %}', id="mailchimp-if-equals"
        ),
        pytest.param(
            "{{#if vip}}Gold{{else}}Silver{{/if}}",
            "{% if vip %}Gold{% else %}Silver{% endif %}",
            id="hbs-if-else",
        ),
        pytest.param(
            "{{#each items}}{{this.name}}: {{this.price}} ({{@index}}){{/each}}",
            "{% for item in items %}{{ item.name }}: {{ item.price }} ({{ forloop.index0 }}){% endfor %}",
            id="hbs-each",
        ),
        pytest.param("{{^vip}}Join{{/vip}}", "{% unless vip %}Join{% endunless %}", id="mustache-inverted"),
        pytest.param(
            "@foreach($lines as $line){{ $line }}@endforeach",
            "{% for line in lines %}{{ line }}{% endfor %}",
            id="blade-foreach",
        ),
        pytest.param(
            "@if($level == 'error') Whoops @elseif($ok) Yes @else Hello @endif",
            "{% if level == 'error' %} Whoops {% elsif ok %} Yes {% else %} Hello {% endif %}",
            id="blade-if-elseif-else",
        ),
        pytest.param("{{!-- note --}}x", "{% comment %} note {% endcomment %}x", id="comment"),
        pytest.param(
            "{{ name|default('there') }}, {{ $city ?? 'your city' }}",
            "{{ name | default: 'there' }}, {{ city | default: 'your city' }}",
            id="default-values",
        ),
        pytest.param(
            "{% if vip is defined %}V{% elif plan == 'pro' %}P{% endif %}",
            "{% if vip %}V{% elsif plan == 'pro' %}P{% endif %}",
            id="jinja-if-elif",
        ),
    ],
)
def test_convert_tags_rewrites_the_common_cases_as_liquid(source, expected):
    conversion = convert_tags(source)
    assert conversion.source == expected
    assert conversion.unconverted == []


def test_converted_liquid_renders():
    source = "Hi *|FNAME|*! {{#each items}}[{{this}}]{{/each}} *|IF:VIP|*Gold*|END:IF|*"
    converted = convert_tags(source).source
    merged = merge_tags(converted, {"first_name": "Olivia", "items": ["a", "b"], "vip": True})
    assert merged == "Hi Olivia! [a][b] Gold"


def test_what_cannot_be_converted_is_kept_as_written_and_listed():
    source = "{{#if (eq a b)}}A{{else}}B{{/if}} {{> footer}} {% trans %}Hi{% endtrans %} *|FNAME|*"
    conversion = convert_tags(source)
    assert [t.text for t in conversion.unconverted] == [
        "{{#if (eq a b)}}",
        "{{else}}",  # its block's opener is not converted, so neither are its else and end
        "{{/if}}",
        "{{> footer}}",
        "{% trans %}",
        "{% endtrans %}",
    ]
    assert [t.text for t in conversion.converted] == ["*|FNAME|*"]
    assert conversion.source == source.replace("*|FNAME|*", "{{ first_name }}")


def test_converting_liquid_changes_nothing():
    source = _in_text('{% if vip %}{{ first_name | default: "there" }}{% endif %}')
    assert convert_tags(source) == type(convert_tags(source))(source, [], [])


# --- real templates (tests/fixtures/tags/README.md) -------------------------------------------


def _tags(name: str) -> list[tuple[str, str | None]]:
    return [(t.text, t.liquid) for t in foreign_tags((FIXTURES / name).read_text(encoding="utf-8"))]


def test_sendgrid_receipt_handlebars_is_read_and_converted():
    assert _tags("sendgrid_receipt.mjml") == [
        ("{{#if receipt}}", "{% if receipt %}"),
        ("{{#each items}}", "{% for item in items %}"),
        ("{{this.image}}", "{{ item.image }}"),
        ("{{this.text}}", "{{ item.text }}"),
        ("{{this.price}}", "{{ item.price }}"),
        ("{{/each}}", "{% endfor %}"),
        ("{{/if}}", "{% endif %}"),
        ("<%asm_global_unsubscribe_raw_url%>", "{{ unsubscribe_url }}"),
    ]  # {{total}}, {{name}}, {{city}}… are Liquid as they are
    converted = convert_tags((FIXTURES / "sendgrid_receipt.mjml").read_text(encoding="utf-8"))
    data = {"receipt": True, "items": [{"image": "https://x/a.png", "text": "Beans", "price": "$12"}]}
    data |= {"total": "$12", "name": "Olivia", "address01": "1 Main St", "address02": "", "city": "Portland"}
    merged = merge_tags(
        converted.source, data | {"state": "OR", "zip": "97209", "unsubscribe_url": "https://u"}
    )
    assert "<strong>$12</strong>" in merged
    assert 'href="https://u"' in merged


def test_laravel_notification_blade_with_its_css_untouched():
    tags = foreign_tags((FIXTURES / "laravel_notification.mjml").read_text(encoding="utf-8"))
    assert {t.engine for t in tags} == {BLADE}
    assert "@media" not in [t.text for t in tags]
    assert [(t.text, t.line) for t in tags if t.liquid is None] == [
        ("@if (! empty($greeting))", 17),
        ("@else", 19),
        ("@endif", 25),
        ("{{ config('app.name') }}", 37),
        ("{{ date('Y') }}", 39),
    ]
    assert ("@foreach ($introLines as $line)", "{% for line in introLines %}") in [
        (t.text, t.liquid) for t in tags
    ]


def test_devise_erb_and_allauth_django():
    assert _tags("devise_confirmation.mjml") == [
        ("<%= @email %>", "{{ email }}"),
        (
            "<%= link_to 'Confirm my account', confirmation_url(@resource, :confirmation_token => @token) %>",
            None,
        ),
    ]
    django = foreign_tags((FIXTURES / "allauth_confirmation.mjml").read_text(encoding="utf-8"))
    assert [t.text.split()[1] for t in django] == [
        "load", "user_display", "load", "autoescape", "blocktrans", "endblocktrans", "endautoescape"
    ]  # fmt: skip
    assert {t.engine for t in django} == {JINJA}


def test_mailchimp_and_salesforce_documented_tags():
    assert detect_engines((FIXTURES / "mailchimp_documented.mjml").read_text(encoding="utf-8")) == [MAILCHIMP]
    mailchimp = convert_tags((FIXTURES / "mailchimp_documented.mjml").read_text(encoding="utf-8"))
    assert [t.text for t in mailchimp.unconverted] == ["*|MC:SUBJECT|*", "*|LIST:COMPANY|*"]
    assert len(mailchimp.converted) == 8
    sfmc = convert_tags((FIXTURES / "sfmc_documented.mjml").read_text(encoding="utf-8"))
    assert [t.text for t in sfmc.unconverted] == ['%%[ SET @city = AttributeValue("City") ]%%']
    assert '<a href="{{ unsubscribe_url }}">' in sfmc.source


@pytest.mark.timeout(30)
@pytest.mark.parametrize("chunk", ["{{ ", "{% ", "<% ", "{{!-- ", "@if(", "*|", "%%[", "{", "a { b } "])
def test_hostile_runs_of_openers_are_read_quickly(chunk):
    foreign_tags(chunk * 50_000)  # linear: each opener's body stops at the next opener
