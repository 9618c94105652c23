"""How late a decision came against a limit, stored on the case with the decision
(decision 0033): ``late_legal_days`` and ``late_promised_days``.

A decision on or before the due date is on time (0). One after it is late by the working
days from the due date to the decision (``working_days_between``), and by at least one: a
decision taken on a rest day after the due date is late although no working day passed.
A case without such a deadline (none was set) counts as on time, as the summary always
counted it. The due date is the deadline's as the decision closes it: its holidays,
clock stops and extensions are already in it, and a closed deadline no longer moves
(the calendar's recomputation takes open deadlines only; extensions and clock stops need
an open case), so the stored value stays right.
"""

import datetime as dt

from dgov.workdays.calendar import working_days_between


def days_late(decided_on: dt.date, due: dt.date | None) -> int:
    if due is None or decided_on <= due:
        return 0
    return max(working_days_between(due, decided_on), 1)
