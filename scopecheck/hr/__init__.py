"""Readers for HR: a job posting's text (posting), a candidate's credentials file (candidate), and the
checks of a posting or a hire against the law (checks), as findings with citations.

May import deciding, the law and the foundation; every question goes through the Checker.
"""
