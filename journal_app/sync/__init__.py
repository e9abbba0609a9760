"""Your journal on all your devices (issue « Your journal on your phone and on your laptop »):
the changes a save makes, stamped with a hybrid logical clock, and how another device's changes
are taken in without losing or doubling a word (docs/sync.md). The transport (pairing, the
relay's personal mailboxes) builds on this."""
