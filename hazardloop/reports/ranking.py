"""Ranking the regions of a statistics table (`stats.Row`s) by one indicator: the dashboards,
the daily report and the big screen rank the same way."""

# Indicators a ranking may use: name → (higher is better).
RANKABLE = {
    "coverage": True,
    "rectification_rate": True,
    "on_time_rate": True,
    "self_inspection_rate": True,
    "overdue_per_100_units": False,
    "hazards_per_100_units": True,
    "accidents": False,
    "accident_deaths": False,
    "lapsed_duty_rate": False,
}


def rank_rows(rows: list, indicator: str) -> None:
    """Rank by a normalised indicator (best first, ties share a rank); rows without a value
    (no units in scope, nothing to measure) are left unranked."""
    higher_better = RANKABLE[indicator]
    # Each row's value worked out once (a row's rates are computed from its counts on demand).
    values = [(row, None if row.own else row.rates[indicator]) for row in rows]
    valued = [(row, value) for row, value in values if value is not None]
    valued.sort(key=lambda rv: (-rv[1] if higher_better else rv[1], rv[0].code))
    previous, rank = None, 0
    for i, (row, value) in enumerate(valued, start=1):
        if value != previous:
            rank, previous = i, value
        row.rank = rank
    for row, value in values:
        if value is None:
            row.rank = None


def ranked(stats) -> list:
    return ranked_rows(stats.rows)


def ranked_rows(rows: list) -> list:
    """Best rank first, then the unranked regions, the "directly under" row last."""
    return sorted(rows, key=lambda r: (r.own, r.rank is None, r.rank or 0, r.code))
