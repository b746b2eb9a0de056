"""Other template engines' merge tags: recognise them, name the engine, give the Liquid equivalent, convert.

Teams bring emails written for their email service, so the studio meets `*|FNAME|*` (Mailchimp),
`{{#if vip}}` (Handlebars, SendGrid's dynamic templates), `{% trans %}` (Jinja and Django),
`{{ $user->name }}` and `@if(...)` (Blade), `<%= name %>` (EJS and ERB), `%%FirstName%%` (Salesforce
Marketing Cloud), `{% module %}` (HubSpot's HubL) and `{first_name}` (single braces). This studio speaks
Liquid (`journey.write.merge`), so each is found with its line and column and, where there is one, its
Liquid equivalent:

    foreign_tags(source) -> [ForeignTag(engine, text, line, column, liquid)]
    detect_engines(source) -> ["Mailchimp", …]        the engines found, most frequent first
    convert_tags(source) -> Conversion(source, converted, unconverted)

Liquid itself is never flagged: `{% if %}`, `{% for %}`, `{{ x | default: "y" }}` are Liquid whichever
engine they were written for. Only what Liquid would refuse or read differently is foreign, e.g.
`{{ x|length }}` (Liquid's filter is `size`), `{{ x|default('y') }}`, `{% elif %}`, `{% block %}`.
CSS, scripts (JSON-LD), HTML comments and Liquid's own `{% raw %}`/`{% comment %}` blocks are not read,
so `a { color: red }`, `@media` and `{"@context": …}` are never taken for merge tags.

A conversion replaces what it can (variables, if/else, each/for, comments, default values) and keeps
the rest as written, listed in `unconverted`; when a block's opening tag cannot be converted, its
`else` and closing tags are left too, so the converted source never has half a block.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from journey.core.text import line_starts_of, position

MAILCHIMP = "Mailchimp"
HANDLEBARS = "Handlebars"
JINJA = "Jinja"
BLADE = "Blade"
ERB = "EJS/ERB"
SALESFORCE = "Salesforce AMPscript/ExactTarget"
HUBL = "HubL"
SINGLE_BRACE = "single-brace"
ENGINES = (MAILCHIMP, HANDLEBARS, JINJA, BLADE, ERB, SALESFORCE, HUBL, SINGLE_BRACE)


@dataclass(frozen=True)
class ForeignTag:
    """One tag in another engine's syntax, where it is (1-based) and its Liquid equivalent (None: none)."""

    engine: str
    text: str
    line: int
    column: int
    liquid: str | None
    offset: int = field(default=0, compare=False)  # index of `text` in the source


@dataclass(frozen=True)
class Conversion:
    """The source with every convertible tag in Liquid, what was converted and what was left as written."""

    source: str
    converted: list[ForeignTag]
    unconverted: list[ForeignTag]


# --- where not to look ---------------------------------------------------------------------------

_SKIP_RE = re.compile(
    r"<(mj-style|style|script)\b[^>]*>.*?</\1\s*>"
    r"|<!--.*?-->"
    r"|\{%-?\s*raw\s*-?%\}.*?\{%-?\s*endraw\s*-?%\}"
    r"|\{%-?\s*comment\s*-?%\}.*?\{%-?\s*endcomment\s*-?%\}",
    re.DOTALL | re.IGNORECASE,
)

# --- the tags, in order of precedence ------------------------------------------------------------

_BLADE_DIRECTIVES = [
    "if",
    "elseif",
    "else",
    "endif",
    "unless",
    "endunless",
    "isset",
    "endisset",
    "empty",
    "endempty",
    "foreach",
    "endforeach",
    "for",
    "endfor",
    "forelse",
    "endforelse",
    "while",
    "endwhile",
    "switch",
    "case",
    "break",
    "default",
    "endswitch",
    "lang",
    "choice",
    "include",
    "includeIf",
    "extends",
    "section",
    "endsection",
    "yield",
    "show",
    "stop",
    "parent",
    "component",
    "endcomponent",
    "slot",
    "endslot",
    "php",
    "endphp",
    "csrf",
    "auth",
    "endauth",
    "guest",
    "endguest",
    "push",
    "endpush",
    "stack",
    "verbatim",
    "endverbatim",
    "json",
    "markdown",
    "endmarkdown",
    "env",
    "endenv",
    "production",
    "endproduction",
    "error",
    "enderror",
    "props",
]
_TOKEN_RE = re.compile(
    # A tag's body never holds its own opener, so an unclosed run of openers is read in linear time.
    r"(?P<hbs_comment>\{\{!--(?:(?!\{\{!--|--\}\}).){0,5000}--\}\})"
    r"|(?P<blade_comment>\{\{--(?:(?!\{\{--|--\}\}).){0,5000}--\}\})"
    r"|(?P<triple>\{\{\{[^{}]{0,500}\}\}\})"
    r"|(?P<blade_raw>\{!!(?:(?!\{!!|!!\}).){0,500}!!\})"
    r"|(?P<output>\{\{(?:(?!\{\{|\}\}).){0,2000}\}\})"
    r"|(?P<tag>\{%(?:(?!\{%|%\}).){0,2000}%\})"
    r"|(?P<jinja_comment>\{#(?:(?!\{#|#\}).){0,5000}#\})"
    r"|(?P<mailchimp>\*\|[^|*\s<>][^|<>]{0,200}?\|\*)"
    r"|(?P<amp_block>%%\[(?:(?!%%\[|\]%%).){0,5000}\]%%)"
    r"|(?P<amp_inline>%%=(?:(?!%%=|=%%).){0,500}=%%)"
    r"|(?P<sfmc>%%[A-Za-z_][\w-]{0,60}(?: [\w-]{1,30}){0,3}%%)"
    r"|(?P<erb><%(?:(?!<%|%>).){0,2000}%>)"
    r"|(?P<directive>(?<![\w@.\-])@(?:" + "|".join(sorted(_BLADE_DIRECTIVES, key=len, reverse=True)) + r")\b"
    r"(?:[ \t]*\((?:[^()\n]|\((?:[^()\n]|\([^()\n]*\))*\)){0,500}\))?)"
    r"|(?P<single>(?<![{\w$\\])\{[ \t]*[A-Za-z_][\w.]{0,60}[ \t]*\}(?!\}))",
    re.DOTALL,
)

_LIQUID_TAGS = {
    "assign", "break", "capture", "case", "comment", "continue", "cycle", "decrement", "doc", "echo",
    "else", "elsif", "for", "if", "ifchanged", "include", "increment", "liquid", "raw", "render",
    "tablerow", "unless", "when", "#",
}  # fmt: skip
_JINJA_TAGS = {
    "trans", "endtrans", "blocktrans", "endblocktrans", "pluralize", "plural", "block", "endblock",
    "extends", "load", "url", "static", "csrf_token", "macro", "endmacro", "call", "endcall", "set",
    "endset", "filter", "endfilter", "with", "endwith", "import", "from", "autoescape", "endautoescape",
    "spaceless", "endspaceless", "verbatim", "endverbatim", "now", "firstof", "elif", "do", "apply",
    "endapply", "embed", "endembed", "user_display", "translate", "get_current_language",
}  # fmt: skip
_HUBL_TAGS = {
    "module", "dnd_area", "end_dnd_area", "dnd_section", "end_dnd_section", "dnd_column",
    "end_dnd_column", "dnd_row", "end_dnd_row", "dnd_module", "end_dnd_module", "widget_block",
    "end_widget_block", "widget_container", "end_widget_container", "require_css", "end_require_css",
    "require_js", "end_require_js", "global_partial", "email_simple_subscription", "email_subscriptions",
    "email_subscriptions_confirmation", "email_each", "rich_text", "text", "image", "linked_image",
    "logo", "cta", "form", "icon", "menu", "simple_menu", "video_player", "inline_text", "raw_html",
    "content_attribute", "related_blog_posts", "custom_widget", "flip", "gallery", "post_filter",
    "follow_me", "social_sharing", "unsubscribe_link", "unsubscribe_link_all", "email_flex_area",
}  # fmt: skip
_HUBL_VARIABLES = {
    "unsubscribe_link": "{{ unsubscribe_url }}",
    "unsubscribe_link_all": "{{ unsubscribe_url }}",
    "view_as_page_url": "{{ view_in_browser_url }}",
    "site_settings.company_name": None,
    "site_settings.company_street_address_1": None,
}
_HUBL_PREFIXES = ("contact.", "site_settings.", "content.", "module.", "request.", "company.")

# Jinja filter → Liquid filter (None: Liquid has none)
_JINJA_FILTERS = {
    "length": "size", "count": "size", "upper": "upcase", "lower": "downcase", "capitalize": "capitalize",
    "title": None, "trim": "strip", "striptags": "strip_html", "e": "escape", "escape": "escape",
    "safe": None, "d": "default", "default": "default", "replace": "replace", "join": "join",
    "first": "first", "last": "last", "round": "round", "abs": "abs", "truncate": "truncate",
    "urlencode": "url_encode", "wordcount": None, "format": None, "int": None, "float": None,
    "string": None, "sum": "sum", "sort": "sort", "reverse": "reverse", "unique": "uniq",
    "list": None, "tojson": None, "center": None, "indent": None, "wordwrap": None, "date": "date",
    "linebreaks": "newline_to_br", "linebreaksbr": "newline_to_br", "default_if_none": "default",
    "truncatewords": "truncatewords", "floatformat": None, "pluralize": None, "urlize": None,
    "slugify": None, "add": "plus", "cut": "remove", "timesince": None, "yesno": None,
}  # fmt: skip

# Field names as the studio writes them (Liquid: snake_case, and its standard merge tags)
_KNOWN_FIELDS = {
    "fname": "first_name", "firstname": "first_name", "first_name": "first_name",
    "lname": "last_name", "lastname": "last_name", "last_name": "last_name",
    "email": "email", "emailaddr": "email", "emailaddress": "email", "email_address": "email",
    "unsub": "unsubscribe_url", "unsub_center_url": "unsubscribe_url", "unsubscribe": "unsubscribe_url",
    "archive": "view_in_browser_url", "view_email_url": "view_in_browser_url",
    "asm_global_unsubscribe_raw_url": "unsubscribe_url", "asm_group_unsubscribe_raw_url": "unsubscribe_url",
}  # fmt: skip
_PATH_RE = re.compile(r"[A-Za-z_][\w]*(?:\.[A-Za-z_]\w*|\[\d+\])*")


def field_name(name: str) -> str:
    """A field name in the studio's style: FNAME → first_name, FirstName → first_name, MMERGE6 → mmerge6."""
    name = name.strip()
    known = _KNOWN_FIELDS.get(name.lower())
    if known:
        return known
    snake = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name)
    return re.sub(r"[^\w.]+", "_", snake).strip("_").lower()


def _output(path: str, default: str | None = None) -> str:
    if default is None:
        return f"{{{{ {path} }}}}"
    return f"{{{{ {path} | default: {default} }}}}"


def _comment(text: str) -> str:
    return f"{{% comment %}}{text}{{% endcomment %}}"


# --- Liquid's own verdict ------------------------------------------------------------------------


@lru_cache(maxsize=2048)
def _liquid_accepts(snippet: str) -> bool:
    """True when Liquid parses `snippet` and knows every filter it names."""
    from liquid.exceptions import LiquidError

    from journey.write.merge import ENV

    try:
        ENV.from_string(snippet)
    except (LiquidError, RecursionError):
        return False
    return all(name in ENV.filters for name in _filter_names(snippet))


def _filter_names(expression: str) -> list[str]:
    unquoted = re.sub(r"\"[^\"]*\"|'[^']*'", '""', expression)
    return re.findall(r"(?<!\|)\|(?!\|)\s*([A-Za-z_]\w*)", unquoted)


def _split_filters(expression: str) -> list[str]:
    """`a|b('x')|c` → ['a', "b('x')", 'c'], pipes inside quotes or parentheses kept."""
    parts, depth, quote, current = [], 0, "", []
    for char in expression:
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append("".join(current).strip())
            current = []
            continue
        current.append(char)
    parts.append("".join(current).strip())
    return parts


def _jinja_expression(expression: str) -> str | None:
    """A Jinja/Twig output expression with filters as Liquid (`x|default('y')` → `x | default: 'y'`)."""
    parts = _split_filters(expression)
    head = re.sub(r"^loop\.", "forloop.", parts[0].strip())
    head = {"forloop.index": "forloop.index", "forloop.revindex": "forloop.rindex"}.get(head, head)
    if not (_PATH_RE.fullmatch(head) or re.fullmatch(r"\"[^\"]*\"|'[^']*'|\d+", head)):
        return None
    pieces = [head]
    for part in parts[1:]:
        match = re.fullmatch(r"([A-Za-z_]\w*)\s*(?:\((.*)\))?", part, re.DOTALL)
        if match is None:
            return None
        name, arguments = match.group(1), match.group(2)
        liquid = _JINJA_FILTERS.get(name, name if name in _liquid_filters() else None)
        if liquid is None:
            return None
        arguments = (arguments or "").strip()
        if name in ("default", "d") and "," in arguments:
            arguments = arguments.split(",", 1)[0].strip()  # default(value, true): Liquid's covers both
        if name == "truncate" and "," in arguments:
            return None
        pieces.append(f"{liquid}: {arguments}" if arguments else liquid)
    return "{{ " + " | ".join(pieces) + " }}"


@lru_cache(maxsize=1)
def _liquid_filters() -> frozenset[str]:
    from journey.write.merge import ENV

    return frozenset(ENV.filters)


# --- one tag at a time ---------------------------------------------------------------------------


@dataclass
class _Block:
    kind: str  # the closing word this opener expects (Handlebars "if", Blade "endif", …)
    liquid_end: str | None  # its Liquid closing tag, None when the opener was not converted


class _Scanner:
    """Classifies tags in order, keeping the open blocks of each engine (for else and closing tags)."""

    def __init__(self) -> None:
        self.blocks: dict[str, list[_Block]] = {HANDLEBARS: [], BLADE: [], MAILCHIMP: [], JINJA: []}
        self.loop_items: list[str] = []

    # Each returns (engine, liquid) for a foreign tag, or None for Liquid or plain text.

    def classify(self, kind: str, text: str) -> tuple[str, str | None] | None:
        return getattr(self, f"_{kind}")(text)

    def _hbs_comment(self, text: str):
        return HANDLEBARS, _comment(text[5:-4])

    def _blade_comment(self, text: str):
        return BLADE, _comment(text[4:-4])

    def _jinja_comment(self, text: str):
        return JINJA, _comment(text[2:-2])

    def _triple(self, text: str):
        inner = text[3:-3].strip()
        return HANDLEBARS, _output(self._hbs_path(inner)) if _PATH_RE.fullmatch(inner) else None

    def _blade_raw(self, text: str):
        expression = _php_expression(text[3:-3])
        return BLADE, _output(expression) if expression else None

    def _amp_block(self, text: str):
        return SALESFORCE, None

    def _amp_inline(self, text: str):
        inner = text[3:-3].strip()
        match = re.fullmatch(r"(?i:v)\(\s*@(\w+)\s*\)|(?i:AttributeValue)\(\s*[\"'](\w+)[\"']\s*\)", inner)
        return SALESFORCE, _output(field_name(match.group(1) or match.group(2))) if match else None

    def _sfmc(self, text: str):
        return SALESFORCE, _output(field_name(text[2:-2]))

    def _erb(self, text: str):
        inner = text[2:-2]
        if inner.startswith("#"):
            return ERB, _comment(inner[1:])
        if inner[:1] in "=-":
            expression = inner[1:].strip().rstrip("-").strip()
            path = expression.lstrip("@")
            return ERB, _output(path) if _PATH_RE.fullmatch(path) else None
        name = inner.strip()
        if name.lower() in _KNOWN_FIELDS:  # SendGrid's <%asm_global_unsubscribe_raw_url%>
            return ERB, _output(_KNOWN_FIELDS[name.lower()])
        return ERB, None

    def _single(self, text: str):
        return SINGLE_BRACE, _output(field_name(text[1:-1]))

    def _mailchimp(self, text: str):
        inner = text[2:-2].strip()
        stack = self.blocks[MAILCHIMP]
        upper = inner.upper()
        if upper.startswith(("IF:", "IFNOT:", "ELSEIF:")):
            keyword, condition = inner.split(":", 1)
            liquid_condition = _mailchimp_condition(condition)
            keyword = keyword.upper()
            if keyword == "ELSEIF":
                usable = bool(stack) and stack[-1].liquid_end == "{% endif %}" and liquid_condition
                return MAILCHIMP, f"{{% elsif {liquid_condition} %}}" if usable else None
            if liquid_condition is None:
                stack.append(_Block("IF", None))
                return MAILCHIMP, None
            tag = "if" if keyword == "IF" else "unless"
            stack.append(_Block("IF", f"{{% end{tag} %}}"))
            return MAILCHIMP, f"{{% {tag} {liquid_condition} %}}"
        if upper in ("ELSE:", "ELSE"):
            return MAILCHIMP, "{% else %}" if stack and stack[-1].liquid_end else None
        if upper in ("END:IF", "END:IFNOT"):
            return MAILCHIMP, stack.pop().liquid_end if stack else None
        if ":" in inner or upper.startswith(("MC_", "HTML_", "LIST_")):
            return MAILCHIMP, None  # *|MC:SUBJECT|*, *|LIST:COMPANY|*, *|DATE:Y|*: the ESP's own data
        if upper == "CURRENT_YEAR":
            return MAILCHIMP, '{{ "now" | date: "%Y" }}'
        if upper in ("UPDATE_PROFILE", "FORWARD", "REWARDS", "REWARDS_TEXT", "ABOUT_LIST", "LIST_ADDRESS"):
            return MAILCHIMP, None
        if not re.fullmatch(r"[A-Za-z_][\w]*", inner):
            return MAILCHIMP, None
        return MAILCHIMP, _output(field_name(inner))

    def _directive(self, text: str):
        match = re.match(r"@(\w+)\s*(?:\((.*)\))?\Z", text, re.DOTALL)
        assert match is not None
        name, argument = match.group(1), match.group(2)
        stack = self.blocks[BLADE]
        if name in ("if", "unless", "isset"):
            condition = _php_condition(argument or "")
            tag = "unless" if name == "unless" else "if"
            stack.append(_Block(f"end{name}", f"{{% end{tag} %}}" if condition else None))
            return BLADE, f"{{% {tag} {condition} %}}" if condition else None
        if name == "elseif":
            condition = _php_condition(argument or "")
            usable = bool(stack) and stack[-1].liquid_end == "{% endif %}" and condition
            return BLADE, f"{{% elsif {condition} %}}" if usable else None
        if name == "else":
            return BLADE, "{% else %}" if stack and stack[-1].liquid_end else None
        if name in ("endif", "endunless", "endisset"):
            return BLADE, stack.pop().liquid_end if stack else None
        if name == "foreach":
            loop = re.fullmatch(r"\s*\$(\w+)\s+as\s+\$(\w+)\s*", argument or "")
            liquid_end = "{% endfor %}" if loop else None
            stack.append(_Block("endforeach", liquid_end))
            return BLADE, f"{{% for {loop.group(2)} in {loop.group(1)} %}}" if loop else None
        if name == "endforeach":
            return BLADE, stack.pop().liquid_end if stack else None
        return BLADE, None

    def _output(self, text: str):
        inner = text[2:-2]
        stripped = inner.strip("-~ \t\n")
        first = stripped[:1]
        if first == "!":
            return HANDLEBARS, _comment(text[3:-2])
        if first in "#/^>" or stripped == "else" or stripped.startswith("else "):
            return self._handlebars(stripped)
        if "$" in stripped or "->" in stripped or "??" in stripped or stripped.startswith("__("):
            expression = _php_expression(stripped)
            return BLADE, _output(expression) if expression else None
        if stripped in _HUBL_VARIABLES:
            return HUBL, _HUBL_VARIABLES[stripped]
        if self.loop_items and (stripped in ("this", ".") or stripped.startswith(("this.", "@"))):
            return self._handlebars(stripped)
        if _liquid_accepts(text):
            if stripped.startswith("loop."):
                return JINJA, _jinja_expression(stripped)
            return None
        engine = HUBL if stripped.startswith(_HUBL_PREFIXES) else JINJA
        if "(" in stripped or "|" in stripped or "~" in stripped or re.search(r"\s(if|or|not)\s", stripped):
            return engine, _jinja_expression(stripped)
        if re.fullmatch(r"[A-Za-z_][\w.]*(?:\s+(?:[\w.@]+|\"[^\"]*\"|'[^']*'|\w+=\S+))+", stripped):
            return HANDLEBARS, None  # a helper with arguments: {{formatDate date "MMM"}}
        return None  # a Liquid mistake: Liquid reports it itself

    def _hbs_path(self, path: str) -> str:
        item = self.loop_items[-1] if self.loop_items else None
        if item and path in ("this", "."):
            return item
        if item and path.startswith("this."):
            return item + path[4:]
        return path

    def _handlebars(self, inner: str):
        stack = self.blocks[HANDLEBARS]
        if inner.startswith("!"):
            return HANDLEBARS, _comment(inner[1:])
        if inner.startswith(">"):
            return HANDLEBARS, None  # a partial: this studio reads no other files
        if inner.startswith("@"):
            loop_vars = {"@index": "forloop.index0", "@first": "forloop.first", "@last": "forloop.last"}
            return HANDLEBARS, _output(loop_vars[inner]) if inner in loop_vars and self.loop_items else None
        if inner in ("this", ".") or inner.startswith("this."):
            return HANDLEBARS, _output(self._hbs_path(inner)) if self.loop_items else None
        if inner == "else" or inner.startswith("else "):
            if not stack or stack[-1].liquid_end is None:
                return HANDLEBARS, None
            condition = inner[5:].strip()
            if not condition:
                return HANDLEBARS, "{% else %}"
            match = re.fullmatch(r"if\s+([A-Za-z_][\w.]*)", condition)
            usable = match and stack[-1].liquid_end == "{% endif %}"
            return HANDLEBARS, f"{{% elsif {match.group(1)} %}}" if usable else None
        if inner[:1] in "#^":
            return self._handlebars_open(inner)
        if not stack:  # a closing tag such as {{/if}} with no opener
            return HANDLEBARS, None
        block = stack.pop()
        if block.kind == "each":
            self.loop_items.pop()
        return HANDLEBARS, block.liquid_end

    def _handlebars_open(self, inner: str):
        stack = self.blocks[HANDLEBARS]
        inverted = inner.startswith("^")
        words = inner[1:].split(None, 1)
        helper = words[0] if words else ""
        argument = words[1].strip() if len(words) > 1 else ""
        simple = re.fullmatch(r"[A-Za-z_][\w.]*", argument)
        if inverted and not argument and re.fullmatch(r"[A-Za-z_][\w.]*", helper):
            stack.append(_Block(helper, "{% endunless %}"))
            return HANDLEBARS, f"{{% unless {helper} %}}"
        if helper in ("if", "unless") and simple:
            stack.append(_Block(helper, f"{{% end{helper} %}}"))
            return HANDLEBARS, f"{{% {helper} {self._hbs_path(argument)} %}}"
        if helper == "each":
            match = re.fullmatch(r"([A-Za-z_][\w.]*)(?:\s+as\s+\|(\w+)(?:\s+\w+)?\|)?", argument)
            if match:
                items = self._hbs_path(match.group(1))
                item = match.group(2) or _singular(items.rsplit(".", 1)[-1])
                stack.append(_Block("each", "{% endfor %}"))
                self.loop_items.append(item)
                return HANDLEBARS, f"{{% for {item} in {items} %}}"
            stack.append(_Block("each", None))
            self.loop_items.append("item")
            return HANDLEBARS, None
        stack.append(_Block(helper, None))  # {{#with}}, {{#items}} (a Mustache section: if or loop?), …
        return HANDLEBARS, None

    def _condition_tag(self, name: str, expression: str):
        """if/unless/elif/else/end…: Jinja only where Liquid refuses them, or their block was Jinja."""
        stack = self.blocks[JINJA]
        if name in ("if", "unless"):
            converted = _jinja_condition(expression)
            accepted = _liquid_accepts(f"{{% {name} {expression} %}}{{% end{name} %}}")
            if accepted:
                stack.append(_Block(name, f"{{% end{name} %}}"))
                return None
            if not converted and not _JINJA_CONDITION_RE.search(expression):
                stack.append(_Block(name, f"{{% end{name} %}}"))
                return None  # a Liquid mistake such as `plan = 'pro'`: Liquid reports it itself
            stack.append(_Block(name, f"{{% end{name} %}}" if converted else None))
            return JINJA, f"{{% {name} {converted} %}}" if converted else None
        if name in ("elif", "elsif"):
            converted = _jinja_condition(expression)
            if name == "elsif" and _liquid_accepts(f"{{% if x %}}{{% elsif {expression} %}}{{% endif %}}"):
                return None
            usable = converted and (not stack or stack[-1].liquid_end)
            return JINJA, f"{{% elsif {converted} %}}" if usable else None
        if name in ("endif", "endunless", "endfor"):
            if stack and stack[-1].kind == name[3:]:
                block = stack.pop()
                if block.liquid_end is None:
                    return JINJA, None
            return None
        if name == "else":
            if stack and stack[-1].liquid_end is None:
                return JINJA, None
            return None
        return None

    def _tag(self, text: str):
        inner = text[2:-2].strip("-~ \t\n")
        match = re.match(r"([#\w]+)\s*(.*)\Z", inner, re.DOTALL)
        if match is None:
            return None
        name, expression = match.group(1), match.group(2).strip()
        stack = self.blocks[JINJA]
        if name in _HUBL_TAGS:
            return HUBL, None
        if name in ("if", "unless", "elif", "elsif", "endif", "endunless", "endfor", "else"):
            return self._condition_tag(name, expression)
        if name == "for":
            accepted = _liquid_accepts(f"{{% for {expression} %}}{{% endfor %}}")
            stack.append(_Block("for", "{% endfor %}" if accepted else None))
            if accepted:
                return None
            return JINJA, None
        if name == "set":
            assignment = re.fullmatch(r"(\w+)\s*=\s*(.+)", expression, re.DOTALL)
            value = _jinja_expression(assignment.group(2).strip()) if assignment else None
            return JINJA, f"{{% assign {assignment.group(1)} = {value[3:-3]} %}}" if value else None
        if name in _JINJA_TAGS:
            return JINJA, None
        if name in _LIQUID_TAGS or name.startswith("end"):
            return None
        return None  # an unknown tag: Liquid reports it itself


_JINJA_CONDITION_RE = re.compile(r"\b(?:is|not|in|None|True|False|none)\b|\bloop\.|[(~|]")


def _singular(name: str) -> str:
    if name.endswith("ies") and len(name) > 4:
        return name[:-3] + "y"
    if name.endswith("s") and not name.endswith("ss") and len(name) > 3:
        return name[:-1]
    return f"{name}_item"


def _mailchimp_condition(condition: str) -> str | None:
    match = re.fullmatch(r"\s*([A-Za-z_]\w*)\s*(?:(=|!=|>=|<=|>|<)\s*(.*?))?\s*", condition)
    if match is None:
        return None
    name, operator, value = field_name(match.group(1)), match.group(2), match.group(3)
    if operator is None:
        return name
    operator = "==" if operator == "=" else operator
    literal = value if re.fullmatch(r"-?\d+(?:\.\d+)?", value or "") else '"' + (value or "") + '"'
    return f"{name} {operator} {literal}"


def _php_expression(expression: str) -> str | None:
    """`$user->name` → `user.name`; `$name ?? 'there'` → `name | default: 'there'`; None when not simple."""
    expression = expression.strip()
    default = None
    if "??" in expression:
        expression, default = (part.strip() for part in expression.split("??", 1))
        if not re.fullmatch(r"\"[^\"]*\"|'[^']*'|\d+", default):
            return None
    match = re.fullmatch(r"\$(\w+)((?:->\w+|\[\s*'\w+'\s*\]|\[\s*\"\w+\"\s*\]|\[\d+\])*)", expression)
    if match is None:
        return None
    rest = re.sub(r"->(\w+)", r".\1", match.group(2))
    rest = re.sub(r"\[\s*['\"](\w+)['\"]\s*\]", r".\1", rest)
    path = match.group(1) + rest
    return f"{path} | default: {default}" if default else path


def _php_condition(condition: str) -> str | None:
    """A Blade condition as Liquid when it is simple: `$x`, `isset($x)`, `$level == 'error'`."""
    condition = condition.strip()
    isset = re.fullmatch(r"isset\(\s*(.+?)\s*\)", condition)
    if isset:
        condition = isset.group(1)
    comparison = re.fullmatch(
        r"(\$[\w\->\[\]'\"]+)\s*(===?|!==?|>=|<=|>|<)\s*(\"[^\"]*\"|'[^']*'|-?\d+)", condition
    )
    if comparison:
        left = _php_expression(comparison.group(1))
        operator = {"===": "==", "!==": "!=", "!=": "!=", "==": "=="}.get(
            comparison.group(2), comparison.group(2)
        )
        return f"{left} {operator} {comparison.group(3)}" if left else None
    path = _php_expression(condition)
    return path if path and "|" not in path else None


def _jinja_condition(expression: str) -> str | None:
    """A Jinja condition as Liquid when it is simple: `x is defined` → `x`; `a == 'b'` as is."""
    expression = re.sub(r"\s+is\s+defined\s*$", "", expression.strip())
    expression = re.sub(r"\bloop\.", "forloop.", expression)
    if _liquid_accepts(f"{{% if {expression} %}}{{% endif %}}"):
        return expression
    return None


# --- the public functions ------------------------------------------------------------------------


def _skipped(source: str) -> list[tuple[int, int]]:
    return [match.span() for match in _SKIP_RE.finditer(source)]


def foreign_tags(source: str) -> list[ForeignTag]:
    """Every tag in another engine's syntax, in the order written, with its Liquid equivalent or None."""
    if not source:
        return []
    skipped = _skipped(source)
    line_starts = line_starts_of(source)
    scanner = _Scanner()
    tags: list[ForeignTag] = []
    cursor = 0
    index = 0
    while True:
        match = _TOKEN_RE.search(source, cursor)
        if match is None:
            break
        start = match.start()
        while index < len(skipped) and skipped[index][1] <= start:
            index += 1
        if index < len(skipped) and skipped[index][0] <= start:
            cursor = max(skipped[index][1], start + 1)
            continue
        cursor = match.end()
        found = scanner.classify(match.lastgroup or "", match.group())
        if found is None:
            continue
        engine, liquid = found
        line, column = position(line_starts, start)
        tags.append(ForeignTag(engine, match.group(), line, column, liquid, offset=start))
    if any(tag.engine == BLADE for tag in tags):  # {{ config('app.name') }} in a Blade email is Blade
        tags = [
            ForeignTag(BLADE, t.text, t.line, t.column, t.liquid, offset=t.offset)
            if t.engine == JINJA and t.text.startswith("{{") and "(" in t.text
            else t
            for t in tags
        ]
    return tags


def detect_engines(source: str) -> list[str]:
    """The engines whose tags `source` holds, most frequent first (ties in the order of ENGINES)."""
    return engines_of(foreign_tags(source))


def engines_of(tags: list[ForeignTag]) -> list[str]:
    """The engines of `tags` (from foreign_tags), most frequent first (ties in the order of ENGINES)."""
    counts = Counter(tag.engine for tag in tags)
    return sorted(counts, key=lambda engine: (-counts[engine], ENGINES.index(engine)))


def convert_tags(source: str) -> Conversion:
    """`source` with every foreign tag that has a Liquid equivalent replaced by it; the rest kept as written."""
    tags = foreign_tags(source)
    pieces: list[str] = []
    last = 0
    converted: list[ForeignTag] = []
    unconverted: list[ForeignTag] = []
    for tag in tags:
        pieces.append(source[last : tag.offset])
        if tag.liquid is None:
            pieces.append(tag.text)
            unconverted.append(tag)
        else:
            pieces.append(tag.liquid)
            converted.append(tag)
        last = tag.offset + len(tag.text)
    pieces.append(source[last:])
    return Conversion("".join(pieces), converted, unconverted)


def describe(tag: ForeignTag) -> str:
    """One line for a marketer: `Line 3, column 5: *|FNAME|* (Mailchimp) → {{ first_name }}`."""
    target = tag.liquid if tag.liquid is not None else "no Liquid equivalent: rewrite it by hand"
    return f"Line {tag.line}, column {tag.column}: {_short(tag.text)} ({tag.engine}) → {target}"


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
