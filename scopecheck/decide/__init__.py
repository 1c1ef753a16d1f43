"""Deciding one question: words to ids (resolve, matcher), a Query, the rules that hold (plan), the
durable_rules ruleset (compiler) and engine, the engine-neutral Findings, and the Verdict (verdict).

Owns: query, resolve, matcher, plan, compiler, engine, findings, verdict, checker (the Checker that
runs the flow once per distinct question, thread-safe), examples (the rule files' own tests).
May import the law and the foundation. Only compiler and engine know durable_rules.
"""
