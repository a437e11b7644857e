"""Code lists (值域代码): a code, its Chinese label and its English label."""

from __future__ import annotations

from collections.abc import Iterator


class CodeList:
    def __init__(self, name_zh: str, name_en: str, entries: dict[str, tuple[str, str]]) -> None:
        self.name_zh = name_zh
        self.name_en = name_en
        self.entries = entries

    def __contains__(self, code: object) -> bool:
        return code in self.entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.entries)

    def label(self, code: str | None, language: str = "zh") -> str:
        if code is None or code == "":
            return ""
        zh, en = self.entries.get(code, (code, code))
        return zh if language == "zh" else en

    def choices(self, language: str = "zh") -> list[tuple[str, str]]:
        return [(code, self.label(code, language)) for code in self.entries]

    def lookup(self, text: str) -> str | None:
        """The code for user text that is a code or either label (for imports)."""
        text = text.strip()
        if text in self.entries:
            return text
        for code, (zh, en) in self.entries.items():
            if text == zh or text.lower() == en.lower():
                return code
        return None
