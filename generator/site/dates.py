"""Dates the source gives, and nothing more precise than it gives.

The seeds carry no printed page date, but most news leads open with one: '10月12日，铜梁集中签约…'
(and some after a scene-setting sentence: '春节是传统的新春消费旺季。2月19日，…'). With the page
year (`year`, inferred at extraction) that is a real calendar date. A date later in the text is
about something else and is not used; a lead without a date gives None, and callers fall back
to what they can honestly say (the feed: see feeds.entry_date).
"""

from __future__ import annotations

import re
from datetime import date

LEAD_CHARS = 40
"""How far into the body a lead date may stand (after at most one short opening sentence)."""
_LEAD_DATE = re.compile(r"(?<![0-9年])(\d{1,2})月(\d{1,2})日[，,]")


def lead_date(body: str, year: int | None) -> date | None:
    """The date at the start of the body's first paragraph, in the page year."""
    if not year:
        return None
    first = next((line.strip() for line in body.splitlines() if line.strip() and not line.startswith("#")), "")
    match = _LEAD_DATE.search(first[:LEAD_CHARS])
    if not match:
        return None
    try:
        return date(int(year), int(match.group(1)), int(match.group(2)))
    except ValueError:
        return None
