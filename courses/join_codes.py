"""Make, normalise and show cohort join codes; pure, no ORM.

A code is ten characters of Crockford's base32 (50 random bits from `secrets`): short
enough to read out in class, too many to guess through the join throttle. Input forgives
case, spaces, dashes and the letters people confuse with digits (O for 0, I and L for 1).
"""

import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
JOIN_CODE_LENGTH = 10
JOIN_CODE_PATTERN = rf"^[{ALPHABET}]{{{JOIN_CODE_LENGTH}}}$"
_CONFUSED = str.maketrans({"O": "0", "I": "1", "L": "1"})
_SEPARATORS = re.compile(r"[\s\-_.]+")


def new_code() -> str:
    """A fresh random code."""
    return "".join(secrets.choice(ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise(text: str) -> str | None:
    """The code a person typed, in stored form; None when it cannot be a code."""
    code = _SEPARATORS.sub("", text or "").upper().translate(_CONFUSED)
    if len(code) != JOIN_CODE_LENGTH or any(ch not in ALPHABET for ch in code):
        return None
    return code


def display(code: str) -> str:
    """The code in two halves, easier to read aloud: ABCDE-FGHJK."""
    half = len(code) // 2
    return f"{code[:half]}-{code[half:]}"
