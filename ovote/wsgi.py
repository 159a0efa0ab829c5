"""The WSGI application for production servers: `gunicorn -c python:ovote.serving ovote.wsgi:app`."""
from ovote import create_app

app = create_app()
