"""PII redaction (e-mail addresses, public IP addresses, phone numbers) that counts what it replaced.

Why it exists: a published web dataset must not carry contact details of private people, and a
dataset card must say how much was redacted. E-mail and IP rules are datatrove's
(``PIIFormatter``'s patterns and its public-IP validator, reused as they are); datatrove has no
phone rule, so one is added here: 8-15 digits in groups, international prefix allowed, not a
date and not a number written with thousand separators.
"""

from __future__ import annotations

import re
from collections import Counter

from datatrove.pipeline.formatters.pii import PIIFormatter

PII_KINDS = ("email", "ip", "phone")
PHONE_REPLACEMENT = "+1-555-0100"

_PHONE = re.compile(r"(?<![\w+])(?:\+\d{1,3}[\s.-]?)?(?:\(\d{1,4}\)[\s.-]?)?\d{2,4}(?:[\s.-]\d{2,4}){1,4}(?![\w])")
_DATE = re.compile(r"^\d{4}[-./]\d{1,2}[-./]\d{1,2}$|^\d{1,2}[-./]\d{1,2}[-./]\d{4}$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:[\s.,]\d{3})+$")


def _is_phone(candidate: str) -> bool:
    digits = sum(c.isdigit() for c in candidate)
    return 8 <= digits <= 15 and not _DATE.match(candidate) and not _THOUSANDS.match(candidate)


class PIIRedactor:
    """Replace PII in text and count replacements per kind."""

    def __init__(self, kinds: tuple[str, ...] = PII_KINDS):
        unknown = set(kinds) - set(PII_KINDS)
        if unknown:
            raise ValueError(f"unknown PII kinds {sorted(unknown)}; use any of {PII_KINDS}")
        stock = PIIFormatter()
        self.rules = []
        if "email" in kinds:
            self.rules.append(("email", stock.emails_replacer.regex, None, stock.emails_replacer.replacements))
        if "ip" in kinds:
            self.rules.append(("ip", stock.ip_replacer.regex, stock.ip_replacer.validator, stock.ip_replacer.replacements))
        if "phone" in kinds:
            self.rules.append(("phone", _PHONE, _is_phone, (PHONE_REPLACEMENT,)))

    def redact(self, text: str) -> tuple[str, Counter[str]]:
        """(redacted text, replacements per kind)."""
        counts: Counter[str] = Counter()
        for kind, pattern, validator, replacements in self.rules:

            def replace(match: re.Match, kind=kind, validator=validator, replacements=replacements) -> str:
                found = match.group(0)
                if validator is not None and not validator(found):
                    return found
                counts[kind] += 1
                return replacements[(counts[kind] - 1) % len(replacements)]

            text = pattern.sub(replace, text)
        return text, counts
