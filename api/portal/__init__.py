"""The enterprise portal's pages: registration, and the pages an
enterprise uses once signed in. Templates in ``templates/`` (named ``portal/…``)."""
