"""One scope's part of a filtered list (the timeline, a person's quotes), as SQL pieces.

Lists merge a slice per scope read (the shipped story, then the guild's own), each read in
(date, id) order and cut at the page, so a page costs the same however much a guild holds.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.store import searching

# A search reads only the most recently added `:candidates` rows of its scope and kind that
# hold every word (FTS5 walks the scope's own terms, newest first, and stops there), once
# per statement into hits_{scope parameter}, and filters those: its cost is bounded by the
# budget, not by how much the guild holds.
_CANDIDATES = """hits_{name} AS MATERIALIZED (SELECT rowid / 2 AS hit FROM search_fts
    WHERE search_fts MATCH :match_{name} ORDER BY rowid DESC LIMIT :candidates)"""


@dataclass(frozen=True)
class Slice:
    """One scope's part of a filtered list: (date, id) pairs read in order from one index, or
    with a search, from the scope's candidates looked up by id and sorted."""

    where: str  # with a {name} placeholder: the parameter that holds the scope
    id_column: str
    params: dict
    search: tuple[str, tuple[str, ...]] | None = None  # (kind, words) the rows must hold

    @classmethod
    def of(
        cls, table: str, id_column: str, conditions: str, params: dict, search: tuple | None
    ) -> Slice:
        """`table`'s rows of the scope that meet `conditions` (and hold the search's words)."""
        rows = table
        if search is not None:
            rows = f"hits_{{name}} AS hits CROSS JOIN {table} ON {table}.{id_column} = hits.hit"
        return cls(
            f"FROM {rows} WHERE scope = :{{name}} AND {conditions}", id_column, params, search
        )

    def condition(self, name: str) -> str:
        """The slice's FROM … WHERE for the scope held by the parameter `name`."""
        return self.where.format(name=name)

    def sql(self, name: str, keyset: str = "") -> str:
        return f"SELECT date, {self.id_column} AS id {self.condition(name)}{keyset}"

    def params_for(self, scope: int, candidates: int) -> dict:
        """Each scope read, and with a search its FTS query: its own terms only."""
        params: dict = scope_params(scope)
        if self.search is not None:
            kind, words = self.search
            params["candidates"] = candidates
            for name, value in scope_params(scope).items():
                params["match_" + name] = searching.match(kind, value, words)
        return params

    def ctes(self, scope: int) -> str:
        """The statement's common table expressions: each scope's candidates ("" for none)."""
        if self.search is None:
            return ""
        return ", ".join(_CANDIDATES.format(name=name) for name in scope_params(scope))

    def capped(self, scope: int) -> str:
        """SQL: true when the budget left some scope's older matches out."""
        if self.search is None:
            return "0"
        return " OR ".join(
            f"(SELECT count(*) FROM hits_{name}) >= :candidates" for name in scope_params(scope)
        )


def scope_params(scope: int) -> dict[str, int]:
    return {f"scope{i}": value for i, value in enumerate(searching.scopes(scope))}
