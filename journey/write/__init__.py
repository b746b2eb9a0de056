"""The Write section: merge tags, rendering, sanitising, MJML validation, pre-send checks, variants, test sends.

    brand            the workspace brand: name, address, website, logo, sender, colours ({{ brand.name }}…)
    merge            Liquid merge tags, sandboxed (merge_tags; merge_preview keeps placeholders)
    engines          other engines' merge tags: found, named, converted to Liquid (foreign_tags, convert_tags)
    mjml_validation  the MJML parser and validator, against mjml_schema (the official mjml 4 schema)
    render           merge tags → MJML → sanitised HTML and plain text (render_email, preview)
    sanitize         the HTML sanitiser (nh3)
    checks           the pre-send email checks (check_email)
    includes         <mj-include> resolved against the snippets (resolve_includes)
    gallery          the template gallery import: an .mjml file or a zip with its includes, into a stage
    snippets         the workspace's snippets: header, footer, brand blocks that emails include
    variants         A/B variants of an email
    send             test sends over SMTP
    views            the pre-send views of a render: inbox row, dark mode, images off, Gmail clipping
    screenshots      a view as a PNG, drawn by headless Chromium on the server (view_png)

Pages, the CLI and other sections use the names below, or import one of these modules.
"""

from journey.core.lazy import lazy_exports

_EXPORTS = {
    "Brand": "journey.write.brand",
    "CheckedRender": "journey.write.checks",
    "Clipping": "journey.write.views",
    "Conversion": "journey.write.engines",
    "DarkMode": "journey.write.views",
    "EmailFacts": "journey.write.facts",
    "ForeignTag": "journey.write.engines",
    "Gallery": "journey.write.gallery",
    "ImagesOff": "journey.write.views",
    "InboxRow": "journey.write.views",
    "Preview": "journey.write.render",
    "RenderedEmail": "journey.write.render",
    "SendResult": "journey.write.send",
    "SmtpConfig": "journey.write.send",
    "SnippetUse": "journey.write.snippets",
    "VariantContent": "journey.write.variants",
    "add_variant": "journey.write.variants",
    "check_email": "journey.write.checks",
    "clean_brand": "journey.write.brand",
    "convert_tags": "journey.write.engines",
    "create_snippet": "journey.write.snippets",
    "dark_mode": "journey.write.views",
    "delete_snippet": "journey.write.snippets",
    "delete_variant": "journey.write.variants",
    "detect_engines": "journey.write.engines",
    "email_facts": "journey.write.facts",
    "emails_including": "journey.write.snippets",
    "findings_for": "journey.write.checks",
    "foreign_tags": "journey.write.engines",
    "gmail_clipping": "journey.write.views",
    "has_merge_tags": "journey.write.merge",
    "images_off": "journey.write.views",
    "import_upload": "journey.write.gallery",
    "inbox_rows": "journey.write.views",
    "list_snippets": "journey.write.snippets",
    "list_variants": "journey.write.variants",
    "load_brand": "journey.write.brand",
    "merge_tags": "journey.write.merge",
    "parse_mjml": "journey.write.mjml_validation",
    "preview": "journey.write.render",
    "render_and_check": "journey.write.checks",
    "render_email": "journey.write.render",
    "resolve_includes": "journey.write.includes",
    "sanitize_html": "journey.write.sanitize",
    "save_brand": "journey.write.brand",
    "send_test_email": "journey.write.send",
    "smtp_config": "journey.write.send",
    "snippet_library": "journey.write.snippets",
    "standard_merge_data": "journey.write.render",
    "survey_upload": "journey.write.gallery",
    "update_snippet": "journey.write.snippets",
    "update_variant": "journey.write.variants",
    "validate_mjml": "journey.write.mjml_validation",
    "view_png": "journey.write.screenshots",
}

__all__ = list(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
