"""The enterprise portal's pages (DESIGN §2: ``api/portal/``): registration, and the pages an
enterprise uses once signed in. Templates in ``templates/`` (named ``portal/…``)."""
