"""Hints the domain gives the storage about a statement, as SQLAlchemy execution options.

`RESULT_UNUSED`: the caller reads nothing of the statement's result (no rows, row count or last row id). The
storage may then send it with the transaction's next statement or its commit, and any error it meets is raised
there instead (on SQLite that saves a trip to the driver's thread: server/sqlite_one_hop.py). Only for a
statement whose failure fails the whole transaction anyway, as the send flush's INSERT and the presence upsert
do; not for one followed in its transaction by a savepoint that catches the same kind of error (the error
could be raised from that savepoint's start). Inside a savepoint nothing is held.
"""

from __future__ import annotations

RESULT_UNUSED = "alongside_result_unused"
