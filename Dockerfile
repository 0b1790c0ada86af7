# Small runtime image: slim Python, the package installed from this checkout, a non-root user,
# the database on a volume.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_PATH=/data/bot.sqlite3

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY locales ./locales
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /app smmbot \
    && mkdir -p /data && chown smmbot /data

USER smmbot
VOLUME ["/data"]

# Healthy while the bot's heartbeat (written by a job every 30 s) is fresh.
HEALTHCHECK --interval=60s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-m", "bot.healthcheck"]

CMD ["python", "-m", "bot"]
