"""Products, continued: partial updates (PATCH semantics). The rest of the product aggregate
(create, full update, discontinue, lists) is still in adoption/repository.py."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from adoption import repository
from adoption.db import writing
from adoption.errors import InvalidFieldError
from adoption.schemas import ProductRead

PATCHABLE = ("name", "model", "category", "main", "sector")


async def patch_product(product_id: int, changes: Mapping[str, Any],
                        now: dt.datetime) -> ProductRead:
    """Change only the fields given; the others keep their values.

    Args:
        changes: a subset of ``name``, ``model``, ``category``, ``main``, ``sector``.

    Raises:
        RecordNotFound: no product has this id.
        InvalidFieldError: an unknown field, or a value breaking its rule (an empty name).
        DuplicateError: another product of the enterprise has the resulting name and model.
    """
    unknown = sorted(set(changes) - set(PATCHABLE))
    if unknown:
        raise InvalidFieldError(unknown[0], changes[unknown[0]], "不能修改 cannot be changed")
    async with writing():
        current = await repository.get_product(product_id)
        merged = {name: getattr(current, name) for name in PATCHABLE}
        for name, value in changes.items():
            if value is None:
                raise InvalidFieldError(name, value, "不能为空 must not be null")
            merged[name] = value
        checked = repository.check_product(**merged)
        if checked.model_dump() == {name: getattr(current, name) for name in PATCHABLE}:
            return current  # nothing changes: no write, the facts stay as they are
        return await repository.update_product(product_id, checked, now)
