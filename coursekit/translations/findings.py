"""One record for every problem a check finds in a file: where (file, line), how bad, what to do.

Lint, quiz validation, status and the build all report through `Finding`, so a message looks
the same wherever a translator meets it: `translations/de/quiz/gan-pre.yml:28: message`, with an
optional `detail` below it (the offending line with a caret, the likely cause, the fix).
"""
from __future__ import annotations

from dataclasses import dataclass

ERROR, WARNING = "error", "warning"


@dataclass(frozen=True)
class Finding:
    path: str  # relative to the repository root, POSIX style (never an absolute machine path)
    line: int
    message: str  # one line
    severity: str = ERROR  # ERROR fails lint, validation and the build; WARNING is printed
    detail: str = ""  # more lines for people: an excerpt with a caret, the likely cause, the fix

    @property
    def location(self) -> str:
        return f"{self.path}:{self.line}"

    def headline(self) -> str:
        return f"{self.location}: {'warning: ' if self.severity == WARNING else ''}{self.message}"

    def __str__(self) -> str:
        return self.headline() + ("\n" + self.detail if self.detail else "")


def errors(findings) -> list[Finding]:
    return [finding for finding in findings if finding.severity == ERROR]


def sort_findings(findings) -> list[Finding]:
    """By file, then line; findings on one line keep the order they were made in."""
    return sorted(findings, key=lambda finding: (finding.path, finding.line))


class FindingsError(ValueError):
    """Raised where work cannot go on; str() lists the findings as `file:line: message`."""

    def __init__(self, findings: list[Finding]):
        self.findings = list(findings)
        super().__init__("\n".join(str(finding) for finding in self.findings))


class TranslationError(FindingsError):
    """One malformed translation file (its front matter, say): `file:line: message`."""

    def __init__(self, path, line: int, message: str, detail: str = ""):
        self.path, self.line, self.message = str(path), line, message
        super().__init__([Finding(self.path, line, message, ERROR, detail)])


class UserError(ValueError):
    """A problem the person at the command line can fix (an unknown language, a missing file,
    no mkdocs.yml); one line that says what to do."""
