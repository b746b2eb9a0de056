# The app for a team server: `docker compose up -d` runs it (compose.yaml; README, "Deploying for a team").
# Alone: docker build -t email-journey . && docker run -p 8501:8501 -e STREAMLIT_SERVER_ALLOWED_HOSTS="localhost" email-journey
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# The studio's PNG downloads draw with Chromium; without it their buttons are disabled and say why.
# docker build --build-arg WITH_CHROMIUM=1 adds it (about 300 MB).
ARG WITH_CHROMIUM=0
RUN if [ "$WITH_CHROMIUM" = "1" ]; then \
      apt-get update && apt-get install -y --no-install-recommends chromium && rm -rf /var/lib/apt/lists/*; \
    fi

WORKDIR /app
# The pinned packages first, so a code change does not reinstall them.
COPY requirements.txt ./
RUN pip install --no-cache-dir -r requirements.txt

# The code belongs to root and is read-only to the app's user; only data/ (the SQLite default) is writable.
COPY . .
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin journey \
    && mkdir -p /app/data && chown journey:journey /app/data
USER journey
VOLUME ["/app/data"]

EXPOSE 8501
# The host names people type come from the environment (STREAMLIT_SERVER_ALLOWED_HOSTS, read by Streamlit);
# the health check asks as localhost, so keep localhost in that list (compose.yaml does).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://localhost:8501/_stcore/health', timeout=4)"]
CMD ["python", "-m", "streamlit", "run", "serve.py", "--server.address=0.0.0.0", "--server.port=8501"]
