"""Events the areas announce for other areas to act on (blinker signals, as Flask itself uses).

A service sends its signal inside the transaction of the change it made; receivers add to the
same transaction (a notice, a mail in the outbox) and never commit, so the change and its effects
are stored together or not at all. The rounds and library areas announce; notifications listens
(`leernetwerk/notifications/events.py`), so neither imports notifications.
"""

from __future__ import annotations

from blinker import Namespace

_events = Namespace()

# sender: the ThematicTable; users=the people just seated at it
members_seated = _events.signal("members-seated")
# sender: the SupportRequest
support_requested = _events.signal("support-requested")
support_answered = _events.signal("support-answered")
# sender: the DeliverableVersion; review_done also carries approved=bool
review_requested = _events.signal("review-requested")
review_done = _events.signal("review-done")
version_published = _events.signal("version-published")
# sender: the Question whose state changed; before=the state it had
question_moved = _events.signal("question-moved")
# sender: the Question; deliverables=the published end products just linked as its answer
question_answered = _events.signal("question-answered")
