"""What every face's pages share: the layout template with navigation, sign-in state and the
language switch (``templates/layout.html``), rendering in the request's language
(``render.render_page``), the gettext catalogs (``i18n``), page answers to refusals
(``errors.PAGE_EXCEPTION_HANDLERS``), form field problems worded for people (``forms``), and
the pages all roles share: sign in and out, the account page, changing one's password
(``account_pages``). See ARCHITECTURE.md ("Pages") for the conventions."""
