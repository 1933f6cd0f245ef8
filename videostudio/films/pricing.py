"""The price of making a film: everything not made yet, each part's price and the total, dollars first.

Pure module (no Streamlit). A shot is priced as Generate prices its form (``form/run_price``: the catalogue's quote,
else the median of this person's past runs of the model), a narration by the speech model's price for its text, the
music by the music model's price for its length. A total with a part the studio can't price before the run says so.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from videostudio.catalogue.pricing import cost_text, money
from videostudio.films.plan import FilmPlan, to_press
from videostudio.films.shots import FindModel, ShotError, shot_price
from videostudio.films.sounds import Sounds
from videostudio.films.store import MUSIC_PART
from videostudio.storage.base import MediaStorage
from videostudio.team.limits import PressCost

PastCosts = Callable[[str], Sequence[float]]  # a model's past costs on this backend, newest first


@dataclass(frozen=True)
class QuoteLine:
    """One part to make and its price."""

    what: str  # "Shot 2 (Kling 2.1)", "Narration of shot 2", "Music"
    usd: float | None  # None: not known before it is made
    detail: str  # how it was reached


@dataclass(frozen=True)
class FilmQuote:
    """What Make the film would make, and what it costs."""

    lines: tuple[QuoteLine, ...]
    loading: bool = False  # the catalogue's prices are still on their way

    @property
    def total_usd(self) -> float | None:
        """The sum of every part; None when one is not known before it is made."""
        if any(line.usd is None for line in self.lines):
            return None
        return sum(line.usd or 0.0 for line in self.lines)

    @property
    def known_usd(self) -> float:
        return sum(line.usd or 0.0 for line in self.lines)

    @property
    def cost(self) -> PressCost:
        """The press as the spending limits see it: its whole price, once (``team/limits.refusal``)."""
        return PressCost(self.total_usd, 1, loading=self.loading)

    @property
    def text(self) -> str:
        """ "$1.35 · 2,700,000 credits", "at least $0.90 · …, and a part priced after the run", "Nothing to make"."""
        if not self.lines:
            return "Nothing new to make: every part is made"
        total = self.total_usd
        if total is not None:
            return cost_text(total)
        unknown = sum(1 for line in self.lines if line.usd is None)
        parts = "a part" if unknown == 1 else f"{unknown} parts"
        if not self.known_usd:
            return f"Priced after the run ({parts})"
        return f"at least {cost_text(self.known_usd)}, and {parts} priced after the run"


def quote_film(
    plan: FilmPlan,
    *,
    find_model: FindModel,
    storage: MediaStorage,
    sounds: Sounds | None,
    past_costs: PastCosts,
    loading: bool = False,
) -> FilmQuote:
    """The price of every part a press of Make the film would make now."""
    lines: list[QuoteLine] = []
    for part, shot in to_press(plan):
        if shot is not None:
            lines.append(_shot_line(plan, shot.id, find_model, storage, past_costs, loading))
        elif part.part == MUSIC_PART and plan.film.music is not None:
            price = sounds.music_price(plan.film.music) if sounds is not None else None
            usd = price.usd if price is not None else None
            lines.append(QuoteLine("Music", usd, f"{plan.film.music.seconds:g} s of music"))
        else:
            number, narration = next((s.number, s.shot.narration) for s in plan.shots if s.narration is part)
            assert narration is not None
            price = sounds.narration_price(narration) if sounds is not None else None
            usd = price.usd if price is not None else None
            seconds = f"about {price.seconds:.0f} s of speech" if price and price.seconds else "speech"
            lines.append(
                QuoteLine(f"Narration of shot {number}", usd, f"{seconds}, {len(narration.text):,} characters")
            )
    return FilmQuote(tuple(lines), loading=loading)


def _shot_line(
    plan: FilmPlan, shot_id: str, find_model: FindModel, storage: MediaStorage, past_costs: PastCosts, loading: bool
) -> QuoteLine:
    shot = next(s for s in plan.shots if s.shot.id == shot_id)
    model = find_model(shot.shot.model_id)
    what = f"Shot {shot.number}" + (f" ({model.name})" if model else "")
    if model is None:
        return QuoteLine(what, None, "its model is not in the catalogue")
    try:
        price = shot_price(shot.shot, model, storage, past_usd=past_costs(model.id), loading=loading)
    except ShotError as exc:
        return QuoteLine(what, None, str(exc))
    return QuoteLine(what, price.usd, price.detail if price.usd is not None else price.text)


def line_text(line: QuoteLine) -> str:
    return money(line.usd) if line.usd is not None else "priced after the run"
