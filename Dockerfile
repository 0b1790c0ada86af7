# Small runtime image: slim Python, the package installed from a wheel built from this checkout,
# a non-root user, the database on a volume. Build: docker build -t smm-bot .
FROM python:3.11-slim AS build
WORKDIR /src
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY locales ./locales
RUN pip wheel --no-cache-dir --no-deps --wheel-dir /wheels .

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_PATH=/data/bot.sqlite3

# tzdata: users pick their time zone for dates; the slim image has no zone database.
RUN apt-get update \
    && apt-get install --yes --no-install-recommends tzdata \
    && rm -rf /var/lib/apt/lists/*

COPY --from=build /wheels /wheels
RUN pip install /wheels/*.whl \
    && rm -rf /wheels \
    && useradd --system --uid 10001 --no-create-home --home-dir /nonexistent smmbot \
    && mkdir -p /data \
    && chown smmbot /data

# The working directory holds no code: `python -m bot` imports the installed package.
WORKDIR /data
USER smmbot
VOLUME ["/data"]
# Webhook mode only (WEBHOOK_URL set): the port WEBHOOK_PORT listens on.
EXPOSE 8443

# Healthy while the bot's heartbeat beside the database (touched every 30 s) is fresh.
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot.healthcheck"]

# SIGTERM (docker stop) lets updates being handled finish; give it --stop-timeout 45.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot"]
