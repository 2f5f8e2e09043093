"""Standardisation: turn register rows and request rows into the same linkage columns.

Both sides go through the same SQL (DuckDB dialect), so a name, a date or a postcode written differently by the
requester's system and the holder's compares as the same thing. The SQL builders are named ``*_sql`` and run in
one place (:func:`standardise_table`), as Splink does with its own SQL.

Linkage columns (``LINKAGE_COLUMNS``):

- ``forename1`` — the first given name, upper case, accents and punctuation removed (``"Mary-Jane"`` → ``MARY``);
  ``forename_group`` — the key of its (first) nickname/transliteration group (``BILL`` → ``WILLIAM``),
  ``forename_groups`` — the keys of all its groups; ``forename_sound``
  — its Metaphone code; ``middle1`` — the first middle name.
- ``surname_std`` — the surname without spaces or hyphens (``SMITH-JONES`` → ``SMITHJONES``); ``surname_parts`` —
  its parts (``[SMITH, JONES]``); ``surname_group`` and ``surname_sound`` as for forenames.
- ``dob_str`` (``YYYY-MM-DD``), ``dob_swapped`` (day and month exchanged, when that is a real date), ``dob_year``.
- ``sex`` (``M``, ``F`` or null), ``postcode_std`` (``B12 9QX``), ``postcode_sector`` (``B12 9``),
  ``postcode_district`` (``B12``).
- ``address_number`` (``20``), ``address_street`` (``VICTORIA ROAD``), ``address_town`` (``HUDDERSFIELD``) from
  an address such as ``Flat 3, 20 Victoria Road, Huddersfield``: the street is the first comma-separated part
  that starts with a house number, the town the last part. An address on one line without commas
  (``20 Victoria Road Huddersfield``) is split after the street's type word (``ROAD``, ``STREET``, ``CLOSE``…, not
  the street's first word: ``20 St Johns Road``), so that it compares as the comma form does; a postcode written
  at the end of a part is dropped (it is compared as the postcode). Blank when the batch has no address.
"""

from __future__ import annotations

from functools import cache
from importlib.resources import files

import duckdb
import jellyfish
import pyarrow as pa

__all__ = ["LINKAGE_COLUMNS", "name_variant_groups", "standardise_table"]

LINKAGE_COLUMNS = (
    "unique_id",
    "forename1",
    "forename_group",
    "forename_groups",
    "forename_sound",
    "middle1",
    "surname_std",
    "surname_parts",
    "surname_group",
    "surname_groups",
    "surname_sound",
    "dob_str",
    "dob_swapped",
    "dob_year",
    "sex",
    "postcode_std",
    "postcode_sector",
    "postcode_district",
    "address_number",
    "address_street",
    "address_town",
)

# Letters that Unicode does not decompose into a base letter plus an accent, so strip_accents leaves them.
_UNDECOMPOSED = {
    "Ł": "L",
    "Ø": "O",
    "ẞ": "SS",
    "ß": "SS",
    "Æ": "AE",
    "Œ": "OE",
    "Đ": "D",
    "Ħ": "H",
    "İ": "I",
    "I": "I",
    "Þ": "TH",
    "Ð": "D",
}


def _clean_name_sql(column: str) -> str:
    """Upper case, accents off, hyphens and dots to spaces, anything but letters and spaces dropped."""
    expr = f"upper(strip_accents(coalesce({column}, '')))"
    for letter, plain in _UNDECOMPOSED.items():
        expr = f"replace({expr}, '{letter}', '{plain}')"
    expr = f"regexp_replace({expr}, '[-_./,]', ' ', 'g')"
    expr = f"regexp_replace({expr}, '[^A-Z ]', '', 'g')"
    return f"nullif(trim(regexp_replace({expr}, ' +', ' ', 'g')), '')"


def _postcode_sql(column: str) -> str:
    """Postcode letters and digits only, upper case, with one space before the inward code."""
    compact = f"regexp_replace(upper(coalesce({column}, '')), '[^A-Z0-9]', '', 'g')"
    return (
        f"CASE WHEN length({compact}) BETWEEN 5 AND 7 "
        f"THEN left({compact}, length({compact}) - 3) || ' ' || right({compact}, 3) "
        f"ELSE nullif({compact}, '') END"
    )


# The address's comma-separated parts, upper case, accents off, anything but letters, digits and spaces dropped,
# a UK postcode at the end of a part dropped (``…, Huddersfield HD1 2AB`` or a part that is only the postcode).
_ADDRESS_CLEANED = "regexp_replace(upper(strip_accents(coalesce(address, ''))), '[^A-Z0-9, ]', ' ', 'g')"
_POSTCODE_AT_END = "(^| )[A-Z]{1,2}[0-9][A-Z0-9]? ?[0-9][A-Z]{2}$"
_ADDRESS_PARTS_SQL = (
    f"list_filter(list_transform(string_split({_ADDRESS_CLEANED}, ','), "
    f"lambda p: trim(regexp_replace(trim(regexp_replace(p, ' +', ' ', 'g')), '{_POSTCODE_AT_END}', ''))), "
    "lambda p: p <> '')"
)
# Street type words, after which a one-line address's town begins (UK and Australian usage, with abbreviations).
STREET_TYPES = (
    "ROAD RD STREET ST AVENUE AVE LANE LN CLOSE CL DRIVE DR WAY COURT CT CRESCENT CRES PLACE PL GROVE GARDENS GDNS "
    "TERRACE TCE SQUARE SQ MEWS WALK RISE PARADE CIRCUIT BOULEVARD HIGHWAY PARKWAY"
).split()
# A one-line address: perhaps a flat, then house number, at least one word of street name, the type word, then
# (optionally) the town.
_ONE_LINE = (
    "^(?:(?:FLAT|APARTMENT|APT|UNIT) [0-9]+[A-Z]? )?"
    f"([0-9]+[A-Z]? [A-Z0-9]+(?: [A-Z0-9]+)*? (?:{'|'.join(STREET_TYPES)}))(?: (.+))?$"
)


def cleaned_sql(source: str, *, id_column: str) -> str:
    """First pass: clean names, dates, sex and postcode of ``source`` (a table of text columns)."""
    return f"""
    SELECT
        CAST({id_column} AS VARCHAR) AS unique_id,
        {_clean_name_sql("forename")} AS forename_clean,
        {_clean_name_sql("middle_names")} AS middle_clean,
        {_clean_name_sql("surname")} AS surname_clean,
        try_strptime(trim(CAST(dob AS VARCHAR)), '%Y-%m-%d')::DATE AS dob_date,
        CASE upper(trim(coalesce(sex, '')))
            WHEN 'M' THEN 'M' WHEN 'MALE' THEN 'M' WHEN 'F' THEN 'F' WHEN 'FEMALE' THEN 'F' END AS sex,
        {_postcode_sql("postcode")} AS postcode_std,
        {_ADDRESS_PARTS_SQL} AS address_parts
    FROM {source}
    """


def linkage_columns_sql(cleaned: str) -> str:
    """Second pass: derive the linkage columns from the cleaned table (groups and sounds joined later)."""
    return f"""
    SELECT
        unique_id,
        nullif(split_part(forename_clean, ' ', 1), '') AS forename1,
        nullif(split_part(middle_clean, ' ', 1), '') AS middle1,
        nullif(replace(surname_clean, ' ', ''), '') AS surname_std,
        CASE WHEN surname_clean IS NULL THEN NULL ELSE string_split(surname_clean, ' ') END AS surname_parts,
        strftime(dob_date, '%Y-%m-%d') AS dob_str,
        CASE WHEN day(dob_date) <= 12 AND day(dob_date) <> month(dob_date)
             THEN strftime(make_date(year(dob_date), day(dob_date), month(dob_date)), '%Y-%m-%d') END
            AS dob_swapped,
        year(dob_date) AS dob_year,
        sex,
        postcode_std,
        CASE WHEN regexp_matches(postcode_std, '^[A-Z]{{1,2}}[0-9][A-Z0-9]? [0-9][A-Z]{{2}}$')
             THEN left(postcode_std, length(postcode_std) - 2) END AS postcode_sector,
        CASE WHEN regexp_matches(postcode_std, '^[A-Z]{{1,2}}[0-9][A-Z0-9]? [0-9][A-Z]{{2}}$')
             THEN split_part(postcode_std, ' ', 1) END AS postcode_district,
        nullif(regexp_extract(street_part, '^([0-9]+[A-Z]?) ', 1), '') AS address_number,
        nullif(trim(regexp_replace(street_part, '^[0-9]+[A-Z]? ', '')), '') AS address_street,
        CASE WHEN len(address_parts) > 1 THEN address_parts[len(address_parts)]
             ELSE nullif(regexp_extract(address_parts[1], '{_ONE_LINE}', 2), '') END AS address_town
    FROM (
        SELECT *,
            CASE WHEN len(address_parts) = 1 AND regexp_matches(address_parts[1], '{_ONE_LINE}')
                 THEN regexp_extract(address_parts[1], '{_ONE_LINE}', 1)
                 ELSE coalesce(
                    list_filter(address_parts, lambda p: regexp_matches(p, '^[0-9]+[A-Z]? [A-Z]'))[1],
                    address_parts[1]
                 ) END AS street_part
        FROM {cleaned}
    )
    """


def with_groups_and_sounds_sql(base: str, lookup: str) -> str:
    """Third pass: add each name's variant-group key and Metaphone code from the ``lookup`` table."""
    columns = ", ".join(
        {
            "forename_group": "coalesce(fg.group_key, b.forename1) AS forename_group",
            "forename_groups": "coalesce(fg.group_keys, [b.forename1]) AS forename_groups",
            "forename_sound": "fg.sound AS forename_sound",
            "surname_group": "coalesce(sg.group_key, b.surname_std) AS surname_group",
            "surname_groups": "coalesce(sg.group_keys, [b.surname_std]) AS surname_groups",
            "surname_sound": "sg.sound AS surname_sound",
        }.get(c, f"b.{c}")
        for c in LINKAGE_COLUMNS
    )
    return f"""
    SELECT {columns}
    FROM {base} AS b
    LEFT JOIN {lookup} AS fg ON fg.name = b.forename1
    LEFT JOIN {lookup} AS sg ON sg.name = b.surname_std
    """


@cache
def name_variant_groups() -> dict[str, tuple[str, ...]]:
    """Each known name variant → the keys of every group it belongs to, from ``data/name_variants.txt``.

    The first key is the name's primary group (used to find candidates); all of them count when comparing
    (``CHARLIE`` is in both CHARLES and CHARLOTTE).
    """
    groups: dict[str, tuple[str, ...]] = {}
    text = files("sharelog.linkage").joinpath("data/name_variants.txt").read_text(encoding="utf-8")
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if not line or ":" not in line:
            continue
        key, _, rest = line.partition(":")
        members = [key, *rest.split(",")]
        group_key = key.strip().replace(" ", "")
        for member in members:
            name = "".join(ch for ch in member.upper() if "A" <= ch <= "Z")
            if name and group_key not in groups.get(name, ()):
                groups[name] = (*groups.get(name, ()), group_key)
    return groups


def _name_lookup(con: duckdb.DuckDBPyConnection, base: str) -> pa.Table:
    """Group key and sound for every distinct forename and surname in ``base`` (names are few; rows many)."""
    names = con.sql(
        f"SELECT forename1 AS name FROM {base} WHERE forename1 IS NOT NULL "
        f"UNION SELECT surname_std FROM {base} WHERE surname_std IS NOT NULL"
    ).fetchall()
    groups = name_variant_groups()
    values = sorted(row[0] for row in names)
    return pa.table(
        {
            "name": values,
            "group_key": [groups[name][0] if name in groups else None for name in values],
            "group_keys": [list(groups[name]) if name in groups else None for name in values],
            "sound": [jellyfish.metaphone(name) or None for name in values],
        }
    )


def standardise_table(con: duckdb.DuckDBPyConnection, *, source: str, id_column: str, target: str) -> int:
    """Create table ``target`` holding the linkage columns of ``source``; return its row count.

    Args:
        con: the DuckDB connection holding ``source``.
        source: a table or view with the schema's text columns (``forename``, ``surname``, ``dob``…).
        id_column: ``pupil_id`` for a register, ``request_id`` for a request batch.
        target: the name of the table to create (replaced if it exists).
    """
    cleaned, base, lookup = f"{target}__cleaned", f"{target}__base", f"{target}__names"
    columns = {row[0] for row in con.sql(f"DESCRIBE {source}").fetchall()}
    if "address" not in columns:  # the address is optional in both schemas
        source = f"(SELECT *, CAST(NULL AS VARCHAR) AS address FROM {source})"
    con.execute(f"CREATE OR REPLACE TEMP TABLE {cleaned} AS {cleaned_sql(source, id_column=id_column)}")
    con.execute(f"CREATE OR REPLACE TEMP TABLE {base} AS {linkage_columns_sql(cleaned)}")
    names = _name_lookup(con, base)
    con.register(lookup, names)
    con.execute(f"CREATE OR REPLACE TABLE {target} AS {with_groups_and_sounds_sql(base, lookup)}")
    con.unregister(lookup)
    con.execute(f"DROP TABLE {cleaned}; DROP TABLE {base}")
    count = con.sql(f"SELECT count(*) FROM {target}").fetchall()[0][0]
    return int(count)
