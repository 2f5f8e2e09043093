"""People who are not in the register: unregistered siblings, cousins, and strangers.

They are the hard part of a trace request: a sibling shares a registered pupil's surname, address and postcode;
a cousin shares the surname and sometimes the forename, with a birth date close by. A matcher that leans on
surname and postcode alone will "find" them.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from sharelog.synth._households import DOB_FIRST, DOB_LAST, Register
from sharelog.synth._names import CULTURES, FEMALE, MALE, NameBook, ascii_fold
from sharelog.synth._people import AddressBook, Dice, Person

__all__ = ["Relatives"]

_EPOCH = dt.date(1970, 1, 1)
_PRESCHOOL = (dt.date(2014, 9, 1), dt.date(2018, 12, 31))
_SCHOOL_LEAVERS = (dt.date(1996, 9, 1), dt.date(2000, 8, 31))
_REGISTER_WINDOW = (DOB_FIRST.item(), DOB_LAST.item())
_SIBLING_GAP_DAYS = 280


def _days(day: dt.date) -> int:
    return (day - _EPOCH).days


class Relatives:
    """Makes the people of requests who are not in the register, one at a time, from the dice."""

    def __init__(self, register: Register, book: NameBook, addresses: AddressBook, dice: Dice) -> None:
        self._register = register
        self._book = book
        self._addresses = addresses
        self._dice = dice
        self._feminine = book.feminine_index().tolist()
        self._surnames = book.surnames.values
        self._forenames = book.forename_strings
        self._taken_names: dict[int, set[int]] = {}
        self._taken_days: dict[int, list[int]] = {}

    def sibling(self, household: int) -> Person:
        """A brother or sister not on a school roll: same surname, address and postcode as the household."""
        homes = self._register.households
        culture, sex = int(homes.culture[household]), self._sex()
        keep = bool(homes.keep_diacritics[household])
        taken = self._household_names(household)
        forename = self._forename(culture, sex, avoid=taken)
        taken.add(forename)
        postcode, address = self._register.home(household)
        return Person(
            forename=self._show(self._forenames[forename], keep),
            middle_names=self._middle(culture, sex, keep, father=int(homes.father[household])),
            surname=self._show(self._household_surname(household, sex, hyphenated=True), keep),
            dob=self._sibling_dob(household),
            sex=_letter(sex),
            postcode=postcode,
            address=address,
            culture=culture,
            town=int(homes.town[household]),
            district=int(homes.places.household_district[household]),
            origin="sibling",
        )

    def cousin(self, pupil: int) -> Person:
        """Same surname and culture as ``pupil``, born within about two years, living elsewhere in the town.

        A quarter of same-sex cousins share the pupil's forename (children named after a grandparent).
        """
        register, homes, dice = self._register, self._register.households, self._dice
        household = int(register.household[pupil])
        culture, sex = int(homes.culture[household]), self._sex()
        keep = dice.chance(CULTURES[culture].diacritics_kept)
        own = int(register.forename[pupil])
        same_sex = sex == int(register.sex[pupil])
        forename = own if same_sex and dice.chance(0.25) else self._forename(culture, sex, avoid={own})
        offset = (30 + dice.below(870)) * (1 if dice.chance(0.5) else -1)
        town = int(homes.town[household])
        home = int(homes.places.household_district[household])
        district = home if dice.chance(0.5) else self._addresses.district_in(town, dice, avoid=home)
        postcode, address = self._addresses.new_address(dice, district)
        return Person(
            forename=self._show(self._forenames[forename], keep),
            middle_names=self._middle(culture, sex, keep),
            surname=self._show(self._household_surname(household, sex, hyphenated=False), keep),
            dob=register.dob[pupil].item() + dt.timedelta(days=offset),
            sex=_letter(sex),
            postcode=postcode,
            address=address,
            culture=culture,
            town=town,
            district=district,
            origin="cousin",
        )

    def fresh(self, culture: int) -> Person:
        """Someone unrelated to the register, of ``culture``, living at a free address in a likely town."""
        dice, book, spec = self._dice, self._book, CULTURES[culture]
        sex = self._sex()
        keep = dice.chance(spec.diacritics_kept)
        surname = self._surname_form(book.family[culture].draw_one(dice.u()), sex)
        if dice.chance(spec.hyphenated):
            other = self._surname_form(book.family[culture].draw_one(dice.u()), sex)
            surname = surname if other == surname else f"{surname}-{other}"
        town = self._addresses.town_for(culture, dice)
        district = self._addresses.district_in(town, dice)
        postcode, address = self._addresses.new_address(dice, district)
        father = book.given[culture, MALE].draw_one(dice.u()) if dice.chance(spec.patronymic) else -1
        return Person(
            forename=self._show(self._forenames[self._forename(culture, sex, avoid=set())], keep),
            middle_names=self._middle(culture, sex, keep, father=father),
            surname=self._show(surname, keep),
            dob=self._fresh_dob(),
            sex=_letter(sex),
            postcode=postcode,
            address=address,
            culture=culture,
            town=town,
            district=district,
            origin="fresh",
        )

    def _sex(self) -> int:
        return FEMALE if self._dice.chance(0.488) else MALE

    def _show(self, name: str, keep_diacritics: bool) -> str:
        return name if keep_diacritics or name.isascii() else ascii_fold(name)

    def _forename(self, culture: int, sex: int, *, avoid: set[int]) -> int:
        table = self._book.given[culture, sex]
        name = table.draw_one(self._dice.u())
        for _ in range(8):
            if name not in avoid:
                break
            name = table.draw_one(self._dice.u())
        return name

    def _middle(self, culture: int, sex: int, keep: bool, *, father: int = -1) -> str:
        dice, book = self._dice, self._book
        probs = CULTURES[culture].middle
        u = dice.u()
        count = 0 if u < probs[0] else 1 if u < probs[0] + probs[1] else 2
        names: list[int] = [father] if father >= 0 else []
        while len(names) < count:
            special = book.middle_only.get((culture, sex))
            table = special if special is not None and dice.chance(0.5) else book.given[culture, sex]
            names.append(table.draw_one(dice.u()))
        return " ".join(self._show(self._forenames[n], keep) for n in dict.fromkeys(names))

    def _surname_form(self, index: int, sex: int) -> str:
        return self._surnames[self._feminine[index] if sex == FEMALE else index]

    def _household_surname(self, household: int, sex: int, *, hyphenated: bool) -> str:
        homes = self._register.households
        surname = self._surname_form(int(homes.surname[household]), sex)
        second = int(homes.surname2[household])
        if hyphenated and second >= 0:
            surname = f"{surname}-{self._surname_form(second, sex)}"
        return surname

    def _household_names(self, household: int) -> set[int]:
        if household not in self._taken_names:
            first, n = self._household_children(household)
            self._taken_names[household] = set(self._register.forename[first : first + n].tolist())
        return self._taken_names[household]

    def _household_children(self, household: int) -> tuple[int, int]:
        homes = self._register.households
        return int(homes.first_child[household]), int(homes.children[household])

    def _sibling_dob(self, household: int) -> dt.date:
        """Too young or too old for school (mostly), or of school age but on no roll; never a twin's date."""
        if household not in self._taken_days:
            first, n = self._household_children(household)
            self._taken_days[household] = self._register.dob[first : first + n].astype(np.int64).tolist()
        taken = self._taken_days[household]
        for _ in range(12):
            u = self._dice.u()
            window = _PRESCHOOL if u < 0.5 else _SCHOOL_LEAVERS if u < 0.7 else _REGISTER_WINDOW
            day = self._day_in(window)
            if all(abs(_days(day) - other) >= _SIBLING_GAP_DAYS for other in taken):
                break
        taken.append(_days(day))
        return day

    def _fresh_dob(self) -> dt.date:
        u = self._dice.u()
        return self._day_in(_REGISTER_WINDOW if u < 0.85 else _PRESCHOOL if u < 0.95 else _SCHOOL_LEAVERS)

    def _day_in(self, window: tuple[dt.date, dt.date]) -> dt.date:
        span = (window[1] - window[0]).days + 1
        return window[0] + dt.timedelta(days=self._dice.below(span))


def _letter(sex: int) -> str:
    return "F" if sex == FEMALE else "M"
