"""Line-level boilerplate removal: cookie banners, navigation residue, "read more" and share lines.

Why it exists: extraction keeps the article but often also a few template lines around it
("We use cookies...", "Home > News > World", "Read more", "Share on Facebook"). They are
repeated across thousands of pages of a site, inflate near-duplicate matches and teach a model
nothing. Only SHORT lines that match are removed (a long paragraph that mentions cookies is
content); the phrases cover the languages of the seed packs' biggest web shares, and the
structural rules (separator-heavy menus, breadcrumbs) work in any script.
"""

from __future__ import annotations

import re

MAX_LINE_CHARS = 200
SHORT_LINE_CHARS = 60

#: Template sentences: removed from any line up to MAX_LINE_CHARS.
_STRONG = [
    r"(?:we|this (?:web)?site) uses? cookies", r"by (?:continuing|using this (?:web)?site)", r"accept (?:all )?cookies",
    r"cookie (?:policy|settings|consent)", r"subscribe to (?:our|the) newsletter", r"sign up for (?:our|the) newsletter",
    r"all rights reserved", r"todos los derechos reservados", r"tous droits réservés", r"alle rechte vorbehalten",
    r"utilizamos cookies", r"nous utilisons des cookies", r"wir verwenden cookies", r"usamos cookies",
    r"utilizziamo i cookie", r"мы используем (?:файлы )?cookie", r"sử dụng cookie", r"คุกกี้",
    r"本网站使用cookie", r"クッキーを使用", r"쿠키를 사용", r"ملفات تعريف الارتباط", r"版权所有", r"無断転載",
]
#: Navigation and call-to-action words: removed only from short lines (up to SHORT_LINE_CHARS).
_WEAK = [
    r"cookies?", r"privacy policy", r"accept all", r"gdpr", r"คุกกี้", r"クッキー", r"쿠키",
    r"read more", r"continue reading", r"click here", r"learn more", r"see more", r"load more",
    r"leer más", r"seguir leyendo", r"lire la suite", r"en savoir plus", r"weiterlesen", r"mehr lesen",
    r"leia mais", r"continue lendo", r"continua a leggere", r"leggi (?:di )?più", r"читать (?:далее|дальше|ещё|еще)",
    r"подробнее", r"xem thêm", r"đọc thêm", r"đọc tiếp", r"อ่านต่อ", r"อ่านเพิ่มเติม", r"阅读更多", r"閱讀更多",
    r"查看更多", r"続きを読む", r"もっと見る", r"더 ?보기", r"اقرأ المزيد", r"baca selengkapnya", r"baca juga",
    r"soma zaidi", r"और पढ़ें", r"আরও পড়ুন",
    r"share (?:on|this|via)", r"follow us", r"skip to (?:main )?content", r"back to top", r"log ?in", r"sign ?in", r"sign up",
    r"terms (?:of use|and conditions)", r"copyright ©?", r"©",
]
_STRONG_RE = re.compile(r"(?:^|\W)(?:" + "|".join(_STRONG) + r")(?:\W|$)", re.IGNORECASE)
_WEAK_RE = re.compile(r"(?:^|\W)(?:" + "|".join(_WEAK) + r")(?:\W|$)", re.IGNORECASE)
_SEPARATORS = re.compile(r"\s[|•·»›>/]\s|\s[|•·»›]|[|•·»›]\s")
_WORDLIKE = re.compile(r"\w+")


def is_boilerplate_line(line: str) -> bool:
    """Whether a (stripped) line is template residue rather than content."""
    if not line or len(line) > MAX_LINE_CHARS:
        return False
    if _STRONG_RE.search(line) or (len(line) <= SHORT_LINE_CHARS and _WEAK_RE.search(line)):
        return True
    # menus and breadcrumbs: several short items separated by | • · » › > /
    separators = len(_SEPARATORS.findall(line))
    return separators >= 2 and len(_WORDLIKE.findall(line)) <= 4 * (separators + 1)


def remove_boilerplate_lines(text: str) -> tuple[str, int]:
    """``text`` without boilerplate lines, and how many lines were removed."""
    kept: list[str] = []
    removed = 0
    for line in text.split("\n"):
        if is_boilerplate_line(line.strip()):
            removed += 1
        else:
            kept.append(line)
    return ("\n".join(kept).strip() if removed else text), removed
