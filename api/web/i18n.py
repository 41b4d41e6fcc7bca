"""Languages of the pages: Chinese first, English through the language switch.

Convention (every face follows it):
- Source strings (msgids) are the Chinese text itself. Templates write ``{{ _("登录") }}`` or
  ``{% trans %}…{% endtrans %}`` (jinja2.ext.i18n, new-style: ``_("共 %(n)s 项", n=3)``);
  Python code that words a page marks strings with ``_()`` of :func:`translator` (or with
  :func:`N_` where the text is chosen before the language is known, then translated with
  ``_(message)`` at render time).
- The English catalog is ``api/web/locale/en/LC_MESSAGES/messages.po``, in the repository.
  It is compiled in memory the first time a page is rendered in English: no ``.mo`` file and
  no build step. ``make i18n`` extracts new strings (pybabel, ``babel.cfg``) and merges them
  into the catalog as untranslated entries; tests/api/test_i18n.py fails until each has an
  English translation (and a fuzzy entry counts as untranslated).
- A page is in one language: ``?lang=en|zh`` chooses it and is remembered in the
  ``stdtrack_lang`` cookie; without either, Chinese.
"""

from __future__ import annotations

import gettext
import io
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations
from litestar.connection import ASGIConnection
from markupsafe import Markup, escape

LOCALE_DIR = Path(__file__).resolve().parent / "locale"
DOMAIN = "messages"
LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"
LANG_COOKIE = "stdtrack_lang"
LANG_PARAM = "lang"
HTML_LANG = {"zh": "zh-CN", "en": "en"}
# the switch offers the other language, named in that language
SWITCH_LABEL = {"zh": "中文", "en": "English"}
_CJK = re.compile(r"[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")


class Translate(Protocol):
    """``_(message, **values)``: the message in the page's language, values filled in."""

    def __call__(self, message: str, **values: Any) -> str: ...


def N_(message: str) -> str:
    """Mark a string for extraction without translating it yet."""
    return message


def catalog_path(language: str) -> Path:
    return LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The compiled catalog of ``language`` (Chinese, the source language, needs none).
    Fuzzy entries are left out: an unreviewed translation shows the Chinese source."""
    path = catalog_path(language)
    if language == DEFAULT_LANGUAGE or not path.exists():
        return gettext.NullTranslations()
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    compiled = io.BytesIO()
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(fp=compiled, domain=DOMAIN)


def language_of(connection: ASGIConnection[Any, Any, Any, Any]) -> str:
    """The page language: ``?lang=``, else the remembered choice, else Chinese."""
    asked = connection.query_params.get(LANG_PARAM)
    if asked in LANGUAGES:
        return str(asked)
    remembered = connection.cookies.get(LANG_COOKIE)
    if remembered in LANGUAGES:
        return str(remembered)
    return DEFAULT_LANGUAGE


def chosen_language(connection: ASGIConnection[Any, Any, Any, Any]) -> str | None:
    """The language ``?lang=`` asks for, when it asks for a known one (to remember)."""
    asked = connection.query_params.get(LANG_PARAM)
    return str(asked) if asked in LANGUAGES else None


def gettext_for(language: str) -> Translate:
    """``_`` for ``language``: new-style, like the templates' (``%(name)s`` placeholders)."""
    catalog = translations(language)

    def translate(message: str, **values: Any) -> str:
        text = catalog.gettext(message)
        return text % values if values else text

    return translate


def ngettext_for(language: str) -> Callable[..., str]:
    """Plural forms for ``language``: ``ngettext(singular, plural, n, **values)``; ``n`` is
    also available to the message as ``%(num)s``."""
    catalog = translations(language)

    def translate(singular: str, plural: str, n: int, **values: Any) -> str:
        return catalog.ngettext(singular, plural, n) % {"num": n, **values}

    return translate


def translator(connection: ASGIConnection[Any, Any, Any, Any]) -> Translate:
    """``_`` in the language of this request's page."""
    return gettext_for(language_of(connection))


def mark_data(language: str, value: Any) -> Markup:
    """A value that is data (a name, a title, a reason staff wrote), not interface text: on a
    page in another language, text in Chinese is marked ``lang="zh-CN"`` (screen readers read it
    as Chinese; the untranslated-text test passes over it). The ``data`` template filter."""
    text = "" if value is None else str(value)
    if language != DEFAULT_LANGUAGE and _CJK.search(text):
        return Markup('<span lang="zh-CN">{}</span>').format(text)
    return escape(text)


def data_translator(connection: ASGIConnection[Any, Any, Any, Any]) -> Translate:
    """``_`` whose values are data: the message is escaped, each value marked with
    :func:`mark_data`, and the result is markup a template shows as it is. For messages that
    quote what a person typed or staff wrote (``“%(value)s” 不正确``)."""
    language = language_of(connection)
    catalog = translations(language)

    def translate(message: str, **values: Any) -> str:
        text = escape(catalog.gettext(message))
        return text % {name: mark_data(language, value) for name, value in values.items()}

    return translate
