"""SqliteStore's methods for a guild's own people (bot.store.people holds their SQL): mixed into
SqliteStore. Names and room are checked against the people in memory under the write lock,
and memory is updated under it too, so two moderators adding at once cannot both pass.
"""

from __future__ import annotations

from bot.models import Person, PersonChanges, PersonRemoval, PersonUsage, changed_fields
from bot.store import people


class PeopleOnSqlite:
    async def add_person(
        self,
        guild_id: int,
        actor_id: int | None,
        *,
        name: str,
        role: str,
        aliases: tuple[str, ...],
        kind: str,
    ) -> Person:
        async with self._writing() as conn:
            self._check_room_for_person(guild_id)
            self._check_new_names(guild_id, name, aliases)
            person = await people.add_person(conn, guild_id, actor_id, name, role, aliases, kind)
            self._remember_person(person)
        return person

    async def edit_person(
        self, guild_id: int, actor_id: int | None, person_id: int, changes: PersonChanges
    ) -> Person | None:
        fields = changed_fields(changes)
        async with self._writing() as conn:
            current = self.person(guild_id, person_id)
            if current is None or current.shipped:
                return None
            name = fields.get("name", current.name)
            aliases = fields.get("aliases", current.aliases)
            self._check_new_names(guild_id, name, aliases, exclude=person_id)
            person = await people.edit_person(conn, guild_id, actor_id, person_id, fields)
            if person is not None:
                self._remember_person(person)
        return person

    async def person_usage(self, guild_id: int, person_id: int) -> PersonUsage | None:
        person = self.person(guild_id, person_id)
        if person is None or person.shipped:
            return None
        async with self._reading() as conn:
            return await people.person_usage(conn, person_id)

    async def remove_person(
        self, guild_id: int, actor_id: int | None, person_id: int, expected: PersonUsage
    ) -> PersonRemoval | None:
        async with self._writing() as conn:
            removal = await people.remove_person(
                conn, self._people_by_id, guild_id, actor_id, person_id, expected
            )
            if removal is not None and removal.removed:
                self._forget_person(removal.person)
        return removal
