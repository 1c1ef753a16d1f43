"""The law as data: the schema of rule files and catalogues, loading them with file-and-line errors,
and checking them (one file against the catalogues: crosscheck; everything: validate).

Owns: schema, terms (the fixed words and how words are compared), tomlfile, library (where the data
lives, loaded lazily), crosscheck, validate. May import only the foundation (errors, safejson,
csvsafe). Nothing here decides a question.
"""
