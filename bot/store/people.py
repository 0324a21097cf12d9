"""Write transactions for a guild's own people (/addperson, /editperson, /removeperson).

Each change and its audit row commit together. The caller (the store) has already checked the
names and the guild's room against the people in memory, under the same write lock.
"""

from __future__ import annotations

import json

import aiosqlite

from bot.models import SHIPPED, Person, PersonRemoval, PersonUsage
from bot.people import slug_for
from bot.store import reads, rows
from bot.store.db import transaction
from bot.store.writes import audit, now, quote_snapshot


def person_snapshot(person: Person) -> dict:
    return {
        "name": person.name,
        "slug": person.slug,
        "role": person.role,
        "aliases": list(person.aliases),
        "kind": person.kind,
    }


async def add_person(
    conn: aiosqlite.Connection,
    scope: int,
    actor_id: int | None,
    name: str,
    role: str,
    aliases: tuple[str, ...],
    kind: str,
) -> Person:
    async with transaction(conn):
        found = await conn.execute_fetchall(
            """INSERT INTO people (scope, slug, name, role, aliases, kind)
            VALUES (?, ?, ?, ?, ?, ?) RETURNING *""",
            (scope, slug_for(name), name, role, json.dumps(list(aliases)), kind),
        )
        person = rows.person(found[0])
        await audit(
            conn, scope, actor_id, "add", "person", person.id, None, person_snapshot(person)
        )
    return person


async def own_person(conn: aiosqlite.Connection, scope: int, person_id: int) -> Person | None:
    """One of the guild's own people (never a shipped one)."""
    if scope == SHIPPED:
        return None
    found = await conn.execute_fetchall(
        "SELECT * FROM people WHERE id = ? AND scope = ?", (person_id, scope)
    )
    return rows.person(found[0]) if found else None


async def edit_person(
    conn: aiosqlite.Connection, scope: int, actor_id: int | None, person_id: int, fields: dict
) -> Person | None:
    """Apply `fields` (name, role, aliases, kind) to one of the guild's own people."""
    async with transaction(conn):
        before = await own_person(conn, scope, person_id)
        if before is None:
            return None
        name = fields.get("name", before.name)
        found = await conn.execute_fetchall(
            """UPDATE people SET slug = ?, name = ?, role = ?, aliases = ?, kind = ?
            WHERE id = ? RETURNING *""",
            (
                slug_for(name),
                name,
                fields.get("role", before.role),
                json.dumps(list(fields.get("aliases", before.aliases))),
                fields.get("kind", before.kind),
                person_id,
            ),
        )
        after = rows.person(found[0])
        await audit(
            conn,
            scope,
            actor_id,
            "edit",
            "person",
            person_id,
            person_snapshot(before),
            person_snapshot(after),
        )
    return after


async def person_usage(conn: aiosqlite.Connection, person_id: int) -> PersonUsage:
    """Every link to the person: only their own guild can link or quote them."""
    found = await conn.execute_fetchall(
        """SELECT (SELECT count(*) FROM entry_people WHERE person_id = :id),
            (SELECT count(*) FROM quotes WHERE person_id = :id)""",
        {"id": person_id},
    )
    return PersonUsage(*found[0])


async def remove_person(
    conn: aiosqlite.Connection,
    people_by_id: dict[int, Person],
    scope: int,
    actor_id: int | None,
    person_id: int,
    expected: PersonUsage,
) -> PersonRemoval | None:
    """Remove the person, their links and their quotes, if their usage is still `expected`.

    The audit row keeps what went: the person, the updates their name came off and the
    quotes deleted, in full.
    """
    async with transaction(conn):
        person = await own_person(conn, scope, person_id)
        if person is None:
            return None
        usage = await person_usage(conn, person_id)
        if usage != expected:
            return PersonRemoval(person, usage, removed=False)
        entry_ids = [
            row[0]
            for row in await conn.execute_fetchall(
                "SELECT entry_id FROM entry_people WHERE person_id = ? ORDER BY entry_id",
                (person_id,),
            )
        ]
        quotes = await conn.execute_fetchall(
            f"""SELECT {reads.QUOTE_COLUMNS} FROM quotes q LEFT JOIN sources s ON s.id = q.source_id
            WHERE q.person_id = ? ORDER BY q.id""",
            (person_id,),
        )
        removed_quotes = [
            {"id": row["id"], **quote_snapshot(rows.quote(row, people_by_id))} for row in quotes
        ]
        # Children first: the counters' triggers keep the totals right as the rows go.
        await conn.execute("DELETE FROM entry_people WHERE person_id = ?", (person_id,))
        await conn.execute("DELETE FROM quotes WHERE person_id = ?", (person_id,))
        await conn.execute(
            "UPDATE entries SET edited_at = ? WHERE id IN (SELECT value FROM json_each(?))",
            (now(), json.dumps(entry_ids)),
        )
        for table in ("person_entry_counts", "person_quote_counts"):
            await conn.execute(f"DELETE FROM {table} WHERE person_id = ?", (person_id,))
        await conn.execute("DELETE FROM people WHERE id = ?", (person_id,))
        before = {**person_snapshot(person), "entries": entry_ids, "quotes": removed_quotes}
        await audit(conn, scope, actor_id, "remove", "person", person_id, before, None)
    return PersonRemoval(person, usage, removed=True)
