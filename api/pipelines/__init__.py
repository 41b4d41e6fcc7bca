"""Work that composes packages for the portal (DESIGN §2): enterprise standards into the
catalogue with their indicators, bulk declaration files previewed then committed."""
