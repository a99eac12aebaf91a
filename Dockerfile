# syntax=docker/dockerfile:1
# Stage 1: build the browser app.
FROM node:20-bookworm-slim AS frontend
WORKDIR /src/frontend
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# Stage 2: the Python runtime, as a non-root user.
FROM python:3.11-slim-bookworm AS runtime
# Production mode: start-up refuses to run until ALONGSIDE_SECRET_KEY (32+ characters) and
# ALONGSIDE_ALLOWED_ORIGINS (the site's https:// origin) are given; cookies are Secure (serve over HTTPS).
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    ALONGSIDE_MODE=production ALONGSIDE_COOKIE_SECURE=true \
    ALONGSIDE_HOST=0.0.0.0 ALONGSIDE_PORT=8080 \
    ALONGSIDE_FRONTEND_DIR=/app/frontend/dist ALONGSIDE_CONFIG=/app/config/alongside.toml
WORKDIR /app
RUN useradd --create-home --uid 10001 alongside
COPY requirements-runtime.lock pyproject.toml README.md LICENSE NOTICE ./
RUN pip install --no-cache-dir -r requirements-runtime.lock
COPY server/ server/
COPY rooms/ rooms/
COPY moderation/ moderation/
COPY config/ config/
RUN pip install --no-cache-dir --no-deps . && mkdir -p /app/var && chown alongside /app/var
COPY --from=frontend /src/frontend/dist /app/frontend/dist
USER alongside
VOLUME ["/app/var"]
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s \
  CMD python -c "import urllib.request,sys; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8080/healthz', timeout=4).status == 200 else 1)"
CMD ["alongside", "serve"]
