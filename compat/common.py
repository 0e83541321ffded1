"""Shared helpers for the Python client checks: each operation prints PASS or FAIL."""
import os
import sys
import traceback

URL = os.environ["OXFORGE_URL"]
ADMIN = os.environ["OXFORGE_ADMIN"]
PASSWORD = os.environ["OXFORGE_PASSWORD"]
TOKEN = os.environ["OXFORGE_TOKEN"]

failures = 0


def check(name, fn):
    """Runs one client operation; an exception or a false result is a failure."""
    global failures
    try:
        ok = fn()
        if ok is False:
            raise AssertionError("unexpected result")
        print(f"PASS {name}")
        return ok
    except Exception as e:  # noqa: BLE001 - every failure is reported, none stops the run
        failures += 1
        detail = "".join(traceback.format_exception_only(type(e), e)).strip().replace("\n", " ")
        print(f"FAIL {name}: {detail[:300]}")
        if os.environ.get("COMPAT_VERBOSE"):
            traceback.print_exc(file=sys.stderr)
        return None
