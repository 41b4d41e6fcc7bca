"""What every face's pages share: the layout (``templates/layout.html``: navigation by role,
sign-in state, the language switch), rendering in the request's language
(``render.render_page``), the gettext catalogs (``i18n``), page answers to refusals
(``errors.PAGE_EXCEPTION_HANDLERS``), form problems worded for people (``forms``), and the
pages all roles share: sign in and out, the account page, changing one's password
(``account_pages``).

Building a page (portal, workbench, dashboard)::

    from api.auth import Role, identity_in
    from api.web.errors import PAGE_EXCEPTION_HANDLERS
    from api.web.i18n import N_, data_translator, translator
    from api.web.render import render_page

    class PortalPages(Controller):
        path = "/portal"
        include_in_schema = False
        exception_handlers = PAGE_EXCEPTION_HANDLERS  # sign-in redirect, 403/404 pages
        opt = {"roles": frozenset({Role.ENTERPRISE})}   # every route states its roles

        @get("/")
        async def home(self, request: Request) -> Response[str]:
            me = identity_in(request)          # Identity: role, name, uscc, account_id, …
            _ = translator(request)            # _("中文原文", name=value) in the page language
            return render_page(request, "portal/home.html", title=_("企业门户"))

- Who is asking: ``identity_in(request)`` (None when signed out; set by the role guard on
  every route). An enterprise's ``identity.uscc`` is its own; check ownership as the API does
  (``api.routes.access.check_owner`` / ``enterprise_uscc``).
- Roles: ``opt={"roles": ...}`` on the controller or handler; signed-out visitors are sent to
  ``/sign-in?next=…``, other roles get a 403 page, a temporary password goes to
  ``/account/password`` first.
- CSRF: every ``<form method="post">`` contains ``{{ csrf_field() }}``; JavaScript sends the
  header ``X-CSRF-Token`` with the value of ``<meta name="csrf-token">``. The role guard checks
  it; a missing or wrong token is a 403 "page expired" page. Form bodies are URL-encoded or
  multipart (the field ``csrf_token`` is read from either).
- Templates: ``api/<face>/templates/x.html``, named ``"<face>/x.html"``, extending
  ``"web/layout.html"`` (blocks ``title``, ``head``, ``main``, ``scripts``). Interface text is
  ``{{ _("中文原文") }}`` (or ``{% trans %}``); data that may be Chinese (names, titles,
  reasons) is ``{{ value|data }}``; Python text is ``_("…")`` from ``translator(request)``, or
  ``N_("…")`` where it is chosen before the language is known; a message quoting what a person
  typed uses ``data_translator(request)``.
- New strings: ``make i18n``, then translate them in
  ``api/web/locale/en/LC_MESSAGES/messages.po``; tests/api/test_i18n.py names any left.
- Navigation: append a ``render.NavItem`` to ``render.NAV``; where a role lands after sign-in:
  ``account_pages.HOME_BY_ROLE``.
"""
