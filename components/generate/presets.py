"""The preset bar above the Generate form: pick a preset and Load it, Save as preset, and Manage presets.

Called once per run, after the draft is put back and before the form is drawn (``preset_bar(model)``). Every
action runs in its button's callback, before the script body draws any field, so a loaded preset's values are
in the widgets' state when the form draws them (the way "Use these settings" and drafts put values back).

"Save as preset" keeps what the form held at the end of this session's last run, uploads included: the
request ``components.generate.drafts.keep_draft`` remembers when it saves the draft. The presets themselves are kept in
the history's database (videostudio/workflows/presets.py): each person's own, and the ones shared with the team (an
admin sees all); a person's own are listed by name, anyone else's with whose they are (``preset_label``). Files to
share are videostudio/workflows/preset_files.py.
"""

from __future__ import annotations

import streamlit as st

from components.form.reuse import restore_settings
from components.form.widgets import model_key
from components.generate.drafts import LAST_FORM_KEY
from components.generate.generate_controls import forget_sent_settings
from components.shell import services
from components.shell.folds import folded_popover
from components.shell.markdown_text import as_typed
from components.shell.whose import current_person
from videostudio.catalogue import Model
from videostudio.catalogue.labels import counted
from videostudio.studio import studio_presets
from videostudio.team.access import can_change
from videostudio.team.people import Person
from videostudio.workflows.preset_files import export_file_name, export_presets, preset_problem, read_preset_file
from videostudio.workflows.presets import NameTaken, Preset, PresetError, PresetStore, preset_label

# What the last preset action has to say, shown once: (where: "bar", "save" or "manage", kind, text).
MESSAGE_KEY = "presets_message"
# A Save whose name was taken, waiting for Replace or Cancel: (model id, name).
REPLACE_KEY = "presets_replace"
# The preset whose Delete was pressed, waiting for "Delete for good": (model id, its label).
DELETE_KEY = "presets_delete_pending"  # not the Delete button's own key: a button's state is its own
# The "Share with the team" box of Save as preset (shown to a signed-in member).
SHARE_KEY = "presets_share"
# How many files were imported: part of the import uploader's key, so each import leaves an empty uploader.
IMPORTS_KEY = "presets_imports"


@st.cache_resource(show_spinner=False)
def preset_store() -> PresetStore:
    # Once per studio process: an older studio's presets file is imported the first time.
    return studio_presets(services.settings(), services.job_service().store)


def _visible(person: Person, model_id: str) -> dict[str, Preset]:
    """The presets of ``model_id`` that ``person`` may see, by their label."""
    return _by_label(person, preset_store().presets(model_id, viewer=person))


def _by_label(person: Person, presets: list[Preset]) -> dict[str, Preset]:
    return {preset_label(p, person): p for p in presets}


def _chosen(person: Person, model: Model) -> Preset | None:
    label = st.session_state.get(choice_key(model))
    return _visible(person, model.id).get(label) if label else None


def choice_key(model: Model) -> str:
    """The widget key of the "Preset" select for ``model``."""
    return f"presets_choice__{model_key(model)}"


def preset_bar(model: Model) -> None:
    """The bar: this model's presets, Load, Save as preset, Manage; and the last action's message."""
    person = current_person()
    if person is None:
        return  # nobody signed in: no preset is anybody's to see here
    everyone = preset_store().presets(viewer=person)  # every model's: one read per run, for the list and Export all
    here = _by_label(person, [p for p in everyone if p.model_id == model.id])
    names = list(here)
    key = choice_key(model)
    if st.session_state.get(key) not in names:
        st.session_state.pop(key, None)  # renamed or deleted elsewhere: choose again
    with st.container(horizontal=True, vertical_alignment="bottom", key="presets_bar"):
        if names:
            chosen = _preset_list(model, person, names)
        else:
            chosen = None
            # Words, not an empty list and a greyed-out Load: a new studio's first screen draws no select box.
            st.caption(":material/bookmarks: No presets for this model yet.")
        # Folded: each panel's fields are drawn only while it is open (components/shell/folds.py).
        with folded_popover("Save as preset", icon=":material/bookmark_add:", key="presets_save_open") as shown:
            if shown:
                _save_panel(model, person)
        with folded_popover("Manage", icon=":material/tune:", key="presets_manage_open") as shown:
            if shown:
                _manage_panel(model, person, here.get(chosen) if chosen else None, everyone)
    _show_message("bar")


def _preset_list(model: Model, person: Person, names: list[str]) -> str | None:
    """The Preset list and its Load button; the preset chosen, if any."""
    st.selectbox("Preset", names, index=None, key=choice_key(model), placeholder="Choose one")
    chosen = st.session_state.get(choice_key(model))
    st.button(
        "Load",
        key="presets_load",
        on_click=_load,
        args=(model, person),
        disabled=chosen is None,
        help="Fill the form with this preset's settings, uploads included",
    )
    return chosen


# --- Load and Save --------------------------------------------------------------------------------------------------


def _load(model: Model, person: Person) -> None:
    preset = _chosen(person, model)
    if preset is None:
        _say("bar", "error", "That preset is no longer there. Choose another one.")
        return
    form = preset.form
    notes = " ".join(restore_settings(model, form.params, form.media, form.inputs()))
    # Loading is a deliberate new start: Generate sends these settings even if they were just sent.
    forget_sent_settings()
    _say("bar", "warning" if notes else "success", f"Loaded the preset “{preset.name}”. {notes}".strip())


def _save_panel(model: Model, person: Person) -> None:
    if not person.sheet.may_generate:
        st.caption("Your role can load presets, not save them.")
        return
    pending = st.session_state.get(REPLACE_KEY)
    if pending and pending[0] == model.id:
        st.warning(
            f"A preset named “{as_typed(pending[1])}” already exists for this model. Replace it with the form as it is?"
        )
        with st.container(horizontal=True):
            st.button("Replace", key="presets_replace_yes", type="primary", on_click=_save, args=(model, person, True))
            st.button("Cancel", key="presets_replace_no", on_click=_forget, args=(REPLACE_KEY,))
    else:
        st.text_input("Name", key="presets_name", max_chars=60, placeholder="e.g. Portrait, slow push-in")
        if person.signed_in:
            st.checkbox("Share with the team", key=SHARE_KEY, help="Every member sees it and may load it")
        st.button(
            "Save", key="presets_save", type="primary", icon=":material/save:", on_click=_save, args=(model, person)
        )
        whom = "for you (and the team, when shared)" if person.signed_in else "for everyone using this studio"
        st.caption(f"Keeps every setting of this form, uploads included, {whom}.")
    _show_message("save")


def _save(model: Model, person: Person, replace: bool = False) -> None:
    state = st.session_state
    name = state.pop(REPLACE_KEY, (None, None))[1] if replace else state.get("presets_name", "")
    model_id, payload, names = state.get(LAST_FORM_KEY) or (None, {}, {})
    if model_id != model.id:
        _say("save", "error", "The form could not be read. Change any setting, then save again.")
        return
    values = {k: v for k, v in payload.items() if k != "model"}
    problem = preset_problem(model, values)
    if problem:
        _say("save", "error", f"Not saved: {problem[0].upper()}{problem[1:]} Fix it in the form, then save again.")
        return
    try:
        shared = person.signed_in and bool(state.get(SHARE_KEY))
        preset = preset_store().save(name, model.id, values, names, owner=person.owner, shared=shared, replace=replace)
    except NameTaken as exc:
        state[REPLACE_KEY] = (model.id, exc.name)
        return
    except PresetError as exc:
        _say("save", "error", str(exc))
        return
    state.pop(REPLACE_KEY, None)
    state["presets_name"] = ""
    state[choice_key(model)] = preset_label(preset, person)
    _say("save", "success", f"Saved the preset “{preset.name}”{' and shared it with the team' if shared else ''}.")


# --- Manage ---------------------------------------------------------------------------------------------------------


def _manage_panel(model: Model, person: Person, preset: Preset | None, everyone: list[Preset]) -> None:
    chosen = preset_label(preset, person) if preset else None
    if preset is None:
        st.caption("Choose a preset in the list to rename, delete or export it.")
    elif can_change(person, preset):
        _change_controls(model, person, chosen or "", preset)
    else:
        st.markdown(f"**{as_typed(chosen or '')}**")
        st.caption("You can load and export it; only the person who saved it, or an admin, can change it.")
        _export_button("Export", "presets_export_one", [preset])
    st.divider()
    if everyone:
        _export_button(f"Export all presets ({len(everyone)})", "presets_export_all", everyone)
    if person.sheet.may_generate:
        imports = st.session_state.get(IMPORTS_KEY, 0)
        st.file_uploader(
            "Import presets from a file",
            key=f"presets_import_{imports}",
            on_change=_import,
            args=(f"presets_import_{imports}", person),
            help="A preset file exported from Video Studio (.json). It is checked before anything is added.",
        )
    _show_message("manage")


def _change_controls(model: Model, person: Person, chosen: str, preset: Preset) -> None:
    """Rename, Delete (after a confirmation), Share or Stop sharing, and Export, for a preset ``person`` may change."""
    st.markdown(f"**{as_typed(chosen)}**")
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.text_input("New name", key="presets_new_name", max_chars=60, value=None, placeholder=preset.name)
        st.button("Rename", key="presets_rename", on_click=_rename, args=(model, person))
    if st.session_state.get(DELETE_KEY) == (model.id, chosen):
        question = f"Delete the preset “{as_typed(preset.name)}”? This cannot be undone."
        st.warning(question, icon=":material/delete_forever:")
        with st.container(horizontal=True):
            st.button(
                "Delete for good", key="presets_delete_yes", type="primary", on_click=_delete, args=(model, person)
            )
            st.button("Keep it", key="presets_delete_no", on_click=_forget, args=(DELETE_KEY,))
        return
    with st.container(horizontal=True):
        st.button("Delete", key="presets_delete", icon=":material/delete:", on_click=_ask_delete, args=(model,))
        if person.signed_in or preset.shared:
            share = "Stop sharing" if preset.shared else "Share with the team"
            st.button(share, key="presets_share_toggle", icon=":material/group:", on_click=_share, args=(model, person))
        _export_button("Export", "presets_export_one", [preset])


def _export_button(label: str, key: str, presets: list[Preset]) -> None:
    st.download_button(
        label,
        data=lambda: export_presets(presets),  # built when pressed, not on every run: it embeds every upload
        file_name=export_file_name(presets),
        mime="application/json",
        key=key,
        icon=":material/download:",
        on_click="ignore",
    )


def _rename(model: Model, person: Person) -> None:
    preset = _chosen(person, model)
    if preset is None:
        _say("manage", "error", "That preset is no longer there. Choose another one.")
        return
    new_name = st.session_state.get("presets_new_name") or ""
    try:
        renamed = preset_store().rename(model.id, preset.name, new_name, owner=preset.owner, by=person)
    except PresetError as exc:
        _say("manage", "error", str(exc))
        return
    st.session_state[choice_key(model)] = preset_label(renamed, person)
    st.session_state["presets_new_name"] = None
    _say("manage", "success", f"Renamed “{preset.name}” to “{renamed.name}”.")


def _share(model: Model, person: Person) -> None:
    preset = _chosen(person, model)
    if preset is None:
        _say("manage", "error", "That preset is no longer there. Choose another one.")
        return
    try:
        changed = preset_store().set_shared(model.id, preset.name, not preset.shared, owner=preset.owner, by=person)
    except PresetError as exc:
        _say("manage", "error", str(exc))
        return
    st.session_state[choice_key(model)] = preset_label(changed, person)
    told = "is shared with the team" if changed.shared else "is no longer shared"
    _say("manage", "success", f"The preset “{changed.name}” {told}.")


def _ask_delete(model: Model) -> None:
    st.session_state[DELETE_KEY] = (model.id, st.session_state.get(choice_key(model)))


def _delete(model: Model, person: Person) -> None:
    _model_id, label = st.session_state.pop(DELETE_KEY, (None, None))
    preset = _visible(person, model.id).get(label) if label else None
    try:
        deleted = preset is not None and preset_store().delete(model.id, preset.name, owner=preset.owner, by=person)
    except PresetError as exc:
        _say("manage", "error", str(exc))
        return
    st.session_state.pop(choice_key(model), None)
    name = preset.name if preset else label
    _say("manage", "success" if deleted else "info", f"Deleted the preset “{name}”." if deleted else "Already gone.")


def _import(key: str, person: Person) -> None:
    state = st.session_state
    uploaded = state.get(key)
    if uploaded is None:
        return
    state[IMPORTS_KEY] = state.get(IMPORTS_KEY, 0) + 1  # a fresh, empty uploader next run
    try:
        incoming = read_preset_file(uploaded.getvalue(), services.model_or_none)
        added = preset_store().add_all(incoming, owner=person.owner)  # the importer's own presets
    except PresetError as exc:
        _say("manage", "error", f"Nothing was imported. {exc}")
        return
    listed = ", ".join(f"“{p.name}” ({_model_name(p.model_id)})" for p in added)
    _say("manage", "success", f"Imported {counted(len(added), 'preset')}: {listed}.")


# --- messages -------------------------------------------------------------------------------------------------------


def _model_name(model_id: str) -> str:
    model = services.model_or_none(model_id)
    return model.name if model else model_id


def _say(where: str, kind: str, text: str) -> None:
    st.session_state[MESSAGE_KEY] = (where, kind, text)


def _forget(key: str) -> None:
    st.session_state.pop(key, None)


def _show_message(where: str) -> None:
    message = st.session_state.get(MESSAGE_KEY)
    if not message or message[0] != where:
        return
    del st.session_state[MESSAGE_KEY]
    _where, kind, text = message
    icons = {"success": ":material/check_circle:", "error": ":material/error:", "warning": ":material/info:"}
    show = {"success": st.success, "error": st.error, "warning": st.warning}.get(kind, st.info)
    show(as_typed(text), icon=icons.get(kind, ":material/info:"))
