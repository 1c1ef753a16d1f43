# scopecheck's page and HTTP API in a container:
#   docker build -t scopecheck .
#   docker run -p 8000:8000 scopecheck          # then open http://127.0.0.1:8000

# Builder: durable-rules is published only as C source, so this stage has a compiler. It installs
# scopecheck with the web extra into a virtualenv that the runtime stage copies.
FROM python:3.11-slim AS builder
RUN apt-get update \
    && apt-get install -y --no-install-recommends build-essential \
    && rm -rf /var/lib/apt/lists/*
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY scopecheck/ scopecheck/
COPY states/ states/
COPY rules/ rules/
RUN pip install '.[web]' && scopecheck rules validate

# Runtime: the virtualenv (the law data is inside the installed package), no compiler, not root.
FROM python:3.11-slim AS runtime
COPY --from=builder /opt/venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1
RUN useradd --system --uid 10001 --no-create-home scopecheck
USER scopecheck
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
# 0.0.0.0 inside the container only: Docker's port mapping (-p) decides who can reach it.
CMD ["scopecheck", "serve", "--host", "0.0.0.0", "--port", "8000"]
