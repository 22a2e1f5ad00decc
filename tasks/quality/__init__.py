"""The quality report of a run: the site (``site``), writing it (``report``), GX Data Docs."""
