"""The Team page's pieces: the members table, adding a member, changing or removing one, and the team's amount above
which a press asks first.

Every change goes through ``MemberStore`` in a button's callback, so the table drawn after it already shows it. A
``MemberError`` is written for people and is shown as it is; the page says what was done in one line.
"""

from __future__ import annotations

import streamlit as st

from videostudio.team.members import ADMINS_VARIABLE, Member, MemberError, MemberStore
from videostudio.team.people import Person
from videostudio.team.roles import Role

NOTICE = "team_notice"  # (kind, text) of the last change, shown once above the table
ROLES = [role.value for role in Role]
NO_LIMIT = "No limit"


def _role_words(value: str) -> str:
    return Role(value).sheet.words


def _dollars(value: float | None) -> str:
    return NO_LIMIT if value is None else f"${value:,.2f}"


def _tell(kind: str, text: str) -> None:
    st.session_state[NOTICE] = (kind, text)


def show_notice() -> None:
    """What the last change did (or why it could not be done), once."""
    notice = st.session_state.pop(NOTICE, None)
    if notice is None:
        return
    kind, text = notice
    if kind == "error":
        st.error(text, icon=":material/error:")
    else:
        st.success(text, icon=":material/check:")


def members_table(members: list[Member]) -> None:
    rows = [
        {
            "Email": m.email,
            "Role": m.role.sheet.words,
            "Daily limit": _dollars(m.daily_usd),
            "Monthly limit": _dollars(m.monthly_usd),
            "Added by": ADMINS_VARIABLE if m.from_environment else (m.added_by or ""),
            "Added": m.added_at,
            "Environment admin": m.from_environment,
        }
        for m in members
    ]
    st.dataframe(
        rows,
        hide_index=True,
        key="team_members_table",
        column_config={
            "Added": st.column_config.DatetimeColumn("Added", format="YYYY-MM-DD HH:mm"),
            "Environment admin": st.column_config.CheckboxColumn(
                "Environment admin", help=f"Named in {ADMINS_VARIABLE}: always an admin, removed only from there"
            ),
        },
    )


def _limit_inputs(prefix: str, daily: float | None, monthly: float | None) -> None:
    for name, label, value in (("daily", "Daily limit ($)", daily), ("monthly", "Monthly limit ($)", monthly)):
        st.number_input(
            label,
            min_value=0.0,
            value=value,
            step=1.0,
            format="%.2f",
            placeholder=NO_LIMIT,
            key=f"{prefix}_{name}",
            help="Dollars this person may spend; leave empty for no limit",
        )


def _add(store: MemberStore, by: Person) -> None:
    email = str(st.session_state.get("team_add_email") or "").strip()
    try:
        member = store.add(
            email,
            Role(st.session_state["team_add_role"]),
            daily_usd=st.session_state.get("team_add_daily"),
            monthly_usd=st.session_state.get("team_add_monthly"),
            added_by=by.email or None,
        )
    except MemberError as problem:
        _tell("error", str(problem))
        return
    _tell("success", f"Added {member.email} as {member.role.sheet.words.lower()}.")
    for name in ("email", "daily", "monthly"):
        st.session_state.pop(f"team_add_{name}", None)


def add_member(store: MemberStore, by: Person) -> None:
    with st.expander("Add a member", icon=":material/person_add:"), st.container(key="team_add"):
        st.text_input("Email", key="team_add_email", placeholder="name@example.com")
        st.selectbox("Role", ROLES, index=ROLES.index(Role.CREATOR.value), format_func=_role_words, key="team_add_role")
        _limit_inputs("team_add", None, None)
        st.button(
            "Add", type="primary", icon=":material/person_add:", key="team_add_button", on_click=_add, args=(store, by)
        )


def _change(store: MemberStore, email: str) -> None:
    prefix = f"team_change__{email}"
    try:
        member = store.set(
            email,
            role=Role(st.session_state[f"{prefix}_role"]),
            daily_usd=st.session_state.get(f"{prefix}_daily"),
            monthly_usd=st.session_state.get(f"{prefix}_monthly"),
        )
    except MemberError as problem:
        _tell("error", str(problem))
        return
    words = f"{member.role.sheet.words}, daily {_dollars(member.daily_usd)}, monthly {_dollars(member.monthly_usd)}"
    _tell("success", f"Changed {member.email}: {words}.")


def _remove(store: MemberStore, email: str) -> None:
    st.session_state.pop("team_removing", None)
    try:
        store.remove(email)
    except MemberError as problem:
        _tell("error", str(problem))
        return
    st.session_state.pop("team_change_who", None)
    _tell("success", f"Removed {email}. They can no longer sign in to this studio.")


def _ask_remove(email: str) -> None:
    st.session_state["team_removing"] = email


def _keep(email: str) -> None:
    st.session_state.pop("team_removing", None)


def change_member(store: MemberStore, members: list[Member]) -> None:
    """Change a member's role or limits, or remove them (asks first)."""
    if not members:
        return
    with st.expander("Change or remove a member", icon=":material/manage_accounts:"):
        emails = [m.email for m in members]
        email = st.selectbox("Member", emails, key="team_change_who")
        member = next((m for m in members if m.email == email), members[0])
        prefix = f"team_change__{member.email}"
        st.selectbox("Role", ROLES, index=ROLES.index(member.role.value), format_func=_role_words, key=f"{prefix}_role")
        _limit_inputs(prefix, member.daily_usd, member.monthly_usd)
        with st.container(horizontal=True):
            st.button(
                "Save",
                type="primary",
                icon=":material/save:",
                key="team_change_save",
                on_click=_change,
                args=(store, member.email),
            )
            st.button(
                "Remove", icon=":material/person_remove:", key="team_remove", on_click=_ask_remove, args=(member.email,)
            )
        if st.session_state.get("team_removing") == member.email:
            st.warning(f"Remove {member.email}? They will no longer be able to sign in; their jobs stay.")
            with st.container(horizontal=True):
                st.button(
                    "Yes, remove", type="primary", key="team_remove_yes", on_click=_remove, args=(store, member.email)
                )
                st.button("Keep them", key="team_remove_no", on_click=_keep, args=(member.email,))


def _set_confirm_amount(store: MemberStore) -> None:
    amount = st.session_state.get("team_confirm_above")
    try:
        store.set_confirm_above_usd(float(amount if amount is not None else -1))
    except MemberError as problem:
        _tell("error", str(problem))
        return
    _tell("success", f"A press above ${float(amount):,.2f} now asks once before sending.")


def confirm_amount(store: MemberStore) -> None:
    """The team-wide "Ask before a press above $X" amount."""
    with st.container(horizontal=True, vertical_alignment="bottom"):
        st.number_input(
            "Ask before a press above ($)",
            min_value=0.0,
            value=store.confirm_above_usd(),
            step=1.0,
            format="%.2f",
            key="team_confirm_above",
            help="A Generate press that costs more than this asks once, for everyone on the team",
        )
        st.button(
            "Save amount", icon=":material/save:", key="team_confirm_save", on_click=_set_confirm_amount, args=(store,)
        )
