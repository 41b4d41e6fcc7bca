"""Work that composes packages for the portal: enterprise standards into the
catalogue with their indicators, bulk declaration files previewed then committed."""
