"""The template gallery import (journey editor and studio): upload an .mjml file or a zip with its includes, see what was found, save."""

from __future__ import annotations

import streamlit as st

from journey.core.text import escape_markdown, plural
from journey.write.gallery import import_upload, survey_upload
from ui.db import db_session
from ui.writes import attempt, run_write


def _survey(stage_id: int, name: str, content: bytes):
    with db_session() as session:
        return survey_upload(session, stage_id, name, content)


def gallery_import(tree, *, page: str = "editor") -> None:
    """Pick a stage, upload templates, check the table of what was found, then create them in one go.

    On the journey editor and in the studio (`page` keeps their widgets apart)."""
    if not tree.stages:
        return
    stages = {node.stage.id: node.stage.name for node in tree.stages}
    with st.expander("Import templates (.mjml or .zip)", expanded=False):
        st.caption(
            "Upload one MJML email, or a zip of them with the files they include: included files become "
            "snippets. Nothing is saved until you press Import; the emails arrive as drafts."
        )
        stage_id = st.selectbox(
            "Into stage", list(stages), key=f"{page}_gallery_stage", format_func=stages.get
        )
        upload = st.file_uploader("MJML file or zip", type=["mjml", "zip"], key=f"{page}_gallery_file")
        if upload is None:
            return
        content = upload.getvalue()
        gallery = attempt(_survey, stage_id, upload.name, content)
        if gallery is None:
            return
        st.markdown(
            f"**Found {plural(len(gallery.emails), 'email')} and {plural(len(gallery.snippets), 'snippet')}**"
        )
        st.dataframe(gallery.rows(), hide_index=True, width="stretch")
        for problem in gallery.problems:
            st.error(escape_markdown(problem), icon="⚠️")
        if st.button(
            f"Import into {escape_markdown(stages[stage_id])}",
            key=f"{page}_gallery_import",
            type="primary",
            disabled=bool(gallery.problems) or not (gallery.emails or gallery.snippets),
        ):
            saved = run_write(import_upload, stage_id, upload.name, content)
            if saved:
                made = [t.name for t in saved.emails]
                st.success(
                    escape_markdown(
                        f"Imported {plural(len(made), 'email')} into {stages[stage_id]}: {', '.join(made) or '–'}."
                    )
                )
