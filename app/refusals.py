"""One way for a service to say no: raise a Refusal with a stable code and its parameters.

The words are not the service's: each area's refusal class keeps its messages in one table of
translatable strings, looked up when the refusal is shown, so a page reads it in the reader's
language and the API answers both the code (for programs) and the message (for people)."""

from collections.abc import Mapping
from typing import Any, ClassVar

from flask_babel import LazyString

from app.records import fill


class Refusal(Exception):
    MESSAGES: ClassVar[Mapping[str, LazyString]] = {}

    def __init__(self, code: str, /, **params: Any):
        # Positional-only: a message may have a parameter called "code" too (a SKU's, a lot's).
        if code not in self.MESSAGES:
            # A code without words would reach a person as a bare code: fail where it is raised.
            raise KeyError(f"{type(self).__name__} has no message for {code!r}")
        super().__init__(code)
        self.code, self.params = code, params

    @property
    def message(self) -> str:
        return fill(str(self.MESSAGES[self.code]), self.params)

    def __str__(self) -> str:
        return self.message

    def as_json(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}


class Missing(LookupError):
    """What a service was asked for does not exist, or is not the asker's to see. Every page
    answers it with the 404 page (registered in site.views), so views need not catch it."""
