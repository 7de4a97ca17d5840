from stdnum.no import fodselsnummer


def make_fnr(ddmmyy: str, start: int = 100) -> str:
    """A valid 11-digit identity number for the given date (day+40 gives a D-number)."""
    for ind in range(start, 500):
        base = ddmmyy + f"{ind:03d}"
        k1 = fodselsnummer.calc_check_digit1(base)
        if k1 == "10":
            continue
        k2 = fodselsnummer.calc_check_digit2(base + k1)
        if k2 == "10":
            continue
        number = base + k1 + k2
        if fodselsnummer.is_valid(number):
            return number
    raise AssertionError("no valid number")


def break_check(number: str) -> str:
    """The same number with a wrong last check digit."""
    return number[:-1] + str((int(number[-1]) + 1) % 10)
