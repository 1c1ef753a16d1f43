"""`scopecheck serve` (the `web` extra): the HTTP API (app), the server-rendered page (page, forms,
templates/, static/) and what guards both (guard: body limits, security headers, strict JSON).
"""
