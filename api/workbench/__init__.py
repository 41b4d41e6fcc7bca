"""The staff workbench's pages (DESIGN §2: ``api/workbench/``): accounts and registrations.
Templates in ``templates/`` (named ``workbench/…``)."""
