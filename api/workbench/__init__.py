"""The staff workbench's pages: accounts and registrations.
Templates in ``templates/`` (named ``workbench/…``)."""
