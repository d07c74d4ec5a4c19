# The portal's image: web (gunicorn), Celery worker and beat all run from it.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    VAR_DIR=/app/var \
    STATIC_ROOT=/app/staticfiles \
    MEDIA_ROOT=/data/media

# Pango for WeasyPrint; Noto and DejaVu fonts for Turkish, Arabic-script and Bengali names.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 \
       fonts-noto-core fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml ./
COPY . .
RUN pip install . \
    && DEBUG=false SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
       python manage.py collectstatic --noinput \
    && useradd --system --uid 1000 portal \
    && mkdir -p /app/var /data/media && chown -R portal /app/var /data

USER portal
EXPOSE 8000
CMD ["gunicorn", "d8portal.wsgi", "--bind", "0.0.0.0:8000", "--access-logfile", "-"]
