"""Real-name rosters (实名花名册): the workers behind a labour record, each a person of the directory.

`reading` finds the rows of an office's roster workbook, `checking` checks every row before anything is written,
`store` imports a roster into its record and reads it back. Qt-free: the command line and the window share them.
"""
