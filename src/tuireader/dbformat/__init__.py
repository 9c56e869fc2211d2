"""The annotation database's format on disk, as data and functions over bytes and tables (nothing
here reads or writes a file): ``schema`` (the version, the tables, the migrations, and telling
our main file from any other), ``layout`` (where each file of a database lives), ``journal``
(the append-only journal: reading its entries, telling a torn write from damage, and how one is
applied), ``journal_entry`` (one entry's bytes: its key and the checksum that seals it),
``journal_scan`` (every entry a damaged journal still holds, for the reader and ``tuireader
repair``) and ``index`` (the per-article annotation counts of the ``index`` table).
``tuireader.storage`` reads and writes the files with them.
"""
