"""Bases of every request and response shape."""

from ninja import Schema
from pydantic import ConfigDict


class Input(Schema):
    """Base of every request body: unknown fields are an error, not silently dropped."""

    model_config = ConfigDict(extra="forbid")


class Page(Schema):
    next_cursor: str | None
