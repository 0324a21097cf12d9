"""Small helpers shared by the SimCord tests."""

from __future__ import annotations


def handled_errors(env) -> list[str]:
    """Names of the errors the bot handled so far (unwrapped from CommandInvokeError).

    Reading env.errors also acknowledges them, so SimCord's teardown check passes.
    """
    return [type(getattr(error, "original", error)).__name__ for error in env.errors]
