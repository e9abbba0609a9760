"""What a person does, written once and called by both the command line and the screens.

Each use case takes plain values (an open journal or database, file names and bytes) and returns
a report object; `describe_*` turns a report into the lines a person reads, in French or
English, for the terminal and the screen alike. Nothing here imports `flet`.
"""
