"""The yardstick: the smallest Flask page, served the same way (gunicorn, 2 workers)."""
from flask import Flask

app = Flask(__name__)


@app.route("/")
def hello():
    return "Hallo"
