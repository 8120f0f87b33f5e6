"""Every Rich view and message for a person: results in, nothing read or decided here.

Each function takes the UI and a result from a use case (commands/) and draws it.
User and content text always goes through `user_text` (inert, never markup).
"""

from __future__ import annotations

# --- journal, import, export, restore, reset -------------------------------------------


# --- no contact, check-ins, status, where, content -----------------------------------


# --- start, doctor, help-now, safety plan -------------------------------------------------
