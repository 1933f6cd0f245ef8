"""Team: the studio's members, their roles and limits, and the amount above which a press asks first."""

import streamlit as st

from components.shell.identity import current_person, member_store, sign_in_configured
from components.shell.router import ensure_router
from components.team.members import add_member, change_member, confirm_amount, members_table, show_notice
from components.team.spending import team_spending

ensure_router()

person = current_person()
if person is None or not sign_in_configured() or not person.sheet.manages_team:
    # The navigation shows this page only to admins of a studio with sign-in; this is for anyone who types the URL.
    st.error("Only an admin of a team studio manages its members.", icon=":material/lock:")
    st.stop()

st.title("Team", anchor=False)
st.caption("Who may sign in, what each person may do, and how much they may spend.")
store = member_store()
members = store.all()
show_notice()
members_table(members)
team_spending()  # each person's spending (issue 17, limits)
add_member(store, by=person)
change_member(store, members)
st.subheader("Confirmation", anchor=False)
confirm_amount(store)
