"""Which article the map is about: a seed, an uploaded file or pasted text.

A pasted or uploaded article is kept in the local library (:mod:`mapapp.maps.library`) so that
the link can carry it as ``article=lib:<hash>``; a link whose article the library holds reopens
it (in the paste box, with its map); one it does not hold says so plainly and keeps the rest of
the link (view, weapons, launch points).
"""

from __future__ import annotations

import contextlib

import streamlit as st

from mapapp.app import caches, messages
from mapapp.app.session import PASTE_LABEL, UPLOAD_LABEL
from mapapp.errors import InputError, MapAppError, OutputError
from mapapp.maps import model as appmodel
from mapapp.maps import viewstate as appstate
from mapapp.maps.viewstate import ViewState


def restore_from_link() -> None:
    """Once per session: put the link's library article into the paste box (or say it is missing)."""
    ss = st.session_state
    state: ViewState | None = ss.pop("link_state", None)
    if state is None:
        return
    if state.seed_name is not None and state.fixes:
        with contextlib.suppress(MapAppError):  # a bad seed name was reported with the link
            ss["overrides"][caches.seed_doc(state.seed_name).key] = dict(state.fixes)
    if state.library_key is None:
        return
    lib = caches.library()
    try:
        stored = lib.get(state.library_key)
    except InputError as err:
        messages.say("warning", str(err))
        return
    if stored is None:
        messages.say(
            "warning",
            f"This link's article (a pasted or uploaded text, id {state.library_key[:12]}…) is not in this "
            f"computer's article library ({lib.root}), so its places and events cannot be shown. "
            "Paste or upload the article to map it; the link's view, weapons and launch points are kept.",
        )
        return
    label = stored.label or "pasted text"
    doc = appmodel.doc_from_text(stored.text, label)
    ss["docs"]["paste"] = doc
    ss["paste_text"] = stored.text
    ss["lib_keys"][doc.key] = stored.key
    ss["overrides"][doc.key] = dict(ss.get("link_fixes", {}))


def _keep(doc: appmodel.ArticleDoc) -> None:
    """Keep a pasted/uploaded article in the library so the link can carry it."""
    ss = st.session_state
    try:
        ss["lib_keys"][doc.key] = caches.library().put(doc.text, doc.label)
    except OutputError as err:
        messages.say("warning", str(err))


def _pasted() -> None:
    messages.new_action()
    st.session_state["paste_submitted"] = True


def article_ref(doc: appmodel.ArticleDoc | None) -> str:
    """The ``article`` a link carries for the article shown: ``seed:<file>``, ``lib:<hash>``
    (pasted or uploaded, kept in the library), or ``paste`` when it could not be kept."""
    if doc is None:
        return appstate.ARTICLE_PASTE
    ref = st.session_state.get("doc_refs", {}).get(doc.key)
    key = st.session_state.get("lib_keys", {}).get(doc.key)
    if key:
        return appstate.LIBRARY_PREFIX + key
    return str(ref or appstate.ARTICLE_PASTE)


def choose() -> appmodel.ArticleDoc | None:
    """The sidebar's article chooser; returns the article to map (None: nothing yet)."""
    ss = st.session_state
    seeds = appstate.seed_files(appstate.seed_dir())
    options = [*seeds, UPLOAD_LABEL, PASTE_LABEL]
    if ss.get("article_choice") not in options:
        ss["article_choice"] = options[0]
    choice = st.sidebar.selectbox("Article", options, key="article_choice", on_change=messages.new_action)
    docs: dict[str, appmodel.ArticleDoc] = ss["docs"]
    doc: appmodel.ArticleDoc | None
    if choice == UPLOAD_LABEL:
        doc = _upload(docs)
    elif choice == PASTE_LABEL:
        doc = _paste(docs)
    else:
        try:
            doc = caches.seed_doc(choice)
            ss.setdefault("doc_refs", {})[doc.key] = "seed:" + choice
        except MapAppError as err:
            messages.say("error", str(err))
            doc = None
    if doc is None:  # nothing new to map yet: keep the map of the article shown before
        return docs.get("last")
    docs["last"] = doc
    return doc


def _upload(docs: dict[str, appmodel.ArticleDoc]) -> appmodel.ArticleDoc | None:
    ss = st.session_state
    up = st.sidebar.file_uploader(
        "Article file", type=["txt", "md", "markdown", "html", "htm"], key="upload", on_change=messages.new_action
    )
    if up is not None:
        sig = f"{up.name}:{up.size}"
        if ss.get("upload_sig") != sig:
            ss["upload_sig"] = sig
            try:
                text = appstate.text_from_upload(up.name, up.getvalue())
            except InputError as err:
                messages.say("error", str(err))
                return docs.get("upload")
            docs["upload"] = appmodel.doc_from_text(text, up.name)
            _keep(docs["upload"])
    if "upload" not in docs:
        messages.say("info", "Upload a .txt, .md or .html article (50 MB at most) in the sidebar.")
    return docs.get("upload")


def _paste(docs: dict[str, appmodel.ArticleDoc]) -> appmodel.ArticleDoc | None:
    ss = st.session_state
    with st.sidebar.form("paste_form"):
        st.text_area("Article text", key="paste_text", height=180, placeholder="Paste the text of a news article…")
        st.form_submit_button("Map this text", on_click=_pasted)
    if ss.pop("paste_submitted", False):
        try:
            text = appstate.text_from_paste(ss.get("paste_text", ""))
        except InputError as err:
            messages.say("error", str(err))
            return docs.get("paste")
        docs["paste"] = appmodel.doc_from_text(text, "pasted text")
        _keep(docs["paste"])
    if "paste" not in docs:
        messages.say("info", "Paste an article's text in the sidebar and press “Map this text”.")
    return docs.get("paste")
