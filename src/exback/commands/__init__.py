"""Use cases: one module per group of commands, one function per use case.

A use case takes the store, the program, the moment (`now`, `today`), the
inputs and, when it may ask, a prompter; it owns the lock (through
`Store.update(now)`) and returns a small result for `cli.py` to render or print
as JSON. No Rich here and no option parsing; see docs/architecture.md.
"""
